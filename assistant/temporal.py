"""Temporary shim: moved to assistant/dates/; removed when the restructure branches are merged."""

from __future__ import annotations

from assistant.dates import find_dates, format_date, format_day

__all__ = ["find_dates", "format_date", "format_day"]
