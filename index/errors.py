"""The index's small error hierarchy; entry points turn these into user messages."""

from __future__ import annotations

import errno

__all__ = [
    "DiskFullError",
    "IndexCorruptError",
    "IndexingError",
    "ModelMismatchError",
    "ModelUnavailableError",
]


class IndexingError(Exception):
    """Base class for errors raised by the ``index`` package."""


class ModelMismatchError(IndexingError):
    """The index was built with another embedding model than the one asked for."""


class IndexCorruptError(IndexingError):
    """The index folder is not one of ours, or its files are damaged."""


class ModelUnavailableError(IndexingError):
    """The embedding model cannot be loaded (missing files, no network for a hub name)."""


class DiskFullError(IndexingError, OSError):
    """Writing to the index failed because its disk is full; the index was left consistent.

    Also an ``OSError`` with ``errno.ENOSPC``, for callers that handle a full disk generically.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.errno = errno.ENOSPC
