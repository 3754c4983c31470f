"""The Retriever: dense + lexical (with names across scripts) channels, fused, re-ranked by sentences.

Hybrid cross-lingual retrieval: dense + Arabic-aware lexical (with names across scripts), fused by
weighted reciprocal rank, then re-ranked at sentence level; for a question whose candidates are in
the other script, a second encoder (multilingual USE) re-scores the top candidates and helps order
the returned passages' sentences (which one the answer quotes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from assistant.retrieval.config import RetrievalConfig, question_script
from assistant.retrieval.dense import DenseChannel
from assistant.retrieval.fusion import fused_order, rrf_score
from assistant.retrieval.lexical import content_words, is_content_word, query_term_groups, surface_vocabulary
from assistant.retrieval.name_matcher import NameMatcher
from assistant.retrieval.name_probe import NameProbe, NameSpan, name_spans, shipped_name_probe
from assistant.retrieval.second_channel import (
    other_script_share,
    second_encoder_order,
    second_encoder_sentence_scores,
)
from assistant.retrieval.second_encoder import SecondEncoder, shared_second_encoder
from assistant.schema import Passage, SentenceSpan
from index import Embedder, IndexStore, SearchFilters
from index.text import tokenize

__all__ = ["Retriever"]


class Retriever:
    """Finds passages for a question in one index. Thread-safe; share one per index."""

    def __init__(
        self,
        store: IndexStore,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        *,
        second_encoder: SecondEncoder | None = None,
        name_probe: NameProbe | None = None,
    ) -> None:
        """``second_encoder``: the model of the ``second`` channel; default the process-wide USE
        encoder, loaded on the first question that needs it (when ``config.second_encoder``).
        ``name_probe``: finds names among its word vectors (:meth:`new_names`); default the one
        shipped with the package."""
        self.store = store
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.dense = DenseChannel(store, embedder)
        self._second = second_encoder
        self._name_probe = name_probe
        self._matcher: NameMatcher | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- vocabulary for names
    def refresh(self, added_ids: Sequence[str] | None = None) -> None:
        """Update the name vocabulary after a change: new articles' words are added to it; any
        other change (updates, removals) rebuilds it on next use."""
        with self._lock:
            if added_ids is not None and self._matcher is not None:
                self._matcher.add(surface_vocabulary(self.store.iter_texts(added_ids)))
            else:
                self._matcher = None

    @property
    def matcher(self) -> NameMatcher:
        """Names across scripts, matched against the surface words of the indexed articles (not
        the stemmed lexical terms: stemming would cut "بانثرز" to "انثرز" and lose the name)."""
        with self._lock:
            if self._matcher is None:
                self._matcher = NameMatcher(surface_vocabulary(self.store.iter_texts()))
            return self._matcher

    def query_terms(self, question: str) -> list[list[str]]:
        """Lexical query: one group per question term, holding the term and its spelling variants
        (an English name gives its Arabic spellings found in the index)."""
        return query_term_groups(
            question, self.matcher, limit=self.config.name_limit, min_score=self.config.name_min_score
        )

    # ---------------------------------------------------------------- retrieval
    def retrieve(
        self,
        question: str,
        k: int = 10,
        *,
        filters: SearchFilters | None = None,
        rerank: bool = True,
        query_vector: np.ndarray | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``question``, best first, each with scored sentences."""
        cfg = self.config
        weights = cfg.weights[question_script(question)]
        qvec = query_vector if query_vector is not None else self.dense.query_vector(question)
        dense = self.dense.search(qvec, cfg.dense_k, filters)
        groups = self.query_terms(question)
        lexical = self.store.lexical_search(groups, cfg.lexical_k, filters)
        ranks: dict[str, dict[str, int]] = {}
        for channel, hits in (("dense", dense), ("lexical", lexical)):
            for rank, (cid, _score) in enumerate(hits, 1):
                ranks.setdefault(cid, {})[channel] = rank
        fused = fused_order(ranks, ranks, weights, cfg.rrf_k)
        if not fused:
            return []
        keep = max(k, cfg.rerank_top) * 2
        want_second = cfg.second_encoder and weights.get("second", 0.0) > 0
        chunks = {
            c.id: c for c in self.store.get_chunks(fused[: max(keep, cfg.second_k) if want_second else keep])
        }
        fused = [c for c in fused if c in chunks]
        second: SecondEncoder | None = None
        if want_second:
            candidates = [chunks[c] for c in fused[: cfg.second_k]]
            second = (
                self._second_encoder()
                if other_script_share(question_script(question), candidates) >= cfg.second_min_share
                else None
            )
            if second is not None:  # loaded only now: an index in the question's script never needs it
                for rank, cid in enumerate(
                    second_encoder_order(second, cfg, question, candidates, groups), 1
                ):
                    ranks[cid]["second"] = rank
                fused = fused_order(fused, ranks, weights, cfg.rrf_k)
        fused = fused[:keep]
        dense_score = dict(dense)
        top = fused[: cfg.rerank_top] if rerank else []
        sentences: dict[str, tuple[SentenceSpan, ...]] = {}
        if top:
            sentences = self.dense.sentence_scores(
                [chunks[c] for c in top], qvec, groups, cfg.sentence_term_bonus
            )
            order = sorted(top, key=lambda c: -max((s.score for s in sentences[c]), default=-1.0))
            for rank, cid in enumerate(order, 1):
                ranks[cid]["sentence"] = rank
            fused = fused_order(fused, ranks, weights, cfg.rrf_k)
        if second is not None and (cfg.second_sentence_weight or cfg.second_term_weight) and sentences:
            sentences = second_encoder_sentence_scores(
                second, cfg, question, [chunks[c] for c in fused[:k] if c in sentences], sentences, groups
            )
        out = []
        for cid in fused[:k]:
            c = chunks[cid]
            out.append(
                Passage(
                    chunk_id=c.id,
                    article_id=c.article_id,
                    text=c.text,
                    score=round(rrf_score(ranks[cid], weights, cfg.rrf_k), 6),
                    start=c.start,
                    end=c.end,
                    title=c.title,
                    source=c.source,
                    published=c.published,
                    url=c.url,
                    lang=c.lang,
                    sentences=sentences.get(cid, ()),
                    channels={
                        **ranks[cid],
                        **({"dense_cos": dense_score[cid]} if cid in dense_score else {}),
                    },
                )
            )
        return out

    def score_texts(self, question: str, texts: Sequence[str]) -> list[float]:
        """Short texts (e.g. the words around a date) scored against the question like sentences:
        cosine plus the share of question terms they contain."""
        if not texts:
            return []
        qvec = self.dense.query_vector(question)
        groups = self.query_terms(question)
        return self.dense.text_scores(texts, qvec, groups, self.config.sentence_term_bonus)

    def best_word_match(self, word: str, texts: Sequence[str]) -> float | None:
        """The best second-encoder cosine between ``word`` and a content word of ``texts`` (a word
        and its translation score high: Netherlands ~ هولندا 0.93), or None when the second
        encoder is off or cannot load."""
        second = self._second_encoder()
        if second is None:
            return None
        words = list(dict.fromkeys(w for t in texts for w in content_words(t)))
        if not words:
            return -1.0
        vectors = second.encode([word, *words])
        return float((vectors[1:] @ vectors[0]).max())

    def new_names(self, question: str, text: str) -> list[NameSpan] | None:
        """The proper names of ``text`` that ``question`` does not hold (see
        :mod:`assistant.retrieval.name_probe`), in order, or None when the second encoder is off or
        cannot load. A word of ``text`` counts as held when it shares a lexical term or a name's
        spelling variant with the question, or when its second-encoder cosine to a question content
        word reaches ``config.name_held_cosine`` (a translation: Russia ~ روسيا)."""
        second = self._second_encoder()
        probe = self._name_probe or shipped_name_probe()
        if second is None or probe is None:
            return None
        terms = {t for group in self.query_terms(question) for t in group}
        words = content_words(question)
        vectors = second.encode(words) if words else np.zeros((0, probe.dim), dtype=np.float32)

        def held(word: str) -> bool:
            if not is_content_word(word):
                return False  # "في", "the": neither the question's nor a name
            if terms.intersection(tokenize(word)):
                return True
            return (
                bool(words)
                and float((vectors @ second.encode([word])[0]).max()) >= self.config.name_held_cosine
            )

        return name_spans(text, second.encode, probe, threshold=self.config.name_threshold, skip=held)

    def store_text(self, chunk_id: str, start: int, end: int) -> str:
        """The text at ``[start, end)`` of the article holding chunk ``chunk_id`` ("" if gone)."""
        return self.dense.store_text(chunk_id, start, end)

    def warm_up(self) -> dict[str, float]:
        """Load now what the first question would load (the embedding model, the index's vectors,
        the name vocabulary, the second encoder, the name probe), so it is as fast as the tenth.
        Returns the seconds each part took."""
        seconds: dict[str, float] = {}

        def timed(part: str, load: Callable[[], object]) -> None:
            start = time.perf_counter()
            load()
            seconds[part] = time.perf_counter() - start

        timed("embedding model", lambda: self.dense.query_vector("warm-up"))
        timed("index search", lambda: self.dense.search(self.dense.query_vector("warm-up"), 1, None))
        timed("name vocabulary", lambda: self.matcher)
        if self.config.second_encoder:
            timed("second encoder", self._warm_second_encoder)
        if self._name_probe is None:
            timed("name probe", shipped_name_probe)
        return seconds

    def _warm_second_encoder(self) -> None:
        second = self._second_encoder()  # loads it, or logs why it cannot
        if second is not None:
            second.encode(["warm-up"])

    def _second_encoder(self) -> SecondEncoder | None:
        """The second encoder if it is enabled and loads, else None (retrieval goes on without it)."""
        if not self.config.second_encoder:
            return None
        if self._second is None:
            self._second = shared_second_encoder()
        return self._second if self._second.available else None
