"""Ingestion orchestration: read -> skip unchanged/duplicates -> chunk -> embed -> store, in batches."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from index.chunking import ChunkingConfig, chunk_article
from index.model.embedding import Embedder
from index.readers import article_fingerprints, read_articles
from index.schema import Article, ReadProblem
from index.store import IndexStore, PreparedArticle

__all__ = ["MAX_ARTICLE_CHARS", "AddReport", "Progress", "add_articles"]

logger = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 1_000_000
"""Longer texts are refused: a book-length "article" would take minutes to embed and drown
retrieval in its chunks. Split such a text into articles."""

Progress = Callable[[int, str], None]
"""Called after each input article: (articles seen so far, short status)."""


@dataclass
class AddReport:
    """What one ``add`` did. ``failed`` counts inputs that could not be read or indexed."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: int = 0
    chunks: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    added_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.skipped} unchanged, "
            f"{self.duplicates} duplicates, {self.failed} failed; {self.chunks} chunks in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "ok": self.ok}


def add_articles(
    store: IndexStore,
    embedder: Embedder,
    inputs: Sequence[str] | Iterable[Article | ReadProblem],
    *,
    chunking: ChunkingConfig | None = None,
    limit: int | None = None,
    batch_chunks: int = 64,
    write_chunks: int = 2048,
    max_chars: int = MAX_ARTICLE_CHARS,
    progress: Progress | None = None,
    allow_private_urls: bool = True,
) -> AddReport:
    """Add articles from paths/URLs (or already-read articles) to ``store``; idempotent.

    Unchanged articles (same id and content hash) are skipped, changed ones replaced, and an
    article whose text or URL is already indexed under another id is skipped as a duplicate.
    Problems (unreadable files, malformed lines, empty articles) are counted and reported; they
    never stop the run. Chunks are embedded ``batch_chunks`` at a time; one store write (one
    crash-safe batch) holds at most ``write_chunks`` chunks. ``allow_private_urls=False`` refuses
    URLs (and redirects) to private, loopback, link-local, multicast and reserved addresses: pass
    it where the URLs come from users of a server (see ``index.readers.fetch``).
    """
    chunking = chunking or ChunkingConfig()
    report = AddReport()
    started = time.perf_counter()
    items: Iterable[Article | ReadProblem]
    if isinstance(inputs, Sequence) and all(isinstance(i, str) for i in inputs):
        items = read_articles(  # type: ignore[arg-type]
            list(inputs), max_chars=max_chars, allow_private_urls=allow_private_urls
        )
    else:
        items = inputs  # type: ignore[assignment]
    pending: list[tuple[Article, list, bool]] = []  # chunked, not embedded yet
    pending_chunks = 0
    ready: list[tuple[PreparedArticle, bool]] = []  # embedded, not written yet
    ready_chunks = 0
    # Each store write has a fixed cost (a Chroma call, two SQLite transactions). Embedded
    # batches are written once the embedding time since the last write has caught up with how
    # long that write took (or ``write_chunks`` are waiting): with a real model every batch is
    # written at once; with a fast embedder writes are grouped and their fixed cost stays small.
    embed_seconds = 0.0
    last_write_seconds = 0.0
    batch_ids: set[str] = set()  # ids in ``pending`` or ``ready``
    seen_text: dict[str, str] = {}
    seen_url: dict[str, str] = {}
    seen = 0

    def write_ready() -> None:
        nonlocal ready, ready_chunks, embed_seconds, last_write_seconds
        if not ready:
            return
        started_write = time.perf_counter()
        report.chunks += store.write([p for p, _ in ready])
        last_write_seconds = time.perf_counter() - started_write
        embed_seconds = 0.0
        for p, is_update in ready:
            if is_update:
                report.updated += 1
            else:
                report.added += 1
                report.added_ids.append(p.article.id)
        ready, ready_chunks = [], 0
        batch_ids.clear()  # ``pending`` is empty here: it is embedded (moved to ``ready``) first

    def embed_pending() -> None:
        nonlocal pending, pending_chunks, ready_chunks, embed_seconds
        if not pending:
            return
        started_embed = time.perf_counter()
        vectors = embedder.embed_passages([c.text for _, chunks, _ in pending for c in chunks])
        embed_seconds += time.perf_counter() - started_embed
        offset = 0
        for article, chunks, is_update in pending:
            ready.append(
                (PreparedArticle(article, chunks, vectors[offset : offset + len(chunks)]), is_update)
            )
            offset += len(chunks)
        ready_chunks += pending_chunks
        pending, pending_chunks = [], 0
        if ready_chunks >= write_chunks or embed_seconds >= last_write_seconds:
            write_ready()

    def flush() -> None:
        embed_pending()
        write_ready()

    with store.write_lock():
        for item in items:
            if isinstance(item, ReadProblem):
                report.failed += 1
                report.problems.append(str(item))
                logger.warning("%s", item)
                continue
            seen += 1
            unstorable = _unstorable_field(item)
            if not unstorable and item.id in batch_ids:
                flush()  # the same id twice in one batch: write the first, then compare against it
            too_long = not unstorable and len(item.text) > max_chars
            if unstorable:
                status = "invalid"
            elif too_long:
                status = "too long"
            else:
                status = _classify(store, item, seen_text, seen_url)
            if unstorable:
                report.failed += 1
                report.problems.append(
                    f"{_display(item.origin or item.id)}: '{unstorable}' is not valid Unicode text "
                    "(it holds lone surrogates); expected text that encodes as UTF-8"
                )
            elif too_long:
                report.failed += 1
                report.problems.append(
                    f"{item.origin or item.id}: article text is {len(item.text):,} characters, more than the "
                    f"limit of {max_chars:,}; split it into several articles"
                )
            elif status == "unchanged":
                report.skipped += 1
            elif status.startswith("duplicate"):
                report.duplicates += 1
                logger.info("%s: %s", item.origin or item.id, status)
            else:
                chunks = chunk_article(item, chunking)
                if not chunks:
                    report.failed += 1
                    report.problems.append(f"{item.origin or item.id}: no sentences to index")
                else:
                    text_hash, url_norm = article_fingerprints(item)
                    seen_text[text_hash] = item.id
                    if url_norm:
                        seen_url[url_norm] = item.id
                    pending.append((item, chunks, status == "changed"))
                    batch_ids.add(item.id)
                    pending_chunks += len(chunks)
                    if pending_chunks >= batch_chunks:
                        embed_pending()
            if progress:
                progress(seen, status)
            if limit is not None and seen >= limit:
                break
        flush()
    report.seconds = time.perf_counter() - started
    logger.info("add: %s", report.summary())
    return report


def _unstorable_field(article: Article) -> str | None:
    """The first field SQLite cannot store (a string with lone surrogates), or None."""
    for name in ("id", "title", "published", "source", "url", "lang", "origin", "text"):
        value = getattr(article, name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return name
    return None


def _display(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _classify(
    store: IndexStore, article: Article, seen_text: dict[str, str], seen_url: dict[str, str]
) -> str:
    known = store.known_hash(article.id)
    if known == article.content_hash:
        return "unchanged"
    text_hash, url_norm = article_fingerprints(article)
    text_dup = seen_text.get(text_hash)
    url_dup = seen_url.get(url_norm) if url_norm else None
    other = text_dup or url_dup or store.find_duplicate(article)
    if other and other != article.id:
        return f"duplicate of {other}"
    return "changed" if known is not None else "new"
