"""What the store takes and gives: search filters, stored chunks, article and index summaries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.schema import Article, Chunk


def published_day(published: str | None) -> int | None:
    """``"2023-09-26"`` or ``"2023-09-26T10:00:00+02:00"`` -> ``20230926`` (for range filters)."""
    if not published or len(published) < 10:
        return None
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search: publication date range (inclusive), outlets, languages."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.sources or self.langs)

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.date_from:
            clauses.append({"published_day": {"$gte": _day_number(self.date_from)}})
        if self.date_to:
            clauses.append({"published_day": {"$lte": _day_number(self.date_to)}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.langs:
            clauses.append({"lang": {"$in": list(self.langs)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self, alias: str = "a") -> tuple[str, list[Any]]:
        parts: list[str] = []
        args: list[Any] = []
        if self.date_from:
            parts.append(f"{alias}.published_day >= ?")
            args.append(_day_number(self.date_from))
        if self.date_to:
            parts.append(f"{alias}.published_day <= ?")
            args.append(_day_number(self.date_to))
        if self.sources:
            parts.append(f"{alias}.source IN ({','.join('?' * len(self.sources))})")
            args.extend(self.sources)
        if self.langs:
            parts.append(f"{alias}.lang IN ({','.join('?' * len(self.langs))})")
            args.extend(self.langs)
        return (" AND ".join(parts) or "1"), args


def _day_number(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored, with its article's metadata for display and filtering."""

    id: str
    article_id: str
    position: int
    start: int
    end: int
    text: str
    title: str
    published: str | None
    source: str | None
    url: str | None
    lang: str


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    published: str | None
    source: str | None
    url: str | None
    lang: str
    n_chunks: int
    chars: int
    origin: str


@dataclass(frozen=True)
class IndexStats:
    articles: int
    chunks: int
    vectors: int
    sources: dict[str, int]
    languages: dict[str, int]
    date_from: str | None
    date_to: str | None
    model: str
    dimension: int | None
    location: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready to be written: its chunks, their vectors and lexical terms."""

    article: Article
    chunks: Sequence[Chunk]
    vectors: np.ndarray


def dumps_stats(stats: IndexStats) -> str:
    return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2)
