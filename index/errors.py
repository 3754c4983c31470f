"""The index's small error hierarchy; entry points turn these into user messages."""

from __future__ import annotations

__all__ = ["IndexCorruptError", "IndexingError", "ModelMismatchError", "ModelUnavailableError"]


class IndexingError(Exception):
    """Base class for errors raised by the ``index`` package."""


class ModelMismatchError(IndexingError):
    """The index was built with another embedding model than the one asked for."""


class IndexCorruptError(IndexingError):
    """The index folder is not one of ours, or its files are damaged."""


class ModelUnavailableError(IndexingError):
    """The embedding model cannot be loaded (missing files, no network for a hub name)."""
