"""The SQLite manifest of an index: its schema, its meta table, opening and reading it."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from index.errors import IndexCorruptError

SCHEMA_VERSION = 1
APP_MARK = "news-assistant-index"
DB_NAME = "articles.sqlite3"


LOCK_NAME = ".write.lock"


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    url_norm TEXT,
    title TEXT NOT NULL,
    published TEXT,
    published_day INTEGER,
    source TEXT,
    url TEXT,
    lang TEXT NOT NULL,
    origin TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_url_norm ON articles(url_norm);
CREATE INDEX IF NOT EXISTS articles_state ON articles(state);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    body, title, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
"""


def read_index_meta(index_dir: str | os.PathLike[str]) -> dict[str, str] | None:
    """The ``meta`` table of an existing index (model, dimension, ...), or None if there is none."""
    db_path = Path(index_dir) / DB_NAME
    if not db_path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: damaged index database ({exc})") from exc


def connect(db_path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(db_path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: not a readable index database ({exc})") from exc
    return conn


def read_meta(conn: sqlite3.Connection, db_path: Path) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: damaged index database ({exc})") from exc
