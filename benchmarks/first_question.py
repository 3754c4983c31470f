"""Time the first question after start-up, with and without ``Assistant.warm_up``, against a later one.

    .venv/bin/python benchmarks/first_question.py INDEX_DIR cold|warm

Run each mode in a fresh process (the point is what a new process pays); see RESULTS.md.
"""

from __future__ import annotations

import argparse
import time

QUESTIONS = [
    "How many people live in the city?",
    "When was the university founded?",
    "Who built the bridge?",
    "What is the capital of the country?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir")
    parser.add_argument("mode", choices=["cold", "warm"])
    args = parser.parse_args()
    from assistant import Assistant

    start = time.perf_counter()
    bot = Assistant.open(args.index_dir)
    opened = time.perf_counter()
    parts = bot.warm_up() if args.mode == "warm" else {}
    warmed = time.perf_counter()
    seconds = []
    for question in QUESTIONS:
        t = time.perf_counter()
        bot.ask(question)
        seconds.append(time.perf_counter() - t)
    print(
        f"{args.mode}: open {opened - start:.1f} s, warm-up {warmed - opened:.1f} s "
        f"({', '.join(f'{k} {v:.1f}' for k, v in parts.items())}), "
        f"first question {seconds[0]:.2f} s, last question {seconds[-1]:.2f} s"
    )


if __name__ == "__main__":
    main()
