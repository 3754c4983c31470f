"""Chunking: whole sentences grouped into passages sized for the embedding model, with offsets."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from index.schema import Article, Chunk
from index.text import split_sentences

__all__ = ["ChunkingConfig", "chunk_article", "chunk_id"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkingConfig:
    """How articles are cut into passages.

    ``max_words``: a chunk holds whole sentences up to about this many words (a single longer
    sentence becomes a chunk of its own; the sentence splitter already caps sentence length).
    ``overlap_sentences``: how many trailing sentences of a chunk start the next one, so an answer
    that spans a chunk boundary is still found whole in one chunk.
    """

    max_words: int = 120
    overlap_sentences: int = 1

    def __post_init__(self) -> None:
        if self.max_words < 10:
            raise ValueError(f"max_words must be at least 10, got {self.max_words}")
        if self.overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be >= 0, got {self.overlap_sentences}")


def chunk_id(article_id: str, position: int) -> str:
    """The stable id of an article's chunk: the same article text always gives the same ids."""
    return f"{article_id}::{position}"


def chunk_article(article: Article, config: ChunkingConfig | None = None) -> list[Chunk]:
    """Cut ``article.text`` into chunks of whole sentences; ``text[start:end]`` is each chunk's text."""
    config = config or ChunkingConfig()
    text = article.text
    spans = split_sentences(text)
    if not spans:
        return []
    words = [len(text[s:e].split()) for s, e in spans]
    groups: list[tuple[int, int]] = []  # [first, last] sentence indexes, inclusive
    first = 0
    while first < len(spans):
        last, total = first, words[first]
        while last + 1 < len(spans) and total + words[last + 1] <= config.max_words:
            last += 1
            total += words[last]
        groups.append((first, last))
        if last + 1 >= len(spans):
            break
        # Start the next chunk with the last sentences of this one, but always move forward and
        # never let the overlap take more than half of a chunk.
        overlap = min(config.overlap_sentences, last - first)
        while overlap > 0 and sum(words[last - overlap + 1 : last + 1]) > config.max_words // 2:
            overlap -= 1
        first = last + 1 - overlap
    chunks = []
    for position, (a, b) in enumerate(groups):
        start, end = spans[a][0], spans[b][1]
        chunks.append(
            Chunk(
                id=chunk_id(article.id, position),
                article_id=article.id,
                position=position,
                text=text[start:end],
                start=start,
                end=end,
            )
        )
    logger.debug("article %s: %d sentences -> %d chunks", article.id, len(spans), len(chunks))
    return chunks
