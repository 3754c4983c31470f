"""Question-type patterns and locative words per language, as data the question classifier reads.

Each language maps a question kind to a regular expression (matched with ``re.search``, ignoring
case). Kinds are tried in ``KIND_ORDER``; adding a language is adding an entry to each table.
"""

from __future__ import annotations

__all__ = ["FOLLOW_UP_QUESTION_WORDS", "KIND_ORDER", "LOCATIVE_WORDS", "QUESTION_PATTERNS"]

# "where" before "who": Arabic "من أين" is "from where".
KIND_ORDER = ("when", "count", "where", "who")

QUESTION_PATTERNS: dict[str, dict[str, str]] = {
    "en": {
        "when": (
            r"^\s*(when\b|what (date|day|year|month|time)\b|in what (year|month)\b|on what (date|day)\b|"
            r"which (year|date|day|month)\b|how long ago\b)"
        ),
        "count": r"\b(how many|how much|what number of|what percentage|what percent)\b",
        "who": r"^\s*(who|whom|whose)\b",
        "where": r"^\s*where\b",
    },
    "ar": {
        "when": r"(^|\s)(متى|في أي (عام|سنة|يوم|شهر|تاريخ)|ما (هو )?تاريخ|في اي (عام|سنة|يوم|شهر|تاريخ))",
        "count": r"(^|\s)(كم|ما عدد|ما هو عدد|ما نسبة)(\s|$)",
        "who": r"^\s*(من|مَن)\s",
        "where": r"(^|\s)(أين|اين)(\s|$)",
    },
}

# Words after which a name is a place: "in Benghazi", "في بنغازي".
LOCATIVE_WORDS: dict[str, tuple[str, ...]] = {
    "ar": ("في", "إلى", "الى", "من", "داخل", "قرب", "بالقرب", "بمدينة", "مدينة", "بموقع"),
    "en": ("in", "at", "from", "to", "near", "inside", "into"),
}

# Question words a bare follow-up ("and where?", "وأين؟") starts with, longest first where one
# begins another ("how many" before "how"); ``assistant.answering.follow_ups`` swaps them into the previous question.
FOLLOW_UP_QUESTION_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("when", "where", "who", "whom", "why", "how many", "how much", "how", "what", "which"),
    "ar": ("متى", "أين", "اين", "من", "لماذا", "كيف", "كم", "ماذا", "ما", "أي"),
}
