"""The citation check: every cited sentence must support its claim, or the claim is removed.

``verify`` takes an answerer's :class:`~assistant.answering.draft.Draft` and, for each of its claims:

- drops markers that point to no source;
- finds, inside each cited passage, the sentence that best supports the claim (or checks the
  span the answerer pinned, for the extractive answerer, and that its evidence lies in it);
- measures support: content-term overlap after normalisation and, when an embedder is given,
  embedding similarity (this is what lets an English claim be checked against an Arabic source);
- removes the sentence if no cited source supports it (grounded or silent);
- renumbers the surviving markers 1, 2, ... by first appearance, one marker per quoted sentence.

The returned citations quote ``article_text[start:end]`` exactly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.draft import MARKER, Draft, PinnedSpan, parse_claim, split_claims
from assistant.schema import Citation, Passage
from index import Embedder
from index.text import split_sentences, tokenize

__all__ = ["SUPPORT_THRESHOLD", "Verified", "support_score", "verify"]

logger = logging.getLogger(__name__)

# e5 cosine of a claim and an unrelated sentence sits near 0.72-0.78; a paraphrase or
# translation of the sentence above 0.85. Scaled so that 0.80 -> 0.33, 0.86 -> 0.6, 0.92 -> 1.
SIM_FLOOR, SIM_CEIL = 0.76, 0.88
SUPPORT_THRESHOLD = 0.6  # a two-term claim sharing only one name with a sentence (0.5) is not supported


@dataclass(frozen=True)
class Verified:
    """A checked answer: the kept claims (markers renumbered), their citations, what was removed."""

    text: str
    citations: tuple[Citation, ...]
    removed: tuple[str, ...]
    dropped_markers: tuple[int, ...]


def _content_terms(text: str) -> set[str]:
    return {t for t in tokenize(text) if len(t) > 1}


def support_score(claim: str, sentence: str, similarity: float | None = None) -> float:
    """How well ``sentence`` supports ``claim``, in [0, 1]."""
    claim_terms = _content_terms(claim)
    lexical = len(claim_terms & _content_terms(sentence)) / len(claim_terms) if claim_terms else 0.0
    semantic = 0.0
    if similarity is not None:
        semantic = min(1.0, max(0.0, (similarity - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR)))
    return max(lexical, semantic)


def verify(
    draft: Draft,
    sources: Sequence[Passage],
    article_texts: Mapping[str, str],
    *,
    embedder: Embedder | None = None,
    threshold: float = SUPPORT_THRESHOLD,
) -> Verified:
    """Check a draft against its sources; see the module docstring."""
    raw_claims = draft.claims if draft.claims is not None else split_claims(draft.text)
    claims = [parse_claim(raw) for raw in raw_claims]
    # Candidate sentences of each cited passage, with offsets in the article text.
    cands: dict[int, list[tuple[int, int]]] = {}
    for _, markers in claims:
        for n in markers:
            if 1 <= n <= len(sources) and n not in cands:
                p = sources[n - 1]
                cands[n] = [(p.start + s, p.start + e) for s, e in split_sentences(p.text)]
    sims = _similarities(claims, sources, cands, article_texts, embedder, draft.pinned)

    out_sentences: list[str] = []
    citations: list[Citation] = []
    key_to_marker: dict[tuple[str, int, int], int] = {}
    removed: list[str] = []
    dropped: list[int] = []
    for ci, (claim, markers) in enumerate(claims):
        if not claim:
            continue
        mapping: dict[int, int] = {}
        for n in dict.fromkeys(markers):
            if not 1 <= n <= len(sources):
                dropped.append(n)
                continue
            p = sources[n - 1]
            text = article_texts.get(p.article_id)
            if text is None:
                dropped.append(n)
                continue
            pin = draft.pinned.get(n)
            if pin is not None and not (p.start <= pin.start and pin.end <= p.end):
                logger.warning("pinned span of [%d] lies outside its passage", n)
                continue
            best = _best_span(ci, n, claim, pin, cands.get(n, []), text, sims)
            if best is None or best[2] < threshold:
                logger.info(
                    "claim %r: source [%d] does not support it (%.2f)", claim, n, best[2] if best else 0
                )
                continue
            s, e, score = best
            key = (p.article_id, s, e)
            if key not in key_to_marker:
                key_to_marker[key] = len(citations) + 1
                citations.append(
                    Citation(
                        marker=key_to_marker[key],
                        article_id=p.article_id,
                        title=p.title,
                        source=p.source,
                        published=p.published,
                        url=p.url,
                        quote=text[s:e],
                        start=s,
                        end=e,
                        support=round(score, 3),
                        passage_start=p.start,
                        passage_end=p.end,
                        passage=p.text,
                    )
                )
            mapping[n] = key_to_marker[key]
        if mapping:
            out_sentences.append(_renumber(raw_claims[ci], mapping))
        else:
            removed.append(claim)
    if removed:
        logger.info("removed %d unsupported sentence(s)", len(removed))
    return Verified(" ".join(out_sentences), tuple(citations), tuple(removed), tuple(dropped))


def _renumber(raw: str, mapping: Mapping[int, int]) -> str:
    """Markers of a kept claim rewritten to their final numbers; unsupported ones removed."""

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return m.group(0).replace(f"[{n}]", f"[{mapping[n]}]") if n in mapping else ""

    return MARKER.sub(sub, raw).strip()


def _best_span(
    ci: int,
    n: int,
    claim: str,
    pinned: PinnedSpan | None,
    cands: Sequence[tuple[int, int]],
    text: str,
    sims: Mapping[tuple[int, int, int, int], float],
) -> tuple[int, int, float] | None:
    if pinned is not None:
        s, e = pinned.start, pinned.end
        ok = 0 <= s < e <= len(text) and pinned.evidence and pinned.evidence in text[s:e]
        if ok:
            return s, e, 1.0
        logger.warning("pinned span [%d, %d) does not contain its evidence %r", s, e, pinned.evidence)
        return None
    best: tuple[int, int, float] | None = None
    for s, e in cands:
        score = support_score(claim, text[s:e], sims.get((ci, n, s, e)))
        if best is None or score > best[2]:
            best = (s, e, score)
    return best


def _similarities(
    claims: Sequence[tuple[str, list[int]]],
    sources: Sequence[Passage],
    cands: Mapping[int, list[tuple[int, int]]],
    article_texts: Mapping[str, str],
    embedder: Embedder | None,
    pinned: Mapping[int, PinnedSpan],
) -> dict[tuple[int, int, int, int], float]:
    if embedder is None:
        return {}
    pairs = []
    for ci, (claim, markers) in enumerate(claims):
        for n in dict.fromkeys(markers):
            if n in cands and n not in pinned and claim:
                text = article_texts.get(sources[n - 1].article_id, "")
                pairs.extend((ci, n, s, e, claim, text[s:e]) for s, e in cands[n])
    if not pairs:
        return {}
    claim_texts = sorted({p[4] for p in pairs})
    sent_texts = sorted({p[5] for p in pairs})
    cv = dict(zip(claim_texts, embedder.embed_passages(claim_texts), strict=True))
    sv = dict(zip(sent_texts, embedder.embed_passages(sent_texts), strict=True))
    return {(ci, n, s, e): float(np.dot(cv[c], sv[t])) for ci, n, s, e, c, t in pairs}
