"""The prompt-injection guard: article text neutralised for the prompt, instructions found and not trusted.

A source cannot forge citation markers, close its delimited block or open another, hide text with
bidi controls, or support a claim with a sentence addressed to the assistant.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from assistant.answering.citation_check import SUPPORT_THRESHOLD, support_score
from assistant.schema import Passage
from index.text import split_sentences

__all__ = ["INJECTION_PLACEHOLDER", "drop_injected_support", "find_injections", "neutralize"]

logger = logging.getLogger(__name__)

# Citation-marker look-alikes: [1], ［１］, 【2】, [ ٣ ], [1, 2] (any Unicode digits).
_FORGED_MARKER = re.compile(r"[\[［【〔〖⟦]\s*(\d+(?:\s*[,،;]\s*\d+)*)\s*[\]］】〕〗⟧]")
# Runs of angle brackets (ASCII or look-alikes) could imitate the block delimiters <<< >>>.
_OPEN_RUN = re.compile(r"[<＜﹤‹〈《⟨❮❬]{2,}")
_CLOSE_RUN = re.compile(r"[>＞﹥›〉》⟩❯❭]{2,}")
_DELIM_WORDS = re.compile(r"(?i)\b(end)[\s_-]*(source)\b")
# Bidi embedding/override/isolate controls can hide text from a human reader of the prompt.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

# Sentences that address the assistant rather than report news.
_INJECTION = re.compile(
    r"(?ix)"
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(instructions?|prompts?|rules|guidelines|directions)\b"
    r"|\bsystem\s+prompt\b"
    r"|\b(new|updated)\s+instructions\s*:"
    r"|\b(tell|inform)\s+the\s+user\b"
    r"|\b(as\s+an?|you\s+are\s+(now\s+)?an?)\s+(ai|assistant|language\s+model|chatbot|llm)\b"
    r"|\b(assistant|chatbot|language\s+model|ai\s+model|llm)s?\s*,?\s+(must|should|will)\s+(now\s+)?(answer|reply|respond|say|state|write)\b"
    r"|تجاهل\S*\s+(\S+\s+){0,3}?(التعليمات|الأوامر|الاوامر|التوجيهات)"
    r"|(أيها|ايها)\s+(المساعد|النموذج|الذكاء)"
    r"|(أخبر|اخبر)\s+المستخدم"
)
INJECTION_PLACEHOLDER = "(a sentence addressed to the assistant was removed here)"


def neutralize(text: str) -> str:
    """Article text made safe to place between the source delimiters.

    ``[1]`` (and look-alikes) become ``(1)`` so a source cannot forge citations; runs of angle
    brackets become single guillemets and "END SOURCE" loses its shape, so a source cannot close
    its block or open another; bidi override controls are removed.
    """
    text = text.translate(_BIDI_CONTROLS)
    text = _FORGED_MARKER.sub(lambda m: f"({m.group(1)})", text)
    text = _OPEN_RUN.sub("‹", text)
    text = _CLOSE_RUN.sub("›", text)
    return _DELIM_WORDS.sub(lambda m: f"{m.group(1)}-of-{m.group(2)}", text)


def find_injections(text: str) -> list[tuple[int, int]]:
    """Offsets (into ``text``) of the sentences that address the assistant instead of reporting."""
    return [(s, e) for s, e in split_sentences(text) if _INJECTION.search(text[s:e])]


def drop_injected_support(claim: str, passages: Sequence[Passage]) -> str:
    """Remove a claim's marker ``[n]`` when its best support in source n is a sentence that
    addresses the assistant (an injection is not evidence); ``verify`` checks the rest."""
    markers = {int(x) for x in re.findall(r"\[(\d{1,3})\]", claim)}
    plain = re.sub(r"\s*\[\d{1,3}\]", "", claim)
    for n in markers:
        if not 1 <= n <= len(passages):
            continue  # verify drops it
        text = passages[n - 1].text
        injected = find_injections(text)
        if not injected:
            continue
        scored = [(support_score(plain, text[s:e]), (s, e) in injected) for s, e in split_sentences(text)]
        best, is_injection = max(scored, key=lambda x: (x[0], not x[1]))
        if is_injection and best >= SUPPORT_THRESHOLD:
            logger.warning(
                "claim %r rests on an instruction-like sentence of source [%d]; marker dropped", plain, n
            )
            claim = re.sub(rf"\s*\[{n}\]", "", claim)
    return claim
