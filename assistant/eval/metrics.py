"""Pure evaluation metrics: recall, reciprocal rank, gold containment, exact and gold quotes, percentiles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.text import normalize_for_match

__all__ = [
    "contains_any",
    "normalize",
    "percentile",
    "quote_is_exact",
    "quote_matches_gold",
    "recall_at",
    "reciprocal_rank",
    "unique_articles",
]


def normalize(text: str) -> str:
    """The normal form both sides of a containment check are put into (the index's own matching form)."""
    return normalize_for_match(text)


def unique_articles(article_ids: Iterable[str]) -> list[str]:
    """Article ids in rank order, each once (a passage list becomes an article ranking)."""
    return list(dict.fromkeys(article_ids))


def recall_at(ranked_articles: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when a gold article is among the first ``k`` ranked articles, else 0.0."""
    gold = set(gold)
    if not gold:
        raise ValueError("recall needs at least one gold article id; got none")
    return 1.0 if gold.intersection(ranked_articles[:k]) else 0.0


def reciprocal_rank(ranked_articles: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """1/rank of the first gold article within the first ``k``; 0.0 when none is there."""
    gold = set(gold)
    if not gold:
        raise ValueError("reciprocal rank needs at least one gold article id; got none")
    for rank, article_id in enumerate(ranked_articles[:k], 1):
        if article_id in gold:
            return 1.0 / rank
    return 0.0


def _contains(haystack_norm: str, needle_norm: str) -> bool:
    """Substring match that does not split a number (gold ``24`` is not in ``2024``)."""
    if not needle_norm:
        return False
    pattern = re.escape(needle_norm)
    if needle_norm[0].isdigit():
        pattern = r"(?<!\d)" + pattern
    if needle_norm[-1].isdigit():
        pattern += r"(?!\d)"
    return re.search(pattern, haystack_norm) is not None


def contains_any(text: str, golds: Iterable[str]) -> bool:
    """Whether the normalised ``text`` contains any normalised gold string."""
    norm = normalize(text)
    return any(_contains(norm, normalize(g)) for g in golds)


def quote_is_exact(quote: str, article_text: str | None, start: int, end: int) -> bool:
    """The citation contract: ``quote == article_text[start:end]`` and the quote is not empty."""
    if article_text is None or not quote:
        return False
    if not (0 <= start < end <= len(article_text)):
        return False
    return article_text[start:end] == quote


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def quote_matches_gold(
    quote: str,
    gold_quotes: Iterable[str],
    *,
    article_text: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> bool:
    """Whether a cited quote is a gold quote: normalised containment either way, or (when the
    article text and the citation's offsets are given) a span overlapping at least half of the
    shorter of the two (a gold quote cut across two cited sentences still counts).
    """
    quote_norm = normalize(quote)
    for gold in gold_quotes:
        gold_norm = normalize(gold)
        if not gold_norm or not quote_norm:
            continue
        if _contains(quote_norm, gold_norm) or _contains(gold_norm, quote_norm):
            return True
        if article_text is not None and start is not None and end is not None:
            at = article_text.find(gold)
            while at >= 0:
                shared = _overlap((start, end), (at, at + len(gold)))
                if shared and shared * 2 >= min(end - start, len(gold)):
                    return True
                at = article_text.find(gold, at + 1)
    return False


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation, as numpy's default; None if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile expects q in [0, 100], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
