"""Article ids and fingerprints: canonical URLs, text hashes, stable ids, what an id may hold."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from index.schema import Article

MAX_ID_CHARS = 1000
"""Longer ``id`` values are refused (an id is a key, repeated in every chunk id)."""
# Characters SQLite cannot store (lone surrogates) or that make an id or URL unprintable.
UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


# --- fingerprints and ids --------------------------------------------------------------------

_TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|_ga)$", re.IGNORECASE)


def normalize_url(url: str | None) -> str | None:
    """A URL in a canonical form for duplicate detection (not for fetching).

    Scheme and host in lower case, default port, fragment and tracking parameters (``utm_*``,
    ``fbclid`` ...) dropped, percent-escapes decoded, no trailing slash. ``None`` for an empty value.
    """
    if url is None:
        return None
    text = url.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port is None or port == default_port else f"{host}:{port}"
    path = unquote(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = "&".join(
        f"{k}={v}" if v else k
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    )
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def text_fingerprint(text: str) -> str:
    """SHA-1 (hex) of ``text`` with runs of whitespace made one space."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def article_fingerprints(article: Article) -> tuple[str, str | None]:
    """(text hash, normalised URL) of an article, for the store's duplicate detection."""
    return text_fingerprint(article.text), normalize_url(article.url)


def stable_id(url: str | None, title: str, text: str) -> str:
    norm = normalize_url(url)
    basis = f"url:{norm}" if norm else f"text:{title}\n{text}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
