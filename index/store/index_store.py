"""``IndexStore``: one index folder opened, its SQLite manifest and Chroma collection together."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

from index.errors import DiskFullError, IndexCorruptError, ModelMismatchError
from index.store.chroma import HNSW, chroma_client
from index.store.manifest import APP_MARK, DB_NAME, LOCK_NAME, SCHEMA_VERSION, connect, read_meta
from index.store.reading import StoreReads
from index.store.writing import LockBusy, WriteProtocol

logger = logging.getLogger(__name__)


class IndexStore(WriteProtocol, StoreReads):
    """One index folder: ``articles.sqlite3`` plus a Chroma collection (embedded or on a server).

    Open it with :meth:`open`; it is safe to share one instance between threads.
    """

    def __init__(self, index_dir: Path, conn: sqlite3.Connection, collection: Any, model: str, location: str):
        self.index_dir = index_dir
        self._conn = conn
        self._collection = collection
        self._lock = threading.RLock()
        self.model = model
        self.location = location
        self._disk_full: DiskFullError | None = None
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=collection)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike[str],
        *,
        model: str,
        chroma_url: str | None = None,
        create: bool = True,
        repair: bool = True,
        model_info: dict[str, str] | None = None,
    ) -> IndexStore:
        """Open (or create) the index in ``index_dir`` for the embedding ``model``.

        Raises ``ModelMismatchError`` if the index was built by another model, and
        ``IndexCorruptError`` if the folder is not an index of this tool or is damaged.
        """
        path = Path(index_dir)
        db_path = path / DB_NAME
        if not db_path.exists():
            if path.exists() and not path.is_dir():
                raise IndexCorruptError(f"{path}: expected an index folder, found a file")
            if path.exists() and any(p.name not in (LOCK_NAME,) for p in path.iterdir()):
                found = ", ".join(sorted(p.name for p in path.iterdir())[:5])
                raise IndexCorruptError(
                    f"{path}: not a news-assistant index (expected {DB_NAME}, found {found}); "
                    "refusing to write into it. Choose an empty or new folder."
                )
            if not create:
                raise IndexCorruptError(f"{path}: no index here (expected {db_path})")
            path.mkdir(parents=True, exist_ok=True)
        conn = connect(db_path)
        meta = read_meta(conn, db_path)
        if not meta:
            meta = {
                "app": APP_MARK,
                "schema_version": str(SCHEMA_VERSION),
                "model": model,
                "index_uuid": uuid.uuid4().hex,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **(model_info or {}),
            }
            with conn:
                conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", meta.items())
        if meta.get("app") != APP_MARK:
            raise IndexCorruptError(f"{db_path}: not a news-assistant index (app={meta.get('app')!r})")
        if int(meta.get("schema_version", "0")) != SCHEMA_VERSION:
            raise IndexCorruptError(
                f"{db_path}: index schema version {meta.get('schema_version')}, this version reads {SCHEMA_VERSION}"
            )
        if meta["model"] != model:
            raise ModelMismatchError(
                f"{path} was built with embedding model {meta['model']!r}, but {model!r} was asked for. "
                f"Open it with --model {meta['model']!r}, or build a new index for the other model."
            )
        collection_name = f"news-{meta['index_uuid']}"
        client, location = chroma_client(path, chroma_url)
        try:
            collection = client.get_or_create_collection(
                name=collection_name,
                configuration={"hnsw": HNSW},
                metadata={"model": model, "app": APP_MARK},
            )
        except Exception as exc:  # chroma raises many types for a damaged folder
            raise IndexCorruptError(
                f"{location}: cannot open the Chroma collection {collection_name}: {exc}"
            ) from exc
        store = cls(path, conn, collection, model, location)
        if repair:
            store._repair_on_open()
        return store

    def _repair_on_open(self) -> None:
        """Repair under the write lock: a half-written batch of a live writer is not debris."""
        try:
            with self.write_lock():  # repairs once it holds the lock
                pass
        except LockBusy:
            logger.info("%s: another process is writing; it repairs before it writes", self.index_dir)
        except DiskFullError as exc:
            logger.warning("%s; opened without repairing (reads ignore half-written articles)", exc)
        except OSError as exc:  # no lock file possible (read-only folder): repair without the lock
            logger.debug("%s: cannot take the write lock (%s)", self.index_dir, exc)
            self.repair()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
