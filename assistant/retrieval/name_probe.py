"""Find proper names in text of any language the second encoder knows, with no tagger.

A linear *probe* over the multilingual USE word vectors (``assistant.retrieval.second_encoder``)
scores each word: how much it looks like a proper name, and, for a name, how much like a place
rather than a person. The probe was fitted on English census names, world place names and common English and
Arabic words (``tools/train_name_probe.py``); because USE maps translations and transliterations
close together, it carries over to Arabic: جولوفين, سامويلسون, بنغازي, كوزنيتسوف score as names,
برئاسة, الطبيب, الجولة do not. Two heads, 2 × 512 weights, shipped as ``name_probe.npz``.

:func:`name_spans` groups consecutive name words (nothing but spaces between them) into spans:
"يونس بيك يوفكيورف", "أحمد المسماري". The built-in answerer uses them to answer "who" and "where".
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.text import surface_tokens

__all__ = ["PROBE_FILE", "NameProbe", "NameSpan", "name_spans", "shipped_name_probe"]

logger = logging.getLogger(__name__)

PROBE_FILE = Path(__file__).with_name("name_probe.npz")


@dataclass(frozen=True)
class NameSpan:
    """Words ``[first, last]`` (indexes into the text's surface tokens) at ``[start, end)`` of the
    text; ``name`` and ``place`` are the mean probe scores of its words; ``gap``: how many words
    lie between the span and the nearest word ``skip`` rejected (the question's own words, in
    :func:`name_spans`), or None when there is none."""

    start: int
    end: int
    text: str
    first: int
    last: int
    name: float
    place: float
    gap: int | None = None


class NameProbe:
    """The two logistic heads: P(name | word vector) and P(place | name, word vector)."""

    def __init__(self, name_coef: np.ndarray, name_bias: float, place_coef: np.ndarray, place_bias: float):
        if name_coef.shape != place_coef.shape or name_coef.ndim != 1:
            raise ValueError(
                f"expected two weight vectors of one length, got shapes {name_coef.shape} and {place_coef.shape}"
            )
        self.weights = np.stack([name_coef, place_coef]).astype(np.float32)
        self.bias = np.array([name_bias, place_bias], dtype=np.float32)

    @classmethod
    def load(cls, path: str | Path = PROBE_FILE) -> NameProbe:
        try:
            with np.load(path) as data:
                return cls(
                    data["name_coef"],
                    float(data["name_intercept"]),
                    data["place_coef"],
                    float(data["place_intercept"]),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(
                f"{path}: expected the name probe written by tools/train_name_probe.py ({exc})"
            ) from exc

    @property
    def dim(self) -> int:
        return int(self.weights.shape[1])

    def scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(name, place) probabilities for each row of ``vectors`` (word vectors of the encoder
        the probe was fitted on)."""
        if vectors.size == 0:
            return np.zeros(0), np.zeros(0)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"expected {self.dim}-dimensional word vectors, got {vectors.shape[1]}")
        logits = vectors @ self.weights.T + self.bias
        p = 1.0 / (1.0 + np.exp(-logits))
        return p[:, 0], p[:, 1]


@functools.lru_cache(maxsize=1)
def shipped_name_probe() -> NameProbe | None:
    """The probe shipped with the package (:data:`PROBE_FILE`), or None (logged) if it cannot load."""
    try:
        return NameProbe.load()
    except ValueError:
        logger.warning("name probe unavailable; 'who' and 'where' answers quote sentences", exc_info=True)
        return None


def name_spans(
    text: str,
    encode: Callable[[list[str]], np.ndarray],
    probe: NameProbe,
    *,
    threshold: float = 0.7,
    skip: Callable[[str], bool] | None = None,
) -> list[NameSpan]:
    """Runs of consecutive words of ``text`` that the probe scores at least ``threshold`` as names,
    in order. A run breaks at anything but spaces between two words (a comma, a bracket), at a
    word below the threshold and at a word ``skip`` rejects (e.g. one the question already holds).
    ``skip`` is asked about every word (each span's ``gap`` is measured to those it rejects)."""
    tokens = surface_tokens(text)
    if not tokens:
        return []
    names, places = probe.scores(encode([w for w, _, _ in tokens]))
    skipped = [skip is not None and skip(w) for w, _, _ in tokens]
    anchors = [i for i, s in enumerate(skipped) if s]
    is_name = [
        bool(names[i] >= threshold) and not skipped[i] and any(c.isalpha() for c in w)
        for i, (w, _, _) in enumerate(tokens)
    ]
    spans: list[NameSpan] = []
    run: list[int] = []

    def close() -> None:
        if run:
            start, end = tokens[run[0]][1], tokens[run[-1]][2]
            spans.append(
                NameSpan(
                    start,
                    end,
                    text[start:end],
                    run[0],
                    run[-1],
                    float(np.mean(names[run])),
                    float(np.mean(places[run])),
                    min((max(run[0] - a, a - run[-1]) - 1 for a in anchors), default=None),
                )
            )
            run.clear()

    for i, (_w, s, _e) in enumerate(tokens):
        if run and (not is_name[i] or text[tokens[i - 1][2] : s].strip()):
            close()
        if is_name[i]:
            run.append(i)
    close()
    return spans
