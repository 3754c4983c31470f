"""Assistant: the public entry point of the answering side (see DESIGN.md, "Python API")."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.answering import Answerer, ExtractiveAnswerer, ExtractiveConfig, question_language, verify
from assistant.answering.follow_ups import condense_rules, normalize_history
from assistant.errors import EmptyQuestionError
from assistant.retrieval import RetrievalConfig, Retriever
from assistant.schema import Answer, Passage
from index import (
    AddReport,
    Article,
    ArticleInfo,
    Embedder,
    EmbeddingConfig,
    IndexStats,
    NewsIndex,
    SearchFilters,
)
from prompts import load_sections

__all__ = ["MAX_QUESTION_CHARS", "Assistant"]

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class Assistant:
    """Ask questions of one news index and get answers whose citations are checked.

    Build it once (loading the model takes seconds) and share it: it is thread-safe for
    concurrent questions, and ``add`` makes new articles searchable at once.
    """

    def __init__(
        self,
        index: NewsIndex,
        *,
        llm: str | Any | None = None,
        top_k: int = 6,
        retrieval: RetrievalConfig | None = None,
        extractive: ExtractiveConfig | None = None,
        max_concurrent: int | None = None,
    ) -> None:
        """``max_concurrent``: questions computed at once (retrieval, the built-in answerer,
        citation checks); more wait their turn. Default 2 per CPU core: on 2 cores, 20 threads
        asking at once got 4.95 answers/s and a 95 s worst case, 4 at a time 7.35/s
        (benchmarks/RESULTS.md, "load"). Waiting for an LLM server holds no slot."""
        self.index = index
        self._slots = threading.BoundedSemaphore(max_concurrent or 2 * (os.cpu_count() or 1))
        self.top_k = top_k
        self.retriever = Retriever(index.store, index.embedder, retrieval)
        self.extractive = ExtractiveAnswerer(
            extractive,
            matcher=lambda: self.retriever.matcher,
            scorer=self.retriever.score_texts,
            terms=self.retriever.query_terms,
            translation=self.retriever.best_word_match,
            names=self.retriever.new_names,
        )
        self._llm_spec = llm
        self._llm_answerers: dict[str, Answerer] = {}
        self._write_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike[str],
        *,
        llm: str | Any | None = None,
        chroma_url: str | None = None,
        top_k: int = 6,
        embedder: Embedder | None = None,
        embedding: EmbeddingConfig | None = None,
        retrieval: RetrievalConfig | None = None,
        extractive: ExtractiveConfig | None = None,
        max_concurrent: int | None = None,
    ) -> Assistant:
        """Open (or create) the index in ``index_dir``.

        ``llm``: None or ``"extractive"`` for the built-in answerer (no LLM); an
        OpenAI-compatible server as ``"openai:http://HOST:PORT/v1#MODEL"``; a local GGUF file as
        ``"gguf:/path/model.gguf"`` (needs the llama-cpp extra); or a llama-index LLM object.
        """
        index = NewsIndex.open(index_dir, embedder=embedder, embedding=embedding, chroma_url=chroma_url)
        return cls(
            index,
            llm=llm,
            top_k=top_k,
            retrieval=retrieval,
            extractive=extractive,
            max_concurrent=max_concurrent,
        )

    # ------------------------------------------------------------------ index side
    def add(
        self,
        inputs: Sequence[str],
        *,
        limit: int | None = None,
        progress: Callable[[int, str], None] | None = None,
        allow_private_urls: bool = True,
    ) -> AddReport:
        """Add articles (files, folders, globs, URLs); they are searchable when this returns.

        ``allow_private_urls=False`` refuses URLs whose host is a loopback, private, link-local
        or other non-public address (also after a redirect): set it when the URLs come from
        users of a shared deployment."""
        with self._write_lock:
            report = self.index.add(
                inputs, limit=limit, progress=progress, allow_private_urls=allow_private_urls
            )
        self.retriever.refresh(None if report.updated else report.added_ids)
        return report

    def remove(self, article_ids: Sequence[str]) -> list[str]:
        with self._write_lock:
            removed = self.index.remove(article_ids)
        self.retriever.refresh()
        return removed

    def stats(self) -> IndexStats:
        return self.index.stats()

    def list_articles(self, query: str = "", *, limit: int = 50, offset: int = 0) -> list[ArticleInfo]:
        return self.index.list_articles(query, limit=limit, offset=offset)

    def get_article(self, article_id: str) -> Article | None:
        return self.index.get_article(article_id)

    def warm_up(self) -> dict[str, float]:
        """Load every model and cache the first question would (embedding model, index vectors,
        name vocabulary, second encoder, name probe), so that it is answered as fast as the tenth.
        Returns the seconds each part took; the web app calls it at start."""
        seconds = self.retriever.warm_up()
        logger.info("warmed up: %s", ", ".join(f"{part} {sec:.1f} s" for part, sec in seconds.items()))
        return seconds

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ answering side
    def retrieve(self, question: str, k: int = 10, *, filters: SearchFilters | None = None) -> list[Passage]:
        """The ``k`` best passages for a question (cross-lingual, hybrid, sentence-reranked)."""
        question = _check_question(question)
        with self._slots:
            return self.retriever.retrieve(question, k, filters=filters)

    def standalone_question(
        self, question: str, history: Sequence[Any] | None = None, *, llm: str | None = None
    ) -> str:
        """The follow-up ``question`` rewritten to stand alone, using the conversation."""
        messages = normalize_history(history)
        if not messages:
            return question
        answerer = self._answerer(llm)
        condense = getattr(answerer, "condense", None)
        if condense is not None:
            try:
                return condense(question, messages)
            except Exception as exc:  # fall back to rules rather than fail the question
                logger.warning("LLM condensation failed (%s); using rules", exc)
        return condense_rules(question, messages)

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        filters: SearchFilters | None = None,
        k: int | None = None,
        llm: str | None = None,
    ) -> Answer:
        """Answer ``question`` from the index; every sentence of the answer cites its source."""
        question, standalone, lang, passages, articles, timings = self._prepare(
            question, history, filters, k, llm
        )
        answerer = self._answerer(llm)
        t1 = time.perf_counter()
        if answerer is self.extractive:  # computed here; an LLM answerer waits on its server
            with self._slots:
                draft = answerer.draft(standalone, passages, lang=lang, articles=articles)
        else:
            draft = answerer.draft(standalone, passages, lang=lang, articles=articles)
        timings["draft_ms"] = (time.perf_counter() - t1) * 1000
        return self._finish(question, standalone, lang, passages, articles, draft, answerer.name, timings)

    def stream(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        filters: SearchFilters | None = None,
        k: int | None = None,
        llm: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer text as it grows, then the final, verified :class:`Answer`."""
        answerer = self._answerer(llm)
        stream_draft = getattr(answerer, "stream_draft", None)
        if stream_draft is None:
            answer = self.ask(question, history, filters=filters, k=k, llm=llm)
            words = answer.text.split(" ")
            step = max(1, len(words) // 12)
            for i in range(step, len(words), step):
                yield " ".join(words[:i])
            yield answer
            return
        question, standalone, lang, passages, articles, timings = self._prepare(
            question, history, filters, k, llm
        )
        draft = None
        for item in stream_draft(standalone, passages, lang=lang, articles=articles):
            if isinstance(item, str):
                yield item
            else:
                draft = item
        assert draft is not None
        yield self._finish(question, standalone, lang, passages, articles, draft, answerer.name, timings)

    # ------------------------------------------------------------------ internals
    def _prepare(self, question, history, filters, k, llm):
        """Check the question, make it standalone, retrieve, and fetch the articles' texts."""
        question = _check_question(question)
        t0 = time.perf_counter()
        standalone = self.standalone_question(question, history, llm=llm)
        lang = question_language(question)
        with self._slots:
            passages = self.retriever.retrieve(standalone, k or self.top_k, filters=filters)
            texts = self._article_texts(passages)
        timings = {"retrieve_ms": (time.perf_counter() - t0) * 1000}
        return question, standalone, lang, passages, texts, timings

    def _finish(self, question, standalone, lang, passages, articles, draft, name, timings) -> Answer:
        t = load_sections(f"extractive_{'ar' if lang == 'ar' else 'en'}")
        notes: tuple[str, ...] = ()
        if draft.answerable:
            t2 = time.perf_counter()
            with self._slots:
                checked = verify(draft, draft.sources or passages, articles, embedder=self.index.embedder)
            timings["verify_ms"] = (time.perf_counter() - t2) * 1000
            notes = tuple(f"removed unsupported sentence: {s}" for s in checked.removed)
            if checked.citations:
                return Answer(
                    question=question,
                    text=checked.text,
                    citations=checked.citations,
                    passages=tuple(passages),
                    answerable=True,
                    lang=lang,
                    standalone_question=standalone,
                    answerer=name,
                    timings=timings,
                    notes=notes,
                )
            notes += ("no sentence of the draft answer was supported by its sources",)
        text = draft.text if not draft.answerable and draft.text else t["not_found"].render()
        return Answer(
            question=question,
            text=text,
            citations=(),
            passages=tuple(passages),
            answerable=False,
            lang=lang,
            standalone_question=standalone,
            answerer=name,
            timings=timings,
            notes=notes,
        )

    def _article_texts(self, passages: Sequence[Passage]) -> dict[str, str]:
        out: dict[str, str] = {}
        for p in passages:
            if p.article_id not in out:
                article = self.index.get_article(p.article_id)
                if article is not None:
                    out[p.article_id] = article.text
        return out

    def _answerer(self, llm: str | None = None) -> Answerer:
        spec = llm if llm is not None else self._llm_spec
        if spec is None or spec in ("", "extractive", "builtin"):
            return self.extractive
        key = spec if isinstance(spec, str) else f"object:{id(spec)}"
        if key not in self._llm_answerers:
            from assistant.answering.llm import make_llm_answerer

            self._llm_answerers[key] = make_llm_answerer(spec)
        return self._llm_answerers[key]


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError("The question is empty: type a question about the indexed articles.")
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise EmptyQuestionError(
            f"The question is {len(question)} characters long; at most {MAX_QUESTION_CHARS} are accepted."
        )
    return question
