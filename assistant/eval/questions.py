"""Dataset question records: ``EvalQuestion`` and reading ``questions*.jsonl`` (errors name file and line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EvalQuestion", "load_questions", "read_jsonl"]


@dataclass(frozen=True)
class EvalQuestion:
    """One question record of a dataset's ``questions*.jsonl``."""

    id: str
    question: str
    lang: str
    answers: tuple[str, ...] = ()
    gold_article_ids: tuple[str, ...] = ()
    answerable: bool = True
    gold_quotes: tuple[str, ...] = ()
    answers_ar: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any], where: str = "") -> EvalQuestion:
        if not isinstance(record, dict):
            raise ValueError(f"{where}: expected a JSON object, got {type(record).__name__}")
        missing = [k for k in ("id", "question") if not record.get(k)]
        if missing:
            raise ValueError(
                f"{where}: question record lacks {', '.join(missing)}; got keys {sorted(record)}"
            )

        def strings(key: str) -> tuple[str, ...]:
            value = record.get(key) or ()
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{where}: expected '{key}' to be a list of strings, got {value!r}")
            return tuple(value)

        gold_ids = strings("gold_article_ids")
        answerable = record.get("answerable")
        if answerable is None:
            answerable = bool(gold_ids)
        return cls(
            id=str(record["id"]),
            question=str(record["question"]),
            lang=str(record.get("lang") or "und"),
            answers=strings("answers"),
            gold_article_ids=gold_ids,
            answerable=bool(answerable),
            gold_quotes=strings("gold_quotes"),
            answers_ar=strings("answers_ar"),
        )

    def accepted_answers(self) -> tuple[str, ...]:
        """Gold answers an answer may contain: ``answers``, plus ``answers_ar`` for English questions."""
        extra = self.answers_ar if self.lang == "en" else ()
        return self.answers + tuple(a for a in extra if a not in self.answers)


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: expected one JSON object per line ({exc})") from exc


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Read a ``questions*.jsonl`` file; errors name the file and line."""
    path = Path(path)
    return [EvalQuestion.from_record(rec, f"{path}:{n}") for n, rec in read_jsonl(path)]
