"""Date vocabulary per language as plain data: one module per language (``ar``, ``en``)."""

from __future__ import annotations

from assistant.dates.tables import ar, en

__all__ = ["ar", "en"]
