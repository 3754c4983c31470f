"""What the ingestion benchmark records (timed rounds per path) and how it reports them in RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["FLOPS_FORMULA", "Series", "render", "verdict"]

FLOPS_FORMULA = (
    "FLOPs(n) = L * (8*n*d^2 + 4*n*d*f + 4*n^2*d): per layer the Q, K, V and output projections "
    "(8nd^2) and the feed-forward (4ndf), together 2 x non-embedding parameters x tokens, plus attention "
    "scores and weighted sum (4n^2 d). n = tokens of the chunk (with 'passage: ' and the special tokens), "
    "d = hidden, f = intermediate, L = layers; embedding lookups, layer norms, softmax and GELU (<1%) "
    "are left out, and so is padding: these are the useful FLOPs."
)


@dataclass
class Series:
    """Timed rounds of one path: work done, seconds, and the matmul GFLOP/s measured around each."""

    backend: str
    units: list[float] = field(default_factory=list)  # chunks (or articles) per round
    flops: list[float] = field(default_factory=list)  # useful FLOPs per round
    seconds: list[float] = field(default_factory=list)
    limits: list[float] = field(default_factory=list)  # GFLOP/s just before/after, averaged

    def add(self, units: float, flops: float, seconds: float, limit: float) -> None:
        self.units.append(units)
        self.flops.append(flops)
        self.seconds.append(seconds)
        self.limits.append(limit)

    @property
    def rate(self) -> float:
        return sum(self.units) / sum(self.seconds)

    @property
    def rates(self) -> list[float]:
        return [u / s for u, s in zip(self.units, self.seconds, strict=True)]

    @property
    def fraction(self) -> float:
        """Useful FLOPs done / FLOPs the matmul limit allowed in the same time (measured alongside)."""
        allowed = sum(g * 1e9 * s for g, s in zip(self.limits, self.seconds, strict=True))
        return sum(self.flops) / allowed

    def speedup_over(self, other: Series) -> float:
        """Median of the per-round rate ratios: rounds of the two paths ran back to back."""
        return float(np.median([a / b for a, b in zip(self.rates, other.rates, strict=True)]))


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{seconds / 60:.1f} min"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _range(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def render(r: dict[str, Any]) -> str:
    m, model = r["machine"], r["model"]
    paths: dict[str, Series] = r["paths"]
    all_limits = [g for s in paths.values() for g in s.limits]
    all_limits += [g for pair in (r.get("ingest") or {}).values() for g in pair[0].limits]
    spread = [*all_limits, *r["gflops_start"].values(), *r["gflops_end"].values()]
    out = [
        "## Ingestion: embedding paths and the arithmetic limit (`benchmarks/ingest.py`)",
        "",
        f"Run {r['date']} with `{r['command']}`: the seed article + the first {r['n_news']} articles of "
        f"`jawharafm.jsonl.gz` ({r['n_chunks']} chunks). Machine: {m['cpu']}, {m['cores']} cores "
        f"(torch threads {m['torch_threads']}), Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Load average {r['load_before']:.1f} at start, {r['load_after']:.1f} at the end.",
        "",
        "**The machine is shared by several engineers running tests and benchmarks at the same time, so "
        "absolute speeds are noisy: the same path ran 2–3× faster or slower from one minute to the next "
        "while this was developed.** Two things make the comparison fair anyway: the paths run in "
        "interleaved rounds on the same chunks (speed-ups are medians of back-to-back round ratios), and "
        "every timed segment has a short matmul measurement just before and after it, so that the "
        "fraction of the arithmetic limit compares with what the CPU gave at that moment. In this run "
        f"the same matmul measured {min(spread):.1f} to {max(spread):.1f} GFLOP/s.",
        "",
        "### (a) Arithmetic limit: float32 matmul 1024×1024, all cores",
        "",
        _table(
            ["library", "start of run (best of 3)", "end of run (best of 3)"],
            [[k, f"{r['gflops_start'][k]:.1f}", f"{r['gflops_end'][k]:.1f}"] for k in r["gflops_start"]],
        ),
        "",
        f"Beside the timed segments (best of numpy and torch, short runs) it ranged "
        f"{min(all_limits):.0f}–{max(all_limits):.0f} GFLOP/s.",
        "",
        "### (b) Model arithmetic per chunk",
        "",
        f"`{FLOPS_FORMULA}`",
        "",
        f"multilingual-e5-small: L = {model['layers']}, d = {model['hidden']}, f = {model['intermediate']}; "
        f"chunk tokens mean {model['tokens_mean']:.0f} (p10 {model['tokens_p10']:.0f}, p90 "
        f"{model['tokens_p90']:.0f}, max {model['tokens_max']:.0f}) → **{model['gflops_per_chunk']:.2f} "
        f"GFLOP per chunk** on average; at the median {np.median(all_limits):.0f} GFLOP/s measured beside "
        f"the timed segments the fp32 limit is **{np.median(all_limits) / model['gflops_per_chunk']:.1f} "
        "chunks/s**.",
        "",
        f"### (c) Embedding throughput on the demo chunks (batch size {r['batch_size']}, "
        f"{r['rounds']} interleaved rounds)",
        "",
    ]
    base = paths.get("torch")
    rows = []
    for name, s in paths.items():
        cos = r["cosines"].get(name)
        rows.append(
            [
                f"`{name}`",
                f"{s.rate:.2f}",
                _range(s.rates),
                f"{s.speedup_over(base):.2f}×" if base else "n/a",
                f"{s.rate * model['gflops_per_chunk']:.1f}",
                f"{np.mean(s.limits):.0f}",
                f"{s.fraction:.0%}",
                f"{cos[0]:.4f} / {cos[1]:.4f}" if cos else "n/a",
                f"{r['load_seconds'][name]:.1f}",
            ]
        )
    out += [
        _table(
            [
                "path",
                "chunks/s",
                "per round",
                "speed-up vs torch",
                "useful GFLOP/s",
                "matmul GFLOP/s alongside",
                "of the limit",
                "cosine to torch (min / mean)",
                "load s",
            ],
            rows,
        ),
        "",
        '"Of the limit" = useful FLOPs done / (matmul GFLOP/s measured alongside × time). `onnx-int8` '
        "multiplies int8 matrices, so it can pass the *fp32* limit. Load time includes the one-time "
        "ONNX export and quantisation (about a minute each) only when `<model>/onnx/` was empty.",
        "",
    ]
    if r.get("ingest"):
        sample_articles, sample_chunks = r["sample"]
        rows = []
        ingest: dict[str, tuple[Series, Series]] = r["ingest"]
        for name, (arts, chks) in ingest.items():
            rows.append(
                [
                    f"`{name}`",
                    f"{int(arts.units[0])} × {len(arts.units)}",
                    str(int(chks.units[0])),
                    ", ".join(f"{x:.1f}" for x in arts.seconds),
                    f"{arts.rate:.2f}",
                    f"{chks.rate:.2f}",
                    f"{chks.fraction:.0%}",
                    _duration(sample_articles / arts.rate),
                    _duration(sample_chunks / chks.rate),
                ]
            )
        out += [
            "### (d) Whole ingestion pipeline: `NewsIndex.open(tmp, embedding=EmbeddingConfig(backend=...))"
            f".add([seed, news], limit={r['n_news'] + 1})` (read, clean, chunk, embed, Chroma + SQLite), "
            "a fresh index per round, paths alternating",
            "",
            _table(
                [
                    "path",
                    "articles × rounds",
                    "chunks",
                    "seconds per round",
                    "articles/s",
                    "chunks/s",
                    "of the limit",
                    f"all {sample_articles:,} articles, by articles/s",
                    f"all {sample_articles:,} articles, by chunks/s",
                ],
                rows,
            ),
            "",
            f"**The whole-sample times are extrapolated from these rates, not measured.** The whole sample "
            f"has {sample_chunks:,} chunks ({sample_chunks / sample_articles:.2f} per article, counted by "
            f"reading and chunking all {sample_articles:,} articles) while the seed + first {r['n_news']} "
            f"have {r['ingest_chunks_per_article']:.2f} per article, so the chunk-based column is the better "
            "estimate. Model load time is excluded.",
            "",
        ]
    if r.get("quality"):
        rows = []
        for name, q in r["quality"].items():
            for direction, s in q.items():
                rows.append(
                    [f"`{name}`", direction, str(s["questions"])]
                    + [f"{s[k]:.3f}" for k in ("recall@1", "recall@5", "mrr")]
                )
        names = list(r["quality"])
        if len(names) == 2:
            a, b = (r["quality"][n] for n in names)
            for direction in a:
                rows.append(
                    [f"Δ `{names[1]}` − `{names[0]}`", direction, ""]
                    + [f"{b[direction][k] - a[direction][k]:+.3f}" for k in ("recall@1", "recall@5", "mrr")]
                )
        out += [
            "### (e) Retrieval quality on XQuAD (dev): dense retrieval over the 240 whole Arabic paragraphs",
            "",
            "Questions with a gold paragraph; `query: ` / `passage: ` prefixes; cosine; no lexical part. "
            "`onnx` (fp32) is not listed: its vectors equal torch's (cosine ≥ 0.9999, see (c) and "
            "tests/index/test_fast_embedding.py).",
            "",
            _table(["path", "questions → paragraphs", "n", "recall@1", "recall@5", "MRR"], rows),
            "",
        ]
    out += ["### Verdict", "", r["verdict"], ""]
    return "\n".join(out)


def verdict(r: dict[str, Any]) -> str:
    paths: dict[str, Series] = r["paths"]
    if "torch" not in paths:
        fastest = max(paths, key=lambda n: paths[n].rate)
        return f"Fastest path in this run: `{fastest}` ({paths[fastest].rate:.2f} chunks/s)."
    speedups = {name: s.speedup_over(paths["torch"]) for name, s in paths.items()}
    fastest = max(speedups, key=speedups.__getitem__)
    text = (
        f"Fastest embedding path: `{fastest}`, {speedups[fastest]:.2f}× torch fp32 (median of the per-round "
        "ratios; " + ", ".join(f"`{n}` {v:.2f}×" for n, v in speedups.items() if n != "torch") + ")."
    )
    quality = r.get("quality") or {}
    if fastest in quality and "torch" in quality and fastest != "torch":
        deltas = [
            quality[fastest][d][k] - quality["torch"][d][k]
            for d in quality["torch"]
            for k in ("recall@1", "mrr")
        ]
        n = min(q["questions"] for q in quality["torch"].values())
        text += (
            f" Its retrieval-quality change against torch fp32 on XQuAD ranges {min(deltas):+.3f} to "
            f"{max(deltas):+.3f} (recall@1 and MRR, both directions); 0.01 is about {round(0.01 * n)} "
            f"of the {n:,} questions."
        )
    if "onnx" in paths and fastest != "onnx" and "onnx" in r["cosines"]:
        text += (
            f" At identical quality, `onnx` fp32 (min cosine {r['cosines']['onnx'][0]:.4f} to torch's "
            f"vectors) is {speedups['onnx']:.2f}× torch."
        )
    if r.get("ingest") and len(r["ingest"]) == 2:
        (d_name, (d_arts, _)), (f_name, (f_arts, _)) = r["ingest"].items()
        text += (
            f" Whole pipeline: `{f_name}` {f_arts.speedup_over(d_arts):.2f}× `{d_name}` in articles/s "
            "(median of back-to-back round ratios)."
        )
    return text
