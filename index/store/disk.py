"""Tell a full disk from other write errors: free space and the errors that say "disk full"."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

LOW_DISK_BYTES = 5_000_000
"""A write that fails with less free space than this on the index's disk is reported as a full
disk (Chroma's errors do not always say so)."""


def free_bytes(path: Path) -> int | None:
    try:
        stat = os.statvfs(path)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DISK_FULL_WORDS = ("no space left", "disk is full", "disk full", "os error 28", "quota exceeded")


def says_disk_full(exc: BaseException | None) -> bool:
    """True if ``exc`` or an exception in its chain reports ENOSPC / SQLITE_FULL."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        if getattr(exc, "sqlite_errorcode", None) == getattr(sqlite3, "SQLITE_FULL", 13):
            return True
        if any(word in str(exc).lower() for word in _DISK_FULL_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
