"""Find the Arabic words of a vocabulary that spell a name: "Yevkurov" ~ يفكوروف ~ يوفكيورف.

A :class:`NameMatcher` holds the Arabic surface words seen in the index (with their
document frequencies) and, for a name taken from a question, returns the vocabulary words
that are probably the same name:

* a Latin token ("Haftar") gives Arabic words (حفتر);
* an Arabic token (يفكوروف) gives other Arabic spellings of it (يوفكيورف).

How it works. Both sides are reduced to a *coarse consonant skeleton* (one letter per
consonant class, short vowels dropped, g/k/q/j/kh merged, ...). Vocabulary words are
bucketed by (first class, skeleton length); a query only looks at the buckets of its own
skeleton variants (a Latin letter such as ``c`` or ``th`` can give several) and ranks their
skeletons with rapidfuzz. The survivors are scored by a weighted alignment (edit distance
where a Latin unit such as ``zh`` may become ج, ز or ش at different costs, where short
vowels may be omitted cheaply, Arabic long vowels ا/و/ي may be inserted cheaply, and where
consonant errors are expensive), normalised by the length of the name.

Arabic vocabulary words are normalised (alef and hamza forms, ى, ة, diacritics, tatweel,
doubled letters) and indexed both as they are and with their proclitics stripped
(و ف ب ل ك ال and their combinations), so "وحفتر" and "لحفتر" reach "حفتر". Results keep the
surface word of the vocabulary and list one word per stem.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from assistant.retrieval.arabic_forms import (
    ARABIC_STOPWORDS,
    ARABIC_WORD,
    MIN_STEM,
    ROMANISATION_TABLE,
    ArabicForm,
    arabic_stems,
    coarse_skeleton,
    is_arabic_word,
    normalize_arabic_name,
)
from assistant.retrieval.latin_units import coarse_variants, latin_readings, latin_units
from assistant.retrieval.name_alignment import arabic_cost, cost_bound, latin_cost, similarity
from assistant.retrieval.name_tokens import is_name_like, name_tokens
from assistant.retrieval.transliteration_tables import FINAL_TA

__all__ = ["NameMatcher"]

logger = logging.getLogger(__name__)

_ARTICLE_PREFIXES = ("ال", "لل")  # a stem after these is a reliable reading
_ALIGN_CAP = 100  # candidates aligned per query, after a cheap ranking


class NameMatcher:
    """Find the Arabic words of a vocabulary that spell a given name.

    ``vocabulary`` maps surface words (as they appear in the index) to their document
    frequency. Non-Arabic words are ignored: Latin words match themselves lexically.
    """

    def __init__(self, vocabulary: Mapping[str, int] | None = None) -> None:
        self._df: dict[str, int] = {}
        self._max_df = 1
        self._normal: dict[str, str] = {}  # Arabic surface word -> normalised word
        self._attested: set[str] = set()  # normalised words, and their stems after ال
        self._surfaces: dict[str, set[str]] = {}  # form -> surface words having it
        self._forms: dict[str, ArabicForm] = {}  # form -> prepared form, built when first scored
        # (first class, skeleton length) -> (skeletons, skeleton -> position, forms per skeleton)
        self._buckets: dict[tuple[str, int], tuple[list[str], dict[str, int], list[list[str]]]] = {}
        self._cache: dict[tuple[str, int, float], list[tuple[str, float]]] = {}
        if vocabulary:
            self.add(vocabulary)

    # ---- vocabulary

    def __len__(self) -> int:
        return len(self._df)

    def __contains__(self, word: object) -> bool:
        return word in self._df

    def df(self, word: str) -> int:
        """Document frequency of a surface word (0 when unknown)."""
        return self._df.get(word, 0)

    def add(self, words: Mapping[str, int] | Iterable[str]) -> None:
        """Add surface words: a mapping word -> document frequency, or words counted once each."""
        if isinstance(words, str):
            raise TypeError(
                f"add() expected a mapping word -> df or an iterable of words, got the str {words!r}"
            )
        items = list(words.items()) if isinstance(words, Mapping) else [(w, 1) for w in words]
        for word, count in items:  # check everything first: a bad item changes nothing
            if not isinstance(word, str) or not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"add() expected str words with int frequencies, got {word!r}: {count!r}")
        added = 0
        for word, count in items:
            if word in self._df:
                self._df[word] += count
            else:
                self._df[word] = count
                added += self._index_word(word)
            self._max_df = max(self._max_df, self._df[word])
        self._cache.clear()
        logger.debug(
            "name matcher: %d words, %d Arabic forms (%d new words)",
            len(self._df),
            len(self._surfaces),
            added,
        )

    def _index_word(self, word: str) -> bool:
        if not is_arabic_word(word):
            return False
        normalised = normalize_arabic_name(word)
        if len(normalised) < 2 or normalised in ARABIC_STOPWORDS or not ARABIC_WORD.fullmatch(normalised):
            return False
        self._normal[word] = normalised
        self._attested.add(normalised)
        for form in arabic_stems(normalised):
            if normalised[: len(normalised) - len(form)].endswith(_ARTICLE_PREFIXES):
                self._attested.add(form)
            surfaces = self._surfaces.get(form)
            if surfaces is None:
                surfaces = self._surfaces[form] = set()
                skeleton = coarse_skeleton(form)
                self._bucket_form(form, skeleton)
                if skeleton[:1] in ("Y", "W") and len(skeleton) > 1:
                    self._bucket_form(form, skeleton[1:])
            surfaces.add(word)
        return True

    def _prepared(self, form: str) -> ArabicForm:
        prepared = self._forms.get(form)
        if prepared is None:
            prepared = self._forms[form] = ArabicForm.build(form)
        return prepared

    def _bucket_form(self, form: str, skeleton: str) -> None:
        if not skeleton:
            return
        key = (skeleton[0], len(skeleton))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = ([], {}, [])
        skeletons, position, forms = bucket
        at = position.get(skeleton)
        if at is None:
            position[skeleton] = len(skeletons)
            skeletons.append(skeleton)
            forms.append([form])
        else:
            forms[at].append(form)

    # ---- queries

    def expand(self, token: str, *, limit: int = 5, min_score: float = 0.6) -> list[tuple[str, float]]:
        """Vocabulary words that probably spell the same name as ``token``, best first.

        A Latin token must look like a name (see :func:`is_name_like`), else the result is
        empty; an Arabic token returns other spellings, never the token itself (with or
        without proclitics). Returns ``(surface word, similarity in [0, 1])``, one surface
        word per stem (see :meth:`surface_forms` for the others).
        """
        if limit <= 0:
            return []
        key = (token, limit, min_score)
        cached = self._cache.get(key)
        if cached is None:
            if is_arabic_word(token):
                cached = self._expand_arabic(token, limit, min_score)
            elif is_name_like(token):
                cached = self._expand_latin(token, limit, min_score)
            else:
                cached = []
            self._cache[key] = cached
        return list(cached)

    def expand_question(
        self, question: str, *, limit: int = 5, min_score: float = 0.6
    ) -> dict[str, list[tuple[str, float]]]:
        """Expand every name-like token of a question; tokens with no match are left out."""
        out: dict[str, list[tuple[str, float]]] = {}
        for token in name_tokens(question):
            found = self.expand(token, limit=limit, min_score=min_score)
            if found:
                out[token] = found
        return out

    def surface_forms(self, word: str) -> list[str]:
        """The vocabulary's surface words sharing ``word``'s stem (حفتر -> حفتر, وحفتر, لحفتر), frequent first."""
        normalised = normalize_arabic_name(word)
        stems = [f for f in arabic_stems(normalised) if f in self._surfaces]
        if not stems:
            return []
        stem = min(stems, key=len)
        return sorted(self._surfaces[stem], key=lambda w: (-self._df.get(w, 0), w))

    def _candidates(self, skeletons: Iterable[str], queries: list[str], *, roman: bool) -> list[str]:
        """Forms whose coarse skeleton is close to one of ``skeletons``, most promising first.

        The survivors are ranked by skeleton similarity plus half the string similarity of
        ``queries`` to their romanisation (``roman=True``) or to their letters.
        """
        coarse: dict[str, float] = {}
        for skeleton in skeletons:
            size = len(skeleton)
            # true pairs rarely differ by more (Malashenko ~ مالاتشنكو: 1); two-consonant
            # skeletons must match exactly, or every short word would be a candidate
            edits = 0 if size <= 2 else 1 if size <= 4 else 2
            for length in range(max(1, size - edits), size + edits + 1):
                bucket = self._buckets.get((skeleton[0], length))
                if bucket is None:
                    continue
                names, _, forms = bucket
                for _, distance, at in process.extract(
                    skeleton, names, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
                ):
                    score = 1.0 - distance / max(size, length)
                    for form in forms[at]:
                        if score > coarse.get(form, -1.0):
                            coarse[form] = score
        if not coarse:
            return []
        forms_found = list(coarse)
        texts = [f.translate(ROMANISATION_TABLE) for f in forms_found] if roman else forms_found
        similarity = process.cdist(queries, texts, scorer=Levenshtein.normalized_similarity, dtype=np.float32)
        ranked = np.fromiter(
            coarse.values(), dtype=np.float32, count=len(forms_found)
        ) + 0.5 * similarity.max(0)
        if len(forms_found) > _ALIGN_CAP:
            top = np.argpartition(-ranked, _ALIGN_CAP)[:_ALIGN_CAP]
        else:
            top = np.arange(len(forms_found))
        top = top[np.argsort(-ranked[top], kind="stable")]
        return [forms_found[i] for i in top]

    def _stripping_penalty(self, normalised: str, form: str) -> float | None:
        """How much reading ``normalised`` as proclitic + ``form`` costs; None when not credible.

        ال/لل are reliable; و is common enough to accept with a small penalty; ف/ب/ل/ك need
        the stem to occur on its own or with two different proclitics (so فساد does not read
        as ف + ساد for "Saad", while لحفتر and بحفتر give حفتر).
        """
        if normalised == form:
            return 0.0
        prefix = normalised[: len(normalised) - len(form)]
        if prefix.endswith(_ARTICLE_PREFIXES):
            return 0.01
        if form in self._attested or len(self._surfaces.get(form, ())) >= 2:
            return 0.03
        if prefix == "و":
            return 0.05
        return None

    def _finish(
        self, scores: dict[str, float], limit: int, min_score: float, exclude: Callable[[str], bool]
    ) -> list[tuple[str, float]]:
        """One result per stem: its representative surface word, the score weighted by df."""
        # each surface word counts once, under the reading (form) that scored best for it
        best: dict[str, tuple[float, str]] = {}
        for form, score in scores.items():
            for surface in self._surfaces.get(form, ()):
                if exclude(surface):
                    continue
                penalty = self._stripping_penalty(self._normal[surface], form)
                if penalty is not None and score - penalty > best.get(surface, (-1.0, ""))[0]:
                    best[surface] = (score - penalty, form)
        groups: dict[str, list[str]] = {}
        for surface, (_, form) in best.items():
            groups.setdefault(form, []).append(surface)
        log_max = math.log1p(self._max_df)
        results: list[tuple[str, float]] = []
        for form, surfaces in groups.items():
            score = max(best[w][0] for w in surfaces)
            bare = [w for w in surfaces if self._normal[w] == form]
            surface = max(bare or surfaces, key=lambda w: (self._df.get(w, 0), w))
            df = sum(self._df.get(w, 0) for w in surfaces)
            # very frequent words are seldom foreign names: a small tie-breaking penalty
            score *= 1.0 - 0.05 * math.log1p(df) / log_max
            score = round(max(0.0, min(1.0, score)), 4)
            if score >= min_score:
                results.append((surface, score))
        results.sort(key=lambda kv: (-kv[1], -self._df.get(kv[0], 0), kv[0]))
        return results[:limit]

    def _expand_latin(self, token: str, limit: int, min_score: float) -> list[tuple[str, float]]:
        readings = [
            (units, sum(u.weight for u in units)) for units in map(latin_units, latin_readings(token))
        ]
        readings = [(units, weight) for units, weight in readings if units]
        if not readings:
            return []
        keys = latin_readings(token)
        skeletons: list[str] = []
        for units, _ in readings:
            skeletons.extend(v for v in coarse_variants(units) if v not in skeletons)

        scores: dict[str, float] = {}
        for form in self._candidates(skeletons, keys, roman=True):
            prepared = self._prepared(form)
            best = 0.0
            for units, weight in readings:
                norm = max(weight, prepared.weight)
                cost = latin_cost(units, prepared, cost_bound(min_score, norm))
                best = max(best, similarity(cost, norm))
            if best > 0.0:
                scores[form] = best
        return self._finish(scores, limit, min_score, lambda _w: False)

    def _expand_arabic(self, token: str, limit: int, min_score: float) -> list[tuple[str, float]]:
        normalised = normalize_arabic_name(token)
        if len(normalised) < 2:
            return []
        own = arabic_stems(normalised)
        # readings of the query: the word, its stem after ال, and a stem after و/ف/ب/ل/ك when
        # that stem occurs on its own (a small penalty: stripping is a guess)
        queries: list[tuple[ArabicForm, float]] = []
        article = any(
            normalised.startswith(p) and len(normalised) - len(p) >= MIN_STEM for p in _ARTICLE_PREFIXES
        )
        for form in own:
            if form == normalised and article:  # الغنوشي: its stem finds spellings with or without ال
                continue
            penalty = self._stripping_penalty(normalised, form)
            if penalty is not None:
                queries.append((ArabicForm.build(form), penalty))
        skeletons: list[str] = []
        for q, _ in queries:
            for skeleton in (q.coarse, q.coarse[1:] if q.coarse[:1] in ("Y", "W") else ""):
                if skeleton and skeleton not in skeletons:
                    skeletons.append(skeleton)

        scores: dict[str, float] = {}
        for form in self._candidates(
            skeletons, [q.letters.replace(FINAL_TA, "ه") for q, _ in queries], roman=False
        ):
            if form in own:
                continue
            prepared = self._prepared(form)
            best = 0.0
            for q, penalty in queries:
                norm = max(q.weight, prepared.weight)
                cost = arabic_cost(q, prepared, cost_bound(min_score, norm))
                best = max(best, similarity(cost, norm) - penalty)
            if best > 0.0:
                scores[form] = best

        def same_word(surface: str) -> bool:
            surface_norm = self._normal[surface]
            return surface_norm in own or normalised in arabic_stems(surface_norm)

        return self._finish(scores, limit, min_score, same_word)
