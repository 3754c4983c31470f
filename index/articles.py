"""Temporary shim: moved to index/readers/; removed when the restructure branches are merged."""

from __future__ import annotations

from index.readers import KNOWN_EXTENSIONS, article_fingerprints, read_articles

__all__ = ["KNOWN_EXTENSIONS", "article_fingerprints", "read_articles"]
