"""Temporary shim: moved to assistant/answering/; removed when the restructure branches are merged."""

from assistant.answering import ExtractiveAnswerer, ExtractiveConfig

__all__ = ["ExtractiveAnswerer", "ExtractiveConfig"]
