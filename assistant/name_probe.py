"""Temporary shim: moved to assistant/retrieval/name_probe.py; removed when the restructure branches are merged."""

from assistant.retrieval.name_probe import PROBE_FILE, NameProbe, NameSpan, name_spans

__all__ = ["PROBE_FILE", "NameProbe", "NameSpan", "name_spans"]
