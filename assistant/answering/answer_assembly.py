"""Answer assembly: the extractive answer's claims written from the templates ``prompts/extractive_*.md``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.answering.draft import Draft, PinnedSpan
from assistant.answering.sentence_choice import CandidateSentence
from assistant.answering.slots import AnswerSlot, RankedSlots, publication_date
from assistant.dates import format_day

__all__ = ["count_draft", "display_date", "named_draft", "quoted_sentences_draft", "when_draft"]

Templates = Mapping[str, Any]  # prompts.load_sections(...): section name -> template


def display_date(published: str | None, lang: str) -> str:
    """The publication day as the answer writes it, or "undated"."""
    d = publication_date(published)
    if d is None:
        return "undated" if lang != "ar" else "من دون تاريخ"
    return format_day(d, lang)


def _outlet(c: CandidateSentence) -> str:
    return c.passage.source or c.passage.title or c.passage.article_id


def when_draft(chosen: RankedSlots, articles: Mapping[str, str], templates: Templates) -> Draft:
    """One claim per chosen date, each pinned to the sentence it was read from."""
    claims, pinned, sources = [], {}, []
    for _, slot in chosen:
        marker = len(sources) + 1
        sources.append(slot.candidate.passage)
        pinned[marker] = PinnedSpan(slot.candidate.start, slot.candidate.end, slot.surface(articles))
        section = "when" if marker == 1 else "when_also"
        claims.append(templates[section].render(value=slot.value, marker=marker))
    return Draft(" ".join(claims), pinned=pinned, claims=claims, sources=sources)


def count_draft(slot: AnswerSlot, articles: Mapping[str, str], templates: Templates) -> Draft:
    """The number that answers, pinned to its sentence."""
    claim = templates["count"].render(value=slot.value, marker=1)
    pinned = {1: PinnedSpan(slot.candidate.start, slot.candidate.end, slot.surface(articles))}
    return Draft(claim, pinned=pinned, claims=[claim], sources=[slot.candidate.passage])


def quoted_sentences_draft(
    top: Sequence[CandidateSentence],
    lang: str,
    articles: Mapping[str, str],
    templates: Templates,
    max_sentences: int,
) -> Draft:
    """The best sentences quoted, the first with its outlet and date."""
    claims, pinned, sources = [], {}, []
    for c in top[:max_sentences]:
        text = articles[c.passage.article_id]
        quote = text[c.start : c.end]
        marker = len(sources) + 1
        sources.append(c.passage)
        pinned[marker] = PinnedSpan(c.start, c.end, quote)
        if marker == 1:
            claims.append(
                templates["sentence"].render(
                    source=_outlet(c),
                    date=display_date(c.passage.published, lang),
                    marker=marker,
                    quote=quote,
                )
            )
        else:
            claims.append(templates["sentence_also"].render(marker=marker, quote=quote))
    return Draft("\n".join(claims), pinned=pinned, claims=claims, sources=sources)


def named_draft(
    slot: AnswerSlot, quoted: Draft, qtype: str, lang: str, articles: Mapping[str, str], templates: Templates
) -> Draft:
    """The quoted-sentences answer ``quoted``, its first claim led by the name ``slot`` holds."""
    c = slot.candidate
    first = templates[qtype].render(
        value=slot.value,
        source=_outlet(c),
        date=display_date(c.passage.published, lang),
        marker=1,
        quote=articles[c.passage.article_id][c.start : c.end],
    )
    claims = [first, *quoted.claims[1:]]
    return Draft("\n".join(claims), pinned=quoted.pinned, claims=claims, sources=quoted.sources)
