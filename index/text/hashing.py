"""Hash an article's fields unambiguously (length-prefixed parts) for "seen this before?"."""

from __future__ import annotations

import hashlib


def content_hash(*parts: str | None) -> str:
    """Return the sha256 hex digest of ``parts`` (``None`` counts as ``""``).

    Each part is written as ``<length in bytes>:<utf-8 bytes>``: the length prefix is the
    separator that cannot occur inside a part, so ``("ab", "c")`` and ``("a", "bc")`` differ
    whatever characters the parts contain, and so do different numbers of parts.
    """
    digest = hashlib.sha256()
    for i, part in enumerate(parts):
        if part is None:
            part = ""
        if not isinstance(part, str):
            raise TypeError(
                f"content_hash expects str or None parts, got {type(part).__name__} at position {i}"
            )
        data = part.encode("utf-8", "surrogatepass")
        digest.update(f"{len(data)}:".encode("ascii"))
        digest.update(data)
    return digest.hexdigest()
