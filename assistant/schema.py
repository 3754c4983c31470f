"""What the answering side returns: passages found, citations checked, answers given."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Answer", "Citation", "Passage", "SentenceSpan"]


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence of a passage: offsets into the article text and its similarity to the question."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk. ``start``/``end`` are offsets into the article's text; ``text`` is that slice."""

    chunk_id: str
    article_id: str
    text: str
    score: float
    start: int
    end: int
    title: str = ""
    source: str | None = None
    published: str | None = None
    url: str | None = None
    lang: str = "und"
    sentences: tuple[SentenceSpan, ...] = ()
    channels: dict[str, int] = field(default_factory=dict, compare=False)  # channel -> rank (1-based)

    def best_sentence(self) -> SentenceSpan | None:
        return max(self.sentences, key=lambda s: s.score) if self.sentences else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """One source of an answer. ``quote == article.text[start:end]`` (checked in code)."""

    marker: int
    article_id: str
    title: str
    source: str | None
    published: str | None
    url: str | None
    quote: str
    start: int
    end: int
    support: float = 0.0
    passage_start: int | None = None
    passage_end: int | None = None
    passage: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """An answer whose text refers to ``citations`` by ``[marker]``.

    ``answerable`` is False when the articles do not support an answer; the text then says so and
    ``citations`` is empty.
    """

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    answerable: bool = True
    lang: str = "en"
    standalone_question: str = ""
    answerer: str = "extractive"
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_markdown(self) -> str:
        """The answer with its numbered sources, for copying or downloading."""
        lines = [f"**Q:** {self.question}", "", self.text, ""]
        if self.citations:
            lines.append("**Sources**")
            lines.append("")
            for c in self.citations:
                meta = ", ".join(x for x in (c.source, c.published) if x)
                link = f" <{c.url}>" if c.url and c.url.startswith(("http://", "https://")) else ""
                lines.append(
                    f"[{c.marker}] {c.title or c.article_id}" + (f" ({meta})" if meta else "") + link
                )
                lines.append(f"> {c.quote}")
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"
