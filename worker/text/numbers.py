"""Figures as news copy writes them: "1,474", "70 000", "1.3 thousand", "three", "a dozen", "hundreds".

Own patterns and a small word table: the number-word libraries on PyPI turn "hundreds" into 100 and
"25 million" into 1,000,000 and drop qualifiers (shared reading notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import Qualifier

#: Lower bounds for vague amounts: the Crowd Counting Consortium's coding convention
#: (ACLED is more conservative). One table, used for every vague figure.
VAGUE_LOWER_BOUNDS: dict[str, int] = {
    "dozens": 24,
    "a few dozen": 24,
    "several dozen": 24,
    "scores": 40,
    "hundreds": 200,
    "a few hundred": 200,
    "several hundred": 300,
    "thousands": 2000,
    "a few thousand": 2000,
    "several thousand": 3000,
    "tens of thousands": 20000,
    "hundreds of thousands": 200000,
}

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "a dozen": 12, "dozen": 12,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "k": 1000, "m": 1_000_000}

#: Words before a figure that say how it bounds the truth.
QUALIFIER_WORDS: dict[str, Qualifier] = {
    "more than": "more_than", "over": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "past": "more_than", "exceeded": "more_than", "exceeding": "more_than", "surpassed": "more_than",
    "topped": "more_than", "passed": "more_than", "crossed": "more_than", "above": "more_than", "well over": "more_than", "well above": "more_than",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least", "not less than": "at_least",
    "a minimum of": "at_least",
    "about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
    "nearly": "about", "almost": "about", "close to": "about", "an estimated": "about", "estimated": "about",
    "approx.": "about", "circa": "about", "just under": "about", "just over": "more_than",
    "up to": "up_to", "as many as": "up_to",
}

_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|a\s+dozen|a\s+hundred|a\s+thousand|one\s+hundred|one\s+thousand)"
    r"(?:\s+(?:hundred|thousand|million))?"
)
_DIGITS = r"\d{1,3}(?:[, ]\d{3}){1,4}(?!\d)|\d{1,12}(?:\.\d{1,6})?"  # a class: VERBOSE would drop a bare space
_VAGUE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in VAGUE_LOWER_BOUNDS), key=len, reverse=True))
_QUALIFIER = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in QUALIFIER_WORDS), key=len, reverse=True))

FIGURE = re.compile(
    rf"""(?<![\w$€£.,-])
    (?:(?P<qualifier>{_QUALIFIER})\s+)?
    (?:
        (?P<low>{_DIGITS})\s*(?:-|–|to|and)\s*(?P<high>{_DIGITS})(?=\s+(?:people|protesters|detainees|arrests|detentions|demonstrators|persons))
      | between\s+(?P<between_low>{_DIGITS})\s+and\s+(?P<between_high>{_DIGITS})
      | (?P<vague>{_VAGUE})
      | (?P<digits>{_DIGITS})(?:\s*(?P<scale>thousand|million|billion|k\b|m\b))?
      | (?P<words>{_WORD_NUMBER})
    )
    (?![\w%])""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Figure:
    """A number as written, with its bounds and qualifier."""

    count: int
    upper: int | None
    qualifier: Qualifier
    text: str
    start: int
    end: int
    #: Where the number itself starts, after any qualifier words.
    number_start: int


def parse_digits(token: str, scale: str | None = None) -> int:
    """'1,474' -> 1474, '70 000' -> 70000, '1.3' + 'thousand' -> 1300."""
    value = float(re.sub(r"[, ]", "", token))
    if scale:
        value *= _SCALES[scale.lower()]
    return int(round(value))


def parse_words(phrase: str) -> int:
    """'three' -> 3, 'a dozen' -> 12, 'twenty-five' -> 25, 'two hundred' -> 200, 'a thousand' -> 1000."""
    words = re.sub(r"\s+", " ", phrase.lower().replace("-", " ")).split(" ")
    if words[0] == "a":
        words[0] = "one"
    total = current = 0
    index = 0
    while index < len(words):
        word = words[index]
        if word == "dozen":
            current = (current or 1) * 12
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        index += 1
    return total + current


def find_figures(sentence: str) -> list[Figure]:
    """Every figure in a sentence, left to right, with its qualifier when one precedes it."""
    figures: list[Figure] = []
    for match in FIGURE.finditer(sentence):
        qualifier_text = match.group("qualifier")
        qualifier: Qualifier = QUALIFIER_WORDS[re.sub(r"\s+", " ", qualifier_text.lower())] if qualifier_text else "exact"
        upper: int | None = None
        if match.group("low") or match.group("between_low"):
            count = parse_digits(match.group("low") or match.group("between_low"))
            upper = parse_digits(match.group("high") or match.group("between_high"))
            if upper < count:
                count, upper = upper, count
            if qualifier == "exact":
                qualifier = "about"
        elif match.group("vague"):
            vague = re.sub(r"\s+", " ", match.group("vague").lower())
            count = VAGUE_LOWER_BOUNDS[vague]
            if qualifier == "exact":
                qualifier = "vague"
        elif match.group("digits"):
            count = parse_digits(match.group("digits"), match.group("scale"))
        else:
            words = match.group("words")
            count = parse_words(words)
            if qualifier == "exact" and words.lower().replace(" ", "").startswith("adozen"):
                qualifier = "about"
        if qualifier == "up_to":
            upper = count
        number_start = match.start("qualifier") + len(qualifier_text) if qualifier_text else match.start()
        while number_start < match.end() and sentence[number_start].isspace():
            number_start += 1
        figures.append(Figure(count, upper, qualifier, match.group(0), match.start(), match.end(), number_start))
    return figures
