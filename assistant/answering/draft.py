"""What every answerer returns before the citation check: a ``Draft`` with ``[n]`` markers, pinned spans.

An answerer writes claim sentences ending with markers ``[n]`` that point into the numbered
sources it was given (source ``[n]`` is ``sources[n-1]``, or the passages given); the extractive
answerer also pins, per marker, the exact sentence it quotes. Nothing here is trusted:
:func:`assistant.answering.citation_check.verify` checks every claim afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.schema import Passage
from index.text import split_sentences

__all__ = ["MARKER", "Answerer", "Draft", "PinnedSpan", "parse_claim", "split_claims"]

MARKER = re.compile(r"\s*\[(\d{1,3})\]")


@dataclass(frozen=True)
class PinnedSpan:
    """The exact sentence an extractive answerer quotes for a marker, and the evidence
    (e.g. the date expression) it took from it: ``evidence`` must occur in the quote."""

    start: int
    end: int
    evidence: str


@dataclass
class Draft:
    """An answerer's output before verification. Markers refer to ``sources`` (1-based)."""

    text: str
    pinned: dict[int, PinnedSpan] = field(default_factory=dict)
    answerable: bool = True
    claims: list[str] | None = None  # explicit claim sentences (with markers); else split from text
    sources: list[Passage] | None = None  # what the markers number, if not the passages given


class Answerer(Protocol):
    """Turns a question and numbered sources into a draft answer with ``[n]`` markers."""

    name: str

    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft: ...


def split_claims(text: str) -> list[str]:
    """The sentences of a draft, markers included."""
    return [text[s:e] for s, e in split_sentences(text)]


def parse_claim(raw: str) -> tuple[str, list[int]]:
    """A claim sentence without its markers, and the markers it carries."""
    return MARKER.sub("", raw).strip(), [int(m) for m in MARKER.findall(raw)]
