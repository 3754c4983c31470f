"""Stop words of the lexical index, as data: English, and Arabic as written (normalised on use)."""

from __future__ import annotations

ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves also""".split()
)

ARABIC_STOPWORDS_WRITTEN = """في من على إلى الى عن أن إن ان التي الذي الذين اللذان اللذين اللتان
اللتين اللاتي اللواتي هذا هذه هذان هاتان هؤلاء ذلك تلك أولئك هو هي هم هن هما نحن أنا انت أنت
مع كان كانت يكون تكون قد لقد ما لا لم لن أو او ثم كما حيث بين عند عندما منذ كل بعد قبل حتى إذا
اذا إذ اذ أي اي أيضا ايضا إلا الا غير بعض فيه فيها فيهم منه منها منهم عليه عليها عليهم إليه إليها
له لها لهم به بها بهم انه أنه إنه انها أنها إنها كانوا ليس ليست هناك هنا لكن بل وقد التى""".split()
