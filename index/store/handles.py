"""What both halves of ``IndexStore`` hold: the folder, the model, the SQLite and Chroma handles, the lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

__all__ = ["StoreHandles"]


class StoreHandles:
    """Attributes that ``IndexStore.open`` sets and ``StoreReads`` and ``WriteProtocol`` use."""

    index_dir: Path
    model: str
    location: str
    vector_store: Any
    _conn: sqlite3.Connection
    _collection: Any
    _lock: threading.RLock
