"""Hybrid cross-lingual retrieval: dense + Arabic-aware lexical (with names across scripts),
fused by weighted reciprocal rank, then re-ranked at sentence level; for a question whose candidates
are in the other script, a second encoder (multilingual USE) re-scores the top candidates and helps
order the returned passages' sentences (which one the answer quotes)."""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.name_probe import NameProbe, NameSpan, name_spans
from assistant.names import NameMatcher, name_tokens
from assistant.schema import Passage, SentenceSpan
from assistant.second_encoder import SecondEncoder, shared_second_encoder
from index import Embedder, IndexStore, SearchFilters, StoredChunk
from index.text import script_ratio, split_sentences, surface_tokens, tokenize

__all__ = [
    "RetrievalConfig",
    "Retriever",
    "content_words",
    "question_script",
    "surface_vocabulary",
    "term_coverage",
]

logger = logging.getLogger(__name__)


def question_script(question: str) -> str:
    """'ar' for a question written mostly in Arabic script, else 'latin'."""
    return "ar" if script_ratio(question) >= 0.5 else "latin"


@dataclass(frozen=True)
class RetrievalConfig:
    """Retrieval knobs; the defaults were chosen on the dev sets (benchmarks/RESULTS.md).

    ``weights`` gives, per question script, the RRF weight of each channel: ``dense`` (the
    embedding model), ``lexical`` (BM25 over normalised, light-stemmed terms plus name
    variants), ``sentence`` (the best sentence of a candidate chunk against the question) and
    ``second`` (the best sentence's cosine under the second encoder, multilingual USE, ranking the
    ``second_k`` best fused candidates; only when at least ``second_min_share`` of them are in the
    other script than the question). ``second_encoder=False`` turns that channel off.

    ``second_sentence_weight``: when the second encoder ran for a question, the returned passages'
    sentence scores (which the extractive answerer orders, and quotes the best of) become the e5
    score plus this weight times the sentence's second-encoder cosine, shifted so that the best
    sentence keeps the best e5 score: the answerer's abstention thresholds, calibrated on e5
    scores, keep their meaning. 0 keeps the e5 scores.

    ``second_term_weight``: on the same occasion, plus this weight times the sentence's
    cross-lingual term coverage (:func:`term_coverage`): the mean, over the question's content
    words, of how well the sentence holds each one (1 for an exact match or a name's spelling
    variant; otherwise the best second-encoder cosine between the word and a word of the sentence,
    mapped linearly from ``second_term_range`` to 0..1). USE's word vectors work as a bilingual
    lexicon (spokesman ~ للمتحدث 0.84, statement ~ بيان 0.90, about 0.5 for unrelated words);
    e5's do not (0.8-0.9 for any pair). 0 turns it off.

    ``second_order_term_weight``: the ``second`` channel ranks each candidate by its best sentence's
    second-encoder cosine plus this weight times that sentence's term coverage. 0 ranks by the
    cosine alone.

    ``name_threshold``: the name probe's score from which a word counts as part of a name
    (:func:`assistant.name_probe.name_spans`); ``name_held_cosine``: a sentence word this close to
    a question word under the second encoder is taken as the question's own (not a new name).
    """

    dense_k: int = 40
    lexical_k: int = 40
    rrf_k: int = 60
    rerank_top: int = 8
    sentence_term_bonus: float = 0.06
    name_limit: int = 4
    name_min_score: float = 0.62
    second_encoder: bool = True
    second_k: int = 20
    second_min_share: float = 0.5
    # XQuAD en->ar, the answer's first cited sentence holds a gold answer: tuned on half the questions
    # (split by paragraph), on the other half 0.514 -> 0.555; USE alone (0.45) is worse than e5.
    second_sentence_weight: float = 0.2
    # Same measure, same halves, through Assistant.ask: 0.590 -> 0.660 on A, 0.555 -> 0.652 on B (held
    # out). Chosen on A in an offline replay: 0.70-0.71 for weights 0.12-0.4 and ranges from
    # 0.3-0.8 to 0.45-0.65, a plateau. benchmarks/RESULTS.md.
    second_term_weight: float = 0.3
    second_term_range: tuple[float, float] = (0.4, 0.7)
    # XQuAD en->ar MRR@10 0.904 -> 0.919 on A (best of 0.3-1.5), 0.897 -> 0.911 on B (held out).
    second_order_term_weight: float = 1.0
    name_threshold: float = 0.7
    name_held_cosine: float = 0.6
    weights: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            # Measured on 300 XQuAD questions per language (benchmarks/RESULTS.md): the lexical
            # channel helps Arabic questions; for English ones it only carries names across
            # scripts, and weighs little, while the sentence channel helps both. The second
            # encoder helps English questions on Arabic text (MRR 0.866 -> 0.901 on all 1,190,
            # held out 2-fold), not Arabic ones (0.956 either way): benchmarks/fusion.py.
            "ar": {"dense": 1.0, "lexical": 0.6, "sentence": 1.5},
            "latin": {"dense": 1.0, "lexical": 0.2, "sentence": 2.0, "second": 1.5},
        }
    )


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
        self._second = second_encoder
        self._name_probe = name_probe
        self._matcher: NameMatcher | None = None
        self._lock = threading.Lock()
        self._sentence_cache: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()

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
        groups: dict[str, list[str]] = {}
        for term in tokenize(question):
            groups.setdefault(term, [term])
        matcher = self.matcher
        for token in name_tokens(question):
            found = matcher.expand(token, limit=self.config.name_limit, min_score=self.config.name_min_score)
            key = _group_key(token)
            group = groups.setdefault(key, [key])
            for word, _score in found:
                for variant in tokenize(word) or [word]:
                    if variant not in group:
                        group.append(variant)
        return list(groups.values())

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
        qvec = query_vector if query_vector is not None else self._query_vector(question)
        dense = self.store.dense_search(qvec, cfg.dense_k, filters)
        groups = self.query_terms(question)
        lexical = self.store.lexical_search(groups, cfg.lexical_k, filters)
        ranks: dict[str, dict[str, int]] = {}
        for channel, hits in (("dense", dense), ("lexical", lexical)):
            for rank, (cid, _score) in enumerate(hits, 1):
                ranks.setdefault(cid, {})[channel] = rank
        fused = sorted(ranks, key=lambda c: -_rrf(ranks[c], weights, cfg.rrf_k))
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
            cands = [chunks[c] for c in fused[: cfg.second_k]]
            second = (
                self._second_encoder()
                if _other_script_share(question_script(question), cands) >= cfg.second_min_share
                else None
            )
            if second is not None:  # loaded only now: an index in the question's script never needs it
                for rank, cid in enumerate(self._second_order(second, question, cands, groups), 1):
                    ranks[cid]["second"] = rank
                fused = sorted(fused, key=lambda c: -_rrf(ranks[c], weights, cfg.rrf_k))
        fused = fused[:keep]
        dense_score = dict(dense)
        top = fused[: cfg.rerank_top] if rerank else []
        sentences: dict[str, tuple[SentenceSpan, ...]] = {}
        if top:
            sentences = self._score_sentences([chunks[c] for c in top], qvec, groups)
            order = sorted(top, key=lambda c: -max((s.score for s in sentences[c]), default=-1.0))
            for rank, cid in enumerate(order, 1):
                ranks[cid]["sentence"] = rank
            fused = sorted(fused, key=lambda c: -_rrf(ranks[c], weights, cfg.rrf_k))
        if second is not None and (cfg.second_sentence_weight or cfg.second_term_weight) and sentences:
            sentences = self._second_sentence_scores(
                second, question, [chunks[c] for c in fused[:k] if c in sentences], sentences, groups
            )
        out = []
        for cid in fused[:k]:
            c = chunks[cid]
            out.append(
                Passage(
                    chunk_id=c.id,
                    article_id=c.article_id,
                    text=c.text,
                    score=round(_rrf(ranks[cid], weights, cfg.rrf_k), 6),
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
        qvec = self._query_vector(question)
        groups = self.query_terms(question)
        vectors = self.embedder.embed_passages(list(texts))
        out = []
        for text, vec in zip(texts, vectors, strict=True):
            terms = set(tokenize(text))
            covered = sum(1 for g in groups if terms.intersection(g)) / len(groups) if groups else 0.0
            out.append(float(np.dot(vec, qvec)) + self.config.sentence_term_bonus * covered)
        return out

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
        :mod:`assistant.name_probe`), in order, or None when the second encoder is off or cannot
        load. A word of ``text`` counts as held when it shares a lexical term or a name's spelling
        variant with the question, or when its second-encoder cosine to a question content word
        reaches ``config.name_held_cosine`` (a translation: Russia ~ روسيا)."""
        second = self._second_encoder()
        probe = self._name_probe or _shipped_name_probe()
        if second is None or probe is None:
            return None
        terms = {t for group in self.query_terms(question) for t in group}
        words = content_words(question)
        vectors = second.encode(words) if words else np.zeros((0, probe.dim), dtype=np.float32)

        def held(word: str) -> bool:
            if not _is_content(word):
                return False  # "في", "the": neither the question's nor a name
            if terms.intersection(tokenize(word)):
                return True
            return (
                bool(words)
                and float((vectors @ second.encode([word])[0]).max()) >= self.config.name_held_cosine
            )

        return name_spans(text, second.encode, probe, threshold=self.config.name_threshold, skip=held)

    def _second_encoder(self) -> SecondEncoder | None:
        """The second encoder if it is enabled and loads, else None (retrieval goes on without it)."""
        if not self.config.second_encoder:
            return None
        if self._second is None:
            self._second = shared_second_encoder()
        return self._second if self._second.available else None

    def _second_order(
        self,
        second: SecondEncoder,
        question: str,
        chunks: Sequence[StoredChunk],
        groups: Sequence[Sequence[str]] = (),
    ) -> list[str]:
        """Candidate chunk ids ordered by their best sentence under the second encoder: its cosine
        with the question plus ``second_order_term_weight`` x its term coverage (ties keep the
        fused order)."""
        owners: list[int] = []
        texts: list[str] = []
        for i, c in enumerate(chunks):
            for s, e in split_sentences(c.text):
                owners.append(i)
                texts.append(c.text[s:e])
        best = np.full(len(chunks), -2.0)
        if texts:
            vectors = second.encode([question, *texts])
            scores = vectors[1:] @ vectors[0]
            if self.config.second_order_term_weight:
                scores = scores + self.config.second_order_term_weight * term_coverage(
                    second, question, texts, groups, self.config.second_term_range
                )
            np.maximum.at(best, np.asarray(owners), scores)
        order = sorted(range(len(chunks)), key=lambda i: -best[i])
        return [chunks[i].id for i in order]

    def _second_sentence_scores(
        self,
        second: SecondEncoder,
        question: str,
        chunks: Sequence[StoredChunk],
        sentences: dict[str, tuple[SentenceSpan, ...]],
        groups: Sequence[Sequence[str]] = (),
    ) -> dict[str, tuple[SentenceSpan, ...]]:
        """The sentences of ``chunks`` re-scored for the answer: e5 score + weight x second-encoder
        cosine + weight x cross-lingual term coverage, shifted so that the best of them equals the
        best e5 score (see RetrievalConfig)."""
        cfg = self.config
        spans = [(c.id, s) for c in chunks for s in sentences.get(c.id, ())]
        if not spans:
            return sentences
        texts = [self._sentence_text(chunks, cid, s.start, s.end) for cid, s in spans]
        e5 = np.array([s.score for _, s in spans])
        combined = e5.copy()
        if cfg.second_sentence_weight:
            vectors = second.encode([question, *texts])
            combined += cfg.second_sentence_weight * (vectors[1:] @ vectors[0])
        if cfg.second_term_weight:
            combined += cfg.second_term_weight * term_coverage(
                second, question, texts, groups, cfg.second_term_range
            )
        combined += e5.max() - combined.max()
        out = dict(sentences)
        rescored: dict[str, list[SentenceSpan]] = {c.id: [] for c in chunks}
        for (cid, s), score in zip(spans, combined, strict=True):
            rescored[cid].append(SentenceSpan(s.start, s.end, round(float(score), 6)))
        out.update({cid: tuple(v) for cid, v in rescored.items()})
        return out

    def _query_vector(self, question: str) -> np.ndarray:
        with self._lock:
            cached = self._query_cache.get(question)
        if cached is None:
            cached = self.embedder.embed_queries([question])[0]
            with self._lock:
                self._query_cache[question] = cached
                while len(self._query_cache) > 256:
                    self._query_cache.popitem(last=False)
        return cached

    def _score_sentences(
        self, chunks: Sequence[StoredChunk], qvec: np.ndarray, groups: Sequence[Sequence[str]] = ()
    ) -> dict[str, tuple[SentenceSpan, ...]]:
        """Each sentence's cosine with the question, plus a bonus for the share of question terms
        (any spelling variant, e.g. a name in Arabic script) that it contains: among sentences of
        near-equal similarity, the one naming the people asked about wins."""
        spans: list[tuple[str, int, int, str]] = []
        for c in chunks:
            for s, e in split_sentences(c.text):
                spans.append((c.id, c.start + s, c.start + e, c.text[s:e]))
        keys = [(cid.split("::")[0], s, e) for cid, s, e, _ in spans]
        missing = [i for i, key in enumerate(keys) if key not in self._sentence_cache]
        if missing:
            vectors = self.embedder.embed_passages([spans[i][3] for i in missing])
            with self._lock:
                for i, v in zip(missing, vectors, strict=True):
                    self._sentence_cache[keys[i]] = v
                while len(self._sentence_cache) > 20_000:
                    self._sentence_cache.popitem(last=False)
        out: dict[str, list[SentenceSpan]] = {c.id: [] for c in chunks}
        for (cid, s, e, _), key in zip(spans, keys, strict=True):
            vec = self._sentence_cache.get(key)
            if vec is None:  # evicted by another thread between the two steps
                vec = self.embedder.embed_passages([self.store_text(cid, s, e)])[0]
            score = float(np.dot(vec, qvec))
            if groups:
                terms = set(tokenize(self._sentence_text(chunks, cid, s, e)))
                covered = sum(1 for g in groups if terms.intersection(g))
                score += self.config.sentence_term_bonus * covered / len(groups)
            out[cid].append(SentenceSpan(s, e, round(score, 6)))
        return {cid: tuple(v) for cid, v in out.items()}

    @staticmethod
    def _sentence_text(chunks: Sequence[StoredChunk], chunk_id: str, start: int, end: int) -> str:
        for c in chunks:
            if c.id == chunk_id:
                return c.text[start - c.start : end - c.start]
        return ""

    def store_text(self, chunk_id: str, start: int, end: int) -> str:
        article = self.store.get_article(chunk_id.split("::")[0])
        return article.text[start:end] if article else ""


def surface_vocabulary(texts: Iterable[tuple[str, str]]) -> Counter[str]:
    """Document frequency of every surface word (no stemming) in ``(id, text)`` pairs."""
    df: Counter[str] = Counter()
    for _id, text in texts:
        df.update({word for word, _s, _e in surface_tokens(text)})
    return df


def content_words(text: str) -> list[str]:
    """The surface words of ``text`` that carry meaning (those :func:`index.text.tokenize` keeps),
    in order, each once."""
    return list(dict.fromkeys(w for w, _, _ in surface_tokens(text) if _is_content(w)))


@functools.lru_cache(maxsize=65_536)
def _is_content(word: str) -> bool:
    return bool(tokenize(word))


def _group_key(word: str) -> str:
    """The key of ``word``'s group in :meth:`Retriever.query_terms`: its first lexical term."""
    return (tokenize(word) or [word.lower()])[0]


def term_coverage(
    second: SecondEncoder,
    question: str,
    texts: Sequence[str],
    groups: Sequence[Sequence[str]] = (),
    span: tuple[float, float] = (0.4, 0.7),
) -> np.ndarray:
    """For each text, the mean over the question's content words of how well the text holds the
    word, in 0..1: 1 when one of the word's lexical terms or spelling variants (``groups``, as from
    :meth:`Retriever.query_terms`) is among the text's terms, else the best cosine between the word
    and a content word of the text under ``second`` (a multilingual encoder: a word and its
    translation score high), mapped linearly from ``span`` to 0..1. Zeros when the question has
    no content word."""
    words = content_words(question)
    out = np.zeros(len(texts))
    if not words or not texts:
        return out
    variants = {g[0]: set(g) for g in groups if g}
    keys = [_group_key(w) for w in words]
    per_text = [content_words(t) for t in texts]
    vocab = list(dict.fromkeys(w for ws in per_text for w in ws))
    sims = np.zeros((len(words), 0))
    if vocab:
        vectors = second.encode([*words, *vocab])
        sims = vectors[: len(words)] @ vectors[len(words) :].T  # question word x text word
    column = {w: i for i, w in enumerate(vocab)}
    lo, hi = span
    for i, (text, text_words) in enumerate(zip(texts, per_text, strict=True)):
        terms = set(tokenize(text))
        held = np.array([bool(variants.get(k, {k}) & terms) for k in keys], dtype=float)
        if text_words:
            best = sims[:, [column[w] for w in text_words]].max(axis=1)
            held = np.maximum(held, np.clip((best - lo) / (hi - lo), 0.0, 1.0))
        out[i] = held.mean()
    return out


@functools.lru_cache(maxsize=1)
def _shipped_name_probe() -> NameProbe | None:
    try:
        return NameProbe.load()
    except ValueError:
        logger.warning("name probe unavailable; 'who' and 'where' answers quote sentences", exc_info=True)
        return None


def _other_script_share(script: str, chunks: Sequence[StoredChunk]) -> float:
    """The share of ``chunks`` written in the other script than a question in ``script``."""
    if not chunks:
        return 0.0
    other = sum(1 for c in chunks if (c.lang == "ar") != (script == "ar"))
    return other / len(chunks)


def _rrf(ranks: dict[str, int], weights: dict[str, float], k: int) -> float:
    return sum(weights.get(ch, 0.0) / (k + r) for ch, r in ranks.items() if ch in weights)
