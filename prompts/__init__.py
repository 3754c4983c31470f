"""Prompt text as files, loaded by name; variables are checked when a prompt is filled in.

A prompt file ``prompts/NAME.md`` holds one template, or several sections headed ``## key``
(the extractive answer templates). Variables are written ``{name}``; ``{{`` and ``}}`` are
literal braces.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Prompt", "load_prompt", "load_sections"]


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(self.text) if f)

    def render(self, **values: object) -> str:
        missing = self.variables - values.keys()
        extra = values.keys() - self.variables
        if missing or extra:
            raise ValueError(
                f"prompt {self.name!r} expects variables {sorted(self.variables)}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        return self.text.format(**values)


def _read(name: str) -> str:
    try:
        return resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        available = sorted(
            p.name[:-3] for p in resources.files(__package__).iterdir() if p.name.endswith(".md")
        )
        raise FileNotFoundError(f"no prompt named {name!r}; available: {available}") from None


@cache
def load_prompt(name: str) -> Prompt:
    """The whole file ``prompts/NAME.md`` as one prompt (a leading HTML comment is dropped)."""
    text = _read(name)
    if text.startswith("<!--"):
        text = text[text.index("-->") + 3 :].lstrip("\n")
    return Prompt(name, text.rstrip("\n"))


@cache
def load_sections(name: str) -> dict[str, Prompt]:
    """A file of ``## key`` sections as {key: prompt}; each section's text is stripped."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _read(name).splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {k: Prompt(f"{name}#{k}", "\n".join(v).strip()) for k, v in sections.items()}
