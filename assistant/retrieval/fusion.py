"""Weighted reciprocal rank fusion of the channels' rankings."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["fused_order", "rrf_score"]


def rrf_score(ranks: dict[str, int], weights: dict[str, float], k: int) -> float:
    """Sum over the weighted channels of weight / (k + the candidate's rank in that channel)."""
    return sum(weights.get(ch, 0.0) / (k + r) for ch, r in ranks.items() if ch in weights)


def fused_order(
    candidates: Iterable[str], ranks: dict[str, dict[str, int]], weights: dict[str, float], k: int
) -> list[str]:
    """``candidates`` by fused score, best first (ties keep their order)."""
    return sorted(candidates, key=lambda c: -rrf_score(ranks[c], weights, k))
