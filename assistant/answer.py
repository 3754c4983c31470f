"""Answerers. The built-in one needs no LLM: it picks the supporting sentences, extracts the
answer where the question type allows (dates for "when", numbers for "how many", a person for
"who" and a place for "where" when one clearly stands out: ``assistant.name_probe``), and writes a
short answer in the question's language from the templates in ``prompts/extractive_*.md``.

Every answerer returns a :class:`~assistant.citations.Draft`; citations are verified afterwards
(``assistant.citations.verify``), never trusted.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.citations import Draft, PinnedSpan
from assistant.name_probe import NameSpan
from assistant.names import NameMatcher, is_name_like, name_tokens
from assistant.schema import Passage
from assistant.temporal import find_dates, format_date, format_day
from index.text import tokenize
from prompts import load_sections

__all__ = [
    "Answerer",
    "ExtractiveAnswerer",
    "ExtractiveConfig",
    "question_language",
    "question_type",
]

logger = logging.getLogger(__name__)


class Answerer(Protocol):
    """Turns a question and numbered sources into a draft answer with ``[n]`` markers."""

    name: str

    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft: ...


_WHEN_EN = re.compile(
    r"^\s*(when\b|what (date|day|year|month|time)\b|in what (year|month)\b|on what (date|day)\b|"
    r"which (year|date|day|month)\b|how long ago\b)",
    re.I,
)
_COUNT_EN = re.compile(r"\b(how many|how much|what number of|what percentage|what percent)\b", re.I)
_WHO_EN = re.compile(r"^\s*(who|whom|whose)\b", re.I)
_WHERE_EN = re.compile(r"^\s*where\b", re.I)
_WHEN_AR = re.compile(
    r"(^|\s)(متى|في أي (عام|سنة|يوم|شهر|تاريخ)|ما (هو )?تاريخ|في اي (عام|سنة|يوم|شهر|تاريخ))"
)
_COUNT_AR = re.compile(r"(^|\s)(كم|ما عدد|ما هو عدد|ما نسبة)(\s|$)")
_WHO_AR = re.compile(r"^\s*(من|مَن)\s")
_WHERE_AR = re.compile(r"(^|\s)(أين|اين)(\s|$)")


def question_language(question: str) -> str:
    """'ar' for a question written mostly in Arabic script, else 'en'."""
    from index.text import script_ratio

    return "ar" if script_ratio(question) >= 0.5 else "en"


def question_type(question: str) -> str:
    """'when', 'count', 'who', 'where' or 'other'."""
    q = question.strip()
    for kind, en, ar in (
        ("when", _WHEN_EN, _WHEN_AR),
        ("count", _COUNT_EN, _COUNT_AR),
        ("where", _WHERE_EN, _WHERE_AR),  # before "who": "من أين" is "from where"
        ("who", _WHO_EN, _WHO_AR),
    ):
        if en.search(q) or ar.search(q):
            return kind
    return "other"


# Words after which a name is a place: "in Benghazi", "في بنغازي".
_LOCATIVE = frozenset(
    "في إلى الى من داخل قرب بالقرب بمدينة مدينة بموقع in at from to near inside into".split()
)
_NUMBER = re.compile(r"(?<![\w.,٫])\d[\d,.٫٬]*\d(?![\w])|(?<![\w.,٫])\d(?![\w.,])")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class ExtractiveConfig:
    """``min_score*``: below this best-sentence score (cosine plus the question-term bonus) the
    articles are taken not to answer; calibrated per question script on the dev sets (see
    benchmarks/RESULTS.md), since cross-lingual similarities run lower. (For a question on text in
    the other script, the retriever orders sentences with the second encoder's help but keeps the
    best score on this e5 scale: ``RetrievalConfig.second_sentence_weight``.) ``also_margin``: a second cited
    sentence must score within this margin of the best one. ``common_zipf``: Latin capitalised
    words more frequent than this in English (wordfreq Zipf scale) are treated as common words,
    rarer ones as names that the articles must mention. ``name_translation_score``: such a name
    also counts as mentioned when a word of the retrieved passages is this close to it under the
    cross-lingual ``translation`` similarity (the top of ``RetrievalConfig.second_term_range``).

    "Who" and "where" answers lead with a name of the best sentence (:meth:`ExtractiveAnswerer._name_slot`):
    ``kind_weight`` weighs how well a name fits the question (a person, a place), ``gap_weight``
    is taken off per word between it and the nearest word of the question, a name fitting less
    than ``name_min_kind`` is no candidate, and the best must lead the next by ``name_margin``."""

    min_score: float | None = None  # one threshold for every question (tests); else by script:
    min_score_arabic: float = 0.82  # 1st percentile of answerable Arabic XQuAD questions: 0.833
    min_score_latin: float = 0.755  # English -> Arabic cosines run lower: 1st percentile 0.757
    also_margin: float = 0.03
    max_sentences: int = 2
    slot_margin: float = 0.06
    slot_sentences: int = 8
    window_words: int = 8
    common_zipf: float = 4.5
    name_match_score: float = 0.45
    name_translation_score: float = 0.7
    # "Who"/"where": benchmarks/who_where.py, XQuAD who and where questions (see RESULTS.md).
    kind_weight: float = 0.3
    gap_weight: float = 0.03
    name_min_kind: float = 0.5
    name_margin: float = 0.03


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class _Slot:
    """A candidate answer value (a date or a number) at [start, end) of a candidate sentence."""

    cand: _Candidate
    start: int  # offsets inside the sentence
    end: int
    value: str
    specificity: int

    def surface(self, articles: Mapping[str, str]) -> str:
        return articles[self.cand.passage.article_id][
            self.cand.start + self.start : self.cand.start + self.end
        ]

    def window(self, articles: Mapping[str, str], words: int) -> str:
        sentence = articles[self.cand.passage.article_id][self.cand.start : self.cand.end]
        before = sentence[: self.start].split()[-words:]
        after = sentence[self.end :].split()[:words]
        return " ".join([*before, sentence[self.start : self.end], *after])


class ExtractiveAnswerer:
    """The default answerer: deterministic, offline, quotes and cites sentences."""

    name = "extractive"

    def __init__(
        self,
        config: ExtractiveConfig | None = None,
        *,
        matcher: Callable[[], NameMatcher] | None = None,
        scorer: Callable[[str, list[str]], list[float]] | None = None,
        terms: Callable[[str], list[list[str]]] | None = None,
        translation: Callable[[str, list[str]], float | None] | None = None,
        names: Callable[[str, str], list[NameSpan] | None] | None = None,
    ):
        """``matcher`` gives the index's name matcher; ``scorer(question, texts)`` scores short
        texts against the question (the retriever's sentence scoring), used to pick among
        several dates or numbers; ``terms(question)`` gives its lexical term groups (with name
        variants); ``translation(word, texts)`` gives the best cross-lingual similarity between a
        word and the words of texts (None when it cannot tell), so that a name the articles
        translate rather than transliterate (Netherlands, هولندا) counts as mentioned;
        ``names(question, sentence)`` gives the proper names of a sentence that the question does
        not hold (None when it cannot tell), from which "who" and "where" answers are taken."""
        self.config = config or ExtractiveConfig()
        self._matcher = matcher
        self._scorer = scorer
        self._terms = terms
        self._translation = translation
        self._names = names

    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft:
        t = load_sections(f"extractive_{'ar' if lang == 'ar' else 'en'}")
        cands = sorted(
            (_Candidate(p, s.start, s.end, s.score) for p in passages for s in p.sentences),
            key=lambda c: -c.score,
        )
        threshold = self.config.min_score
        if threshold is None:
            threshold = self.config.min_score_arabic if lang == "ar" else self.config.min_score_latin
        if not cands or cands[0].score < threshold:
            logger.info(
                "best sentence %.3f below %.3f: not answerable",
                cands[0].score if cands else float("nan"),
                threshold,
            )
            return Draft(t["not_found"].render(), answerable=False)
        missing = self._missing_names(question, passages, articles)
        if missing:
            return Draft(t["not_found_names"].render(names=", ".join(missing)), answerable=False)
        qtype = question_type(question)
        top = [c for c in cands if c.score >= cands[0].score - self.config.also_margin]
        wide = [c for c in cands if c.score >= cands[0].score - self.config.slot_margin][
            : self.config.slot_sentences
        ]
        if qtype == "when":
            draft = self._when(question, wide, lang, articles, t)
            if draft is not None:
                return draft
        if qtype == "count":
            draft = self._count(question, wide, lang, articles, t)
            if draft is not None:
                return draft
            # A "how many" question whose supporting sentences hold no number is not answered.
            return Draft(t["not_found"].render(), answerable=False)
        if qtype in ("who", "where"):
            found = self._name_slot(question, qtype, top, articles)
            if found is not None:
                return self._named(found, top, lang, articles, t, qtype)
        return self._sentences(top, lang, articles, t)

    # -------------------------------------------------------------- answer kinds
    def _when(
        self, question: str, top: Sequence[_Candidate], lang: str, articles: Mapping[str, str], t
    ) -> Draft | None:
        slots = []
        for c in top:
            sentence = articles[c.passage.article_id][c.start : c.end]
            for m in find_dates(sentence, _pub_date(c.passage.published), c.passage.lang):
                slots.append(_Slot(c, m.start, m.end, format_date(m, lang), _granularity_rank(m.granularity)))
        ranked = self._rank_slots(question, slots, articles)
        if not ranked:
            return None
        chosen = [ranked[0]]
        for score, slot in ranked[1:]:
            if len(chosen) >= self.config.max_sentences or score < ranked[0][0] - self.config.also_margin:
                break
            # A second date only from a sentence that names everyone the first one does
            # (the earlier meeting of the same two people, not any date nearby).
            if all(
                slot.value != o.value and slot.cand.start != o.cand.start for _, o in chosen
            ) and self._covers(question, slot, chosen[0][1], articles):
                chosen.append((score, slot))
        claims, pinned, sources = [], {}, []
        for _, slot in chosen:
            marker = len(sources) + 1
            sources.append(slot.cand.passage)
            pinned[marker] = PinnedSpan(slot.cand.start, slot.cand.end, slot.surface(articles))
            claims.append(t["when" if marker == 1 else "when_also"].render(value=slot.value, marker=marker))
        return Draft(" ".join(claims), pinned=pinned, claims=claims, sources=sources)

    def _count(
        self, question: str, top: Sequence[_Candidate], lang: str, articles: Mapping[str, str], t
    ) -> Draft | None:
        slots = []
        for c in top:
            sentence = articles[c.passage.article_id][c.start : c.end]
            taken = [
                (m.start, m.end) for m in find_dates(sentence, _pub_date(c.passage.published), c.passage.lang)
            ]
            for m in _NUMBER.finditer(sentence):
                if not any(s <= m.start() < e for s, e in taken):
                    slots.append(_Slot(c, m.start(), m.end(), m.group(0).translate(_ARABIC_DIGITS), 0))
        ranked = self._rank_slots(question, slots, articles)
        if not ranked:
            return None
        slot = ranked[0][1]
        claim = t["count"].render(value=slot.value, marker=1)
        pinned = {1: PinnedSpan(slot.cand.start, slot.cand.end, slot.surface(articles))}
        return Draft(claim, pinned=pinned, claims=[claim], sources=[slot.cand.passage])

    def _name_slot(
        self, question: str, qtype: str, top: Sequence[_Candidate], articles: Mapping[str, str]
    ) -> _Slot | None:
        """The name (for "who") or place (for "where") that answers, from the best sentence, or
        None when it holds none or no candidate clearly beats the others.

        Candidates are the names of the sentence that the question does not hold (``names``),
        except dates ("الثلاثاء", "September"). Each is ranked like a date or a number (how close
        the words around it are to the question), plus ``kind_weight`` times how well it fits the
        question, a person for "who" (1 - the probe's place score), a place for "where" (the place
        score, or 1 after a locative preposition), minus ``gap_weight`` per word between it and the
        question's nearest word. Only the best sentence is looked at: it is the one quoted first.
        """
        if self._names is None:
            return None
        c = top[0]
        sentence = articles[c.passage.article_id][c.start : c.end]
        spans = self._names(question, sentence)
        if spans is None:
            return None
        dates = [
            (m.start, m.end) for m in find_dates(sentence, _pub_date(c.passage.published), c.passage.lang)
        ]
        fit: dict[_Slot, float] = {}
        for span in spans:
            if span.gap is None:
                continue  # the sentence holds no word of the question
            if any(s < span.end and span.start < e for s, e in dates):
                continue  # "الثلاثاء", "September": a date, not a name
            if qtype == "who":
                kind = 1.0 - span.place
            else:
                before = sentence[: span.start].split()[-1:]
                kind = 1.0 if before and before[0].lower() in _LOCATIVE else span.place
            if kind >= self.config.name_min_kind:
                slot = _Slot(c, span.start, span.end, span.text, 0)
                fit[slot] = self.config.kind_weight * kind - self.config.gap_weight * span.gap
        ranked = sorted(
            ((score + fit[slot], slot) for score, slot in self._rank_slots(question, list(fit), articles)),
            key=lambda x: -x[0],
        )
        if not ranked or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < self.config.name_margin):
            return None
        return ranked[0][1]

    def _named(
        self, slot: _Slot, top: Sequence[_Candidate], lang: str, articles: Mapping[str, str], t, qtype: str
    ) -> Draft:
        """The quoted-sentences answer, its first claim led by the name ``slot`` holds."""
        quoted = self._sentences(top, lang, articles, t)
        c = slot.cand
        first = t[qtype].render(
            value=slot.value,
            source=c.passage.source or c.passage.title or c.passage.article_id,
            date=_display_date(c.passage.published, lang),
            marker=1,
            quote=articles[c.passage.article_id][c.start : c.end],
        )
        claims = [first, *quoted.claims[1:]]
        return Draft("\n".join(claims), pinned=quoted.pinned, claims=claims, sources=quoted.sources)

    def _covers(self, question: str, slot: _Slot, first: _Slot, articles: Mapping[str, str]) -> bool:
        if self._terms is None:
            return True
        groups = self._terms(question)

        def covered(s: _Slot) -> set[int]:
            terms = set(tokenize(articles[s.cand.passage.article_id][s.cand.start : s.cand.end]))
            return {i for i, g in enumerate(groups) if terms.intersection(g)}

        return covered(first) <= covered(slot)

    def _rank_slots(
        self, question: str, slots: Sequence[_Slot], articles: Mapping[str, str]
    ) -> list[tuple[float, _Slot]]:
        """Candidate values ranked by how well the words around each one match the question.

        A long sentence can hold several dates or numbers; the one whose neighbourhood (a window
        of words around it) is closest to the question is the answer. Ties go to the better
        sentence, then to the more specific date.
        """
        if not slots:
            return []
        if self._scorer is None:
            scores = [s.cand.score for s in slots]
        else:
            scores = self._scorer(question, [s.window(articles, self.config.window_words) for s in slots])
        ranked = [
            (score + 0.2 * slot.cand.score - 0.004 * slot.specificity, slot)
            for score, slot in zip(scores, slots, strict=True)
        ]
        return sorted(ranked, key=lambda x: -x[0])

    def _sentences(self, top: Sequence[_Candidate], lang: str, articles: Mapping[str, str], t) -> Draft:
        claims, pinned, sources = [], {}, []
        for c in top[: self.config.max_sentences]:
            text = articles[c.passage.article_id]
            quote = text[c.start : c.end]
            marker = len(sources) + 1
            sources.append(c.passage)
            pinned[marker] = PinnedSpan(c.start, c.end, quote)
            if marker == 1:
                claims.append(
                    t["sentence"].render(
                        source=c.passage.source or c.passage.title or c.passage.article_id,
                        date=_display_date(c.passage.published, lang),
                        marker=marker,
                        quote=quote,
                    )
                )
            else:
                claims.append(t["sentence_also"].render(marker=marker, quote=quote))
        return Draft("\n".join(claims), pinned=pinned, claims=claims, sources=sources)

    # -------------------------------------------------------------- checks
    def _missing_names(
        self, question: str, passages: Sequence[Passage], articles: Mapping[str, str]
    ) -> list[str]:
        """Rare Latin names of the question that the index never mentions, in any spelling.

        Checked against the whole index's words, not only the retrieved passages: names are
        often translated rather than transliterated ("Euphrates", الفرات), so a strict check
        would decline answerable questions. Measured on XQuAD English questions: 6.6% of them
        name something the matcher cannot find at ``name_match_score``; see RESULTS.md. A name
        whose translation is among the words of the retrieved passages (``translation`` similarity
        at least ``name_translation_score``: Netherlands ~ هولندا 0.93, UNESCO ~ لليونسكو 0.82)
        counts as mentioned: that kept 26 of those 76 questions (all answerable) and still declines
        the seed's "...with Putin..." (best 0.59, روسيا).
        """
        names = [
            n for n in name_tokens(question) if is_name_like(n) and not _is_common(n, self.config.common_zipf)
        ]
        if not names:
            return []
        lowered = " ".join(articles.get(p.article_id, "") for p in passages).lower()
        texts: list[str] | None = None
        matcher = self._matcher() if self._matcher else None
        missing = []
        for name in names:
            if name.lower() in lowered or (
                matcher is not None and (name in matcher or name.lower() in matcher)
            ):
                continue
            if matcher is None or any(
                matcher.expand(form, limit=1, min_score=self.config.name_match_score)
                for form in _name_forms(name)
            ):
                continue
            if self._translation is not None:
                if texts is None:
                    texts = list(dict.fromkeys(p.text for p in passages))
                similarity = self._translation(name, texts)
                if similarity is not None and similarity >= self.config.name_translation_score:
                    continue
            missing.append(name)
        return missing


def _name_forms(name: str) -> list[str]:
    """A name and, for a demonym, its place: "Libyan" -> Libya, "Syrian" -> Syria, "Tunisian" -> Tunisia."""
    forms = [name]
    for suffix, repl in (("ian", "ia"), ("an", "a"), ("ese", ""), ("i", "")):
        if name.lower().endswith(suffix) and len(name) - len(suffix) >= 3:
            forms.append(name[: len(name) - len(suffix)] + repl)
    return forms


def _is_common(word: str, zipf: float) -> bool:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return False
    return zipf_frequency(word.lower(), "en") >= zipf


def _granularity_rank(g: str) -> int:
    return {"day": 0, "week": 1, "month": 2, "year": 3}.get(g, 4)


def _pub_date(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _display_date(published: str | None, lang: str) -> str:
    d = _pub_date(published)
    if d is None:
        return "undated" if lang != "ar" else "من دون تاريخ"
    return format_day(d, lang)
