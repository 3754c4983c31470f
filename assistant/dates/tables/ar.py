"""Arabic date words as data: months, weekdays, ordinals, numbers, relative words, cues."""

from __future__ import annotations

# Month names of every naming system (Egyptian/Gulf, Maghreb, Moroccan, Levantine/Iraqi).
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "جانفي", "كانون الثاني"),
    2: ("فبراير", "فيفري", "شباط"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "إبريل", "أفريل", "نيسان"),
    5: ("مايو", "ماي", "أيار"),
    6: ("يونيو", "يونيه", "جوان", "حزيران"),
    7: ("يوليو", "يوليه", "يوليوز", "جويلية", "تموز"),
    8: ("أغسطس", "غشت", "أوت", "آب"),
    9: ("سبتمبر", "شتنبر", "أيلول"),
    10: ("أكتوبر", "تشرين الأول"),
    11: ("نوفمبر", "نونبر", "تشرين الثاني"),
    12: ("ديسمبر", "دجنبر", "كانون الأول"),
}
# Month names that are also common words (آب ~ أب "father", مارس "practised", ماي): only with a
# day, a year, or the word شهر.
AMBIGUOUS_MONTHS = ("آب", "مارس", "ماي")
# How a month is written for a reader.
MONTH_NAMES_OUT = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
HIJRI_MONTHS = ("محرم", "صفر", "ربيع", "جمادى", "جمادي", "رجب", "شعبان", "رمضان", "شوال", "ذو", "ذي")

WEEKDAYS = {
    "الاثنين": 0,
    "الإثنين": 0,
    "الثلاثاء": 1,
    "الثلثاء": 1,
    "الأربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
}

# Relative words after a month, a weekday or a period noun; each also takes the feminine suffix.
RELATIVE_WORDS = (
    ("الماضي", "past"),
    ("المنصرم", "past"),
    ("المنقضي", "past"),
    ("الفارط", "past"),
    ("الفائت", "past"),
    ("السابق", "past"),
    ("الجاري", "current"),
    ("الحالي", "current"),
    ("المقبل", "next"),
    ("القادم", "next"),
)
FEMININE_SUFFIX = "ة"

QUALIFIERS = {
    "مطلع": "early",
    "بداية": "early",
    "أوائل": "early",
    "مستهل": "early",
    "منتصف": "mid",
    "أواسط": "mid",
    "أواخر": "late",
    "نهاية": "late",
    "ختام": "late",
    "موفى": "late",
}
# How an approximate month/year is qualified for a reader (None: "about").
QUALIFIERS_OUT = {"early": "مطلع", "mid": "منتصف", "late": "أواخر", None: "حوالي"}

# Spelled-out day ordinals 1..31 as written after "في": الأول، العاشر، الحادي والعشرين...
ORDINAL_WORDS = {"الأول": 1, "الفاتح": 1, "العاشر": 10, "العشرين": 20, "الثلاثين": 30, "الحادي عشر": 11}
ORDINAL_UNITS = {
    2: "الثاني",
    3: "الثالث",
    4: "الرابع",
    5: "الخامس",
    6: "السادس",
    7: "السابع",
    8: "الثامن",
    9: "التاسع",
}
ORDINAL_TEEN = "{unit} عشر"  # 10 + unit
ORDINAL_TWENTIES = "{unit} والعشرين"  # 20 + unit
ORDINAL_ONE_FORMS = ("الحادي", "الواحد")  # the "one" of 21 and 31
ORDINAL_TWENTY_ONE = "{one} والعشرين"
ORDINAL_THIRTY_ONE = "{one} والثلاثين"

NUMBERS = {
    "واحد": 1,
    "واحدة": 1,
    "اثنين": 2,
    "اثنان": 2,
    "اثنتين": 2,
    "اثنتان": 2,
    "ثلاث": 3,
    "ثلاثة": 3,
    "أربع": 4,
    "أربعة": 4,
    "خمس": 5,
    "خمسة": 5,
    "ست": 6,
    "ستة": 6,
    "سبع": 7,
    "سبعة": 7,
    "ثمان": 8,
    "ثماني": 8,
    "ثمانية": 8,
    "تسع": 9,
    "تسعة": 9,
    "عشر": 10,
    "عشرة": 10,
}
VAGUE_NUMBERS = {"بضع": 3, "بضعة": 3, "عدة": 3}

# unit noun -> count implied by the form: 1 singular, 2 dual, 0 plural
UNIT_FORMS: dict[str, tuple[tuple[str, int], ...]] = {
    "day": (("يوم", 1), ("يوما", 1), ("أيام", 0), ("يومين", 2), ("يومان", 2)),
    "week": (("أسبوع", 1), ("أسبوعا", 1), ("أسابيع", 0), ("أسبوعين", 2), ("أسبوعان", 2)),
    "month": (("شهر", 1), ("شهرا", 1), ("أشهر", 0), ("شهور", 0), ("شهرين", 2), ("شهران", 2)),
    "year": (
        ("عام", 1),
        ("عاما", 1),
        ("أعوام", 0),
        ("عامين", 2),
        ("عامان", 2),
        ("سنة", 1),
        ("سنوات", 0),
        ("سنين", 0),
        ("سنتين", 2),
        ("سنتان", 2),
    ),
}
# Definite period nouns: "الأسبوع الماضي", "الشهر المقبل".
PERIOD_NOUNS = {"الأسبوع": "week", "الشهر": "month", "العام": "year", "السنة": "year"}
# Plural period nouns in "خلال الأشهر الثلاثة الماضية".
PLURAL_PERIOD_NOUNS = {
    "الأيام": "day",
    "الأسابيع": "week",
    "الأشهر": "month",
    "الشهور": "month",
    "السنوات": "year",
    "الأعوام": "year",
}
YEAR_NOUNS = ("عام", "العام", "سنة", "السنة", "عامي", "سنتي")

APPROXIMATORS = (
    "نحو",
    "حوالي",
    "حوالى",
    "قرابة",
    "زهاء",
    "أكثر من",
    "ما يزيد عن",
    "ما يزيد على",
    "ما يقارب",
    "أقل من",
)

# Days named relative to publication, and their offset in days.
DAY_OFFSETS = {
    "اليوم": 0,
    "أمس": -1,
    "الأمس": -1,
    "البارحة": -1,
    "غدا": 1,
    "يوم الغد": 1,
    "يوم غد": 1,
    "بعد غد": 2,
    "أول أمس": -2,
    "أول من أمس": -2,
    "أمس الأول": -2,
    "الليلة الماضية": -1,
}
# The relative days that may lead a weekday or a date: "اليوم الثلاثاء"، "أمس الاثنين".
LEADING_DAYS = ("اليوم", "أمس", "غدا", "البارحة", "يوم غد", "بعد غد", "أول أمس", "أول من أمس", "أمس الأول")
# Words after "اليوم" that make it "the day" (the next day, the national day), not "today".
DAY_NOT_TODAY = (
    "الأول",
    "الثالث",
    "الرابع",
    "الخامس",
    "الأخير",
    "الذي",
    "السابق",
    "اللاحق",
    "نفسه",
    "ذاته",
    "عينه",
    "المفتوح",
)
# Words before "اليوم" that make it "that day", "the same day" or "per day" ("مرات في اليوم").
DAY_DEMONSTRATIVES = ("ذلك", "تلك", "نفس", "ذات", "ذاك", "في", "وفي")
# "الأمين العام السابق" is a former Secretary-General, not last year.
TITLE_STEMS = (
    "أمين",
    "مدير",
    "قائد",
    "نائب",
    "مدعي",
    "مراقب",
    "منسق",
    "مفوض",
    "رأي",
    "مقرر",
    "مفتش",
    "ممثل",
    "كاتب",
)

# Prepositions that make a bare month or year a date: "في أكتوبر"، "منذ 2011".
MONTH_CUES = ("في", "خلال", "منذ", "حتى", "قبل", "بعد", "بين", "إلى", "من", "مع", "لغاية", "غاية")
YEAR_CUES = ("في", "خلال", "منذ", "حتى", "قبل", "بعد", "لغاية", "غاية")
