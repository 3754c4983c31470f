"""Words that are never names (data): English and Arabic function words, days, months, titles."""

from __future__ import annotations

# Arabic function words, as written (the matcher normalises them like its vocabulary).
ARABIC_NON_NAMES: tuple[str, ...] = tuple(
    (
        "في من على إلى عن مع أن إن كان كانت التي الذي الذين هذا هذه ذلك تلك هناك هنا ثم أو أم "
        "لا لم لن ما ماذا متى أين كيف كل بعض غير بين حتى بعد قبل عند منذ خلال حول ضد دون لدى "
        "قد وقد لقد كما وكان وفي ومن وعلى وإلى أنه أنها إنه إنها هو هي هم هن نحن أنا أنت الى "
        "علي عليه عليها فيه فيها منه منها له لها لهم به بها يكون تكون وهو وهي ولا أي إذا إذ "
        "اليوم أمس الآن أيضا أيضاً وذلك التى فى الي عام العام"
    ).split()
)

# English words that are never names, even capitalised at the start of a sentence.
ENGLISH_NON_NAMES: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom whose why will with would you your yours yourself yourselves
    according after ago already although among another anyone anything around asked away back
    became become called came come did does done during either else ever every first found gave get
    give go going gone got great however into last later least less like made make many may meet
    meeting met might much must near need never new next none once one part per put rather said
    say says see seen several shall since still take taken tell than thing think three told took
    toward two upon us use used via want way well went whether within without yet year years
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    mr mrs ms dr president minister prime king general""".split()
)
