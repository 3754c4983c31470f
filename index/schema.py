"""Types that flow through ingestion: Article -> Chunk, plus the problems a reader reports."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Article", "Chunk", "ReadProblem"]


@dataclass(frozen=True)
class Article:
    """One cleaned news article.

    ``text`` is the cleaned full text; every citation offset refers to it.
    ``published`` is an ISO 8601 date (``2023-09-26``) or datetime string, or None.
    ``origin`` says where the article came from (file path or URL, with ``:LINE`` for JSONL).
    """

    id: str
    text: str
    title: str = ""
    published: str | None = None
    source: str | None = None
    url: str | None = None
    lang: str = "und"
    origin: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def content_hash(self) -> str:
        from index.text import content_hash

        return content_hash(self.title, self.text, self.published, self.source, self.url)


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article, with character offsets into ``Article.text``."""

    id: str
    article_id: str
    position: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ReadProblem:
    """An input that could not be read: names the file or URL, the line when known, and why."""

    origin: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.message}"
