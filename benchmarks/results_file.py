"""Keep benchmarks/RESULTS.md as sections that each script rewrites without touching the others."""

from __future__ import annotations

from pathlib import Path

__all__ = ["replace_section"]

TITLE = "# Benchmark and evaluation results\n\nEach section is written by the script named in it; rerun that command to refresh it.\n"


def replace_section(path: Path, name: str, heading: str, body: str) -> None:
    """Replace the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (append if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{heading}\n\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
