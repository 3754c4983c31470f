"""English date words as data: months, weekdays, numbers, qualifiers, relative words."""

from __future__ import annotations

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# English month names that are also verbs: only when capitalised ("May 5", not "may 5").
VERB_MONTHS = frozenset({"may", "march", "mar"})
# How a month is written for a reader.
MONTH_NAMES_OUT = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

QUALIFIERS = {
    "early": "early",
    "beginning of": "early",
    "the beginning of": "early",
    "start of": "early",
    "the start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "the middle of": "mid",
    "late": "late",
    "end of": "late",
    "the end of": "late",
}
# How an approximate month/year is qualified for a reader (None: "about").
QUALIFIERS_OUT = {"early": "early", "mid": "mid", "late": "late", None: "about"}

APPROXIMATORS = (
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "some",
    "approximately",
    "more than",
    "over",
    "less than",
    "just over",
    "just under",
    "barely",
)
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "couple of": 2,
}
VAGUE_NUMBERS = {"a few": 3, "few": 3, "several": 3}

# "last September", "next March": how a relative word picks the month's year.
RELATIVE_MODES = {
    "last": "past",
    "past": "past",
    "this past": "past",
    "previous": "past",
    "next": "next",
    "coming": "next",
    "this coming": "next",
    "this": "current",
}
# Prepositions that make a bare month or year a date: "in May", "since 2011".
MONTH_CUES = (
    "in",
    "since",
    "during",
    "until",
    "till",
    "from",
    "through",
    "throughout",
    "before",
    "after",
    "between",
)
YEAR_CUES = ("in", "since", "during", "until", "till", "through", "throughout", "before", "after", "circa")
# Relative words before a month ("last September") and before a weekday ("this coming Friday").
MONTH_RELATIVE_WORDS = ("this past", "this coming", "last", "next", "this", "past", "coming")
WEEKDAY_RELATIVE_WORDS = ("this past", "this coming", "last", "next", "this", "coming", "past")
# "last Tuesday", "next Friday": how a relative word picks the weekday (absent: latest).
WEEKDAY_MODES = {
    "last": "past",
    "past": "past",
    "this past": "past",
    "next": "next",
    "coming": "next",
    "this": "upcoming",
    "this coming": "upcoming",
}
# "last week", "this year": the period before, of or after publication.
PERIOD_SENSES = {"last": "past", "next": "next", "coming": "next", "this": "current"}
# "Thursday next week", "the 10th of last month": the week/month before, of or after publication.
RELATIVE_OFFSETS = {"last": -1, "this": 0, "next": 1}

# Days named relative to publication, and their offset in days ("this morning" is the day itself).
DAY_OFFSETS = {
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}
# The relative days that may lead a weekday: "yesterday, Monday".
LEADING_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1}
# "USA Today", "Russia Today" are a newspaper and a channel.
TODAY_TITLES = ("usa", "russia")
