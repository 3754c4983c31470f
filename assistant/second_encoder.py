"""Temporary shim: moved to assistant/retrieval/second_encoder.py; removed when the restructure branches are merged."""

from assistant.retrieval.second_encoder import SecondEncoder

__all__ = ["SecondEncoder"]
