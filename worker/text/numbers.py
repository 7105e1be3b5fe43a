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
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "a dozen": 12, "dozen": 12,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "k": 1000, "m": 1_000_000}

#: A running count's verb as the qualifier of its figure, past and present ("passed 1,000", headlines' "passes 7,000").
RUNNING_COUNT_VERBS = ("past", "exceeded", "exceeding", "exceeds", "surpassed", "surpasses", "topped", "tops", "passed",
                       "passes", "crossed", "crosses")

#: Words before a figure that say how it bounds the truth.
QUALIFIER_WORDS: dict[str, Qualifier] = {
    "more than": "more_than", "more then": "more_than", "over": "more_than", "upwards of": "more_than",
    "in excess of": "more_than", "above": "more_than", "well over": "more_than", "well above": "more_than",
    **dict.fromkeys(RUNNING_COUNT_VERBS, "more_than"),
    "at least": "at_least", "atleast": "at_least", "no fewer than": "at_least", "no less than": "at_least", "not less than": "at_least",
    "a minimum of": "at_least",
    "about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
    "an estimated": "about", "estimated": "about", "approx.": "about", "circa": "about", "just over": "more_than",
    "nearly": "up_to", "almost": "up_to", "close to": "up_to", "just under": "up_to", "up to": "up_to",
    "as many as": "up_to",
}

_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|zero|a\s+dozen|half\s+a\s+dozen|a\s+hundred|a\s+thousand|one\s+hundred|one\s+thousand)"
    r"(?:\s+and\s+a\s+half)?(?:\s+(?:dozen|hundred|thousand|million))?"
)
_DIGITS = r"\d{1,3}(?:[, ]\d{3}){1,4}(?!\d)|\d{1,12}(?:\.\d{1,6})?"  # a class: VERBOSE would drop a bare space
_VAGUE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in VAGUE_LOWER_BOUNDS), key=len, reverse=True))
_QUALIFIER = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in QUALIFIER_WORDS), key=len, reverse=True))

FIGURE = re.compile(
    rf"""(?<![\w$€£.,:-])
    (?:(?P<qualifier>{_QUALIFIER})\s+)?
    (?:
        (?P<low>{_DIGITS})\s*(?:-|–|to)\s*(?P<high>{_DIGITS})
      | between\s+(?P<between_low>{_DIGITS})\s+and\s+(?P<between_high>{_DIGITS})
      | (?P<vague>{_VAGUE})
      | (?P<digits>{_DIGITS})(?:\s*(?P<scale>thousand|million|billion|k\b|m\b))?(?P<plus>\+)?
      | (?P<nobody>nobody|no\s+one|no-one)
      | (?P<words>{_WORD_NUMBER})
    )
    (?![\w%])""",
    re.IGNORECASE | re.VERBOSE,
)

#: The first word of every way FIGURE can begin. FIGURE is tried only at digits and at these words: scanning every
#: position of a sentence with it costs twice as much as the whole rest of number finding.
_FIGURE_FIRST_WORDS = frozenset(
    re.split(r"[^a-z]", phrase)[0]
    for phrase in (*QUALIFIER_WORDS, *VAGUE_LOWER_BOUNDS, *_UNITS, *_TENS, "half a dozen", "between", "nobody", "no one")
)
_WORD_OR_DIGITS = re.compile(r"\d+|[a-z]+")
#: Every figure holds a digit or one of these words ("no one" its "one", "tens of thousands" its "thousands"):
#: a sentence with neither, as most sentences about detentions are, is passed over without trying FIGURE.
_NUMBER_WORDS = frozenset({*(w for phrase in _UNITS for w in phrase.split()), *_TENS, "hundred", "thousand",
                           *(phrase.split()[-1] for phrase in VAGUE_LOWER_BOUNDS), "nobody"}) - {"a"}
_DIGIT = re.compile(r"\d")


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
    """'three' -> 3, 'a dozen' -> 12, 'two dozen' -> 24, 'twenty-five' -> 25, 'two hundred' -> 200,
    'a thousand' -> 1000, 'four and a half thousand' -> 4500, 'half a dozen' -> 6."""
    words = re.sub(r"\s+", " ", phrase.lower().replace("-", " ")).split(" ")
    if words[0] == "a":
        words[0] = "one"
    total = 0
    current = 0.0
    index = 0
    while index < len(words):
        word = words[index]
        if word == "half":
            current = current + 0.5 if current else 0.5  # "four and a half thousand", "half a dozen"
        elif word == "dozen":
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
    return int(round(total + current))


#: Month names and their abbreviations, whole words: 'Nov 14' is a date, 'Novosibirsk 14' a count.
MONTH_WORDS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                          "nov", "dec"})
# "21:27", "10 a.m.", "9.48 p.m.", "7pm": a clock time right after the number.
_CLOCK_AFTER = re.compile(r"(?::\d\d|\s*[ap]\.?m\b\.?)", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_WORD_AFTER = re.compile(r"^\s+([A-Za-z]+)")
_YEARS = range(1900, 2100)


def is_date_or_time(sentence: str, start: int, end: int) -> bool:
    """'24 February', 'Feb. 24', 'on 24-25 February', '21:27', '10 a.m.': a date or a clock time, never a count."""
    if _CLOCK_AFTER.match(sentence, end):
        return True
    before = _WORD_BEFORE.search(sentence[max(0, start - 12): start])
    after = _WORD_AFTER.match(sentence[end: end + 12])
    return any(m is not None and m.group(1)[:1].isupper() and m.group(1).lower() in MONTH_WORDS for m in (before, after))


def is_year_range(low: str, high: str) -> bool:
    """'2021-2022'; not '0.34-0.38', which is as long."""
    return all(len(side) == 4 and side.isdigit() and int(side) in _YEARS for side in (low, high))


def is_part_of_a_code(sentence: str, end: int) -> bool:
    """'8 800 707-05-28', '+7 495 123-45-67', '2021-02-23': digits that go on in a further dashed group are a phone
    number, a date or a code, never a count."""
    return sentence[end: end + 1] == "-" and sentence[end + 1: end + 2].isdigit()


def figure_matches(sentence: str) -> list[re.Match]:
    """What FIGURE.finditer(sentence) finds, trying FIGURE only where a figure can begin (its look-behind refuses a
    start inside a word, so word starts are the only candidates)."""
    lowered = sentence.lower()
    if len(lowered) != len(sentence):
        return list(FIGURE.finditer(sentence))  # lower-casing moved the offsets (rare letters such as 'İ')
    if not _DIGIT.search(sentence) and _NUMBER_WORDS.isdisjoint(_WORD_OR_DIGITS.findall(lowered)):
        return []
    matches: list[re.Match] = []
    taken_until = 0
    for word in _WORD_OR_DIGITS.finditer(lowered):
        text = word.group()
        if not (text in _FIGURE_FIRST_WORDS or not text[0].isalpha()) or word.start() < taken_until:
            continue
        match = FIGURE.match(sentence, word.start())
        if match is not None:
            matches.append(match)
            taken_until = match.end()
    return matches


def find_figures(sentence: str) -> list[Figure]:
    """Every figure in a sentence, left to right, with its qualifier when one precedes it."""
    figures: list[Figure] = []
    for match in figure_matches(sentence):
        if match.group("low") and is_year_range(match.group("low"), match.group("high")):
            continue
        if is_part_of_a_code(sentence, match.end()):
            continue
        # The word before the number itself, after any qualifier: 'since 21 September more than 2,400' is a count.
        number = "digits" if match.group("digits") else "low" if match.group("low") else None
        if number and is_date_or_time(sentence, match.start(number), match.end()):
            continue
        words = match.group("words")
        if words and words.lower() in ("one", "a") and not match.group("qualifier"):
            continue  # "in one video", "one of them": not a count
        qualifier_text = match.group("qualifier")
        qualifier: Qualifier = QUALIFIER_WORDS[re.sub(r"\s+", " ", qualifier_text.lower())] if qualifier_text else "exact"
        upper: int | None = None
        if match.group("low") or match.group("between_low"):
            count = parse_digits(match.group("low") or match.group("between_low"))
            upper = parse_digits(match.group("high") or match.group("between_high"))
            if upper < count:
                count, upper = upper, count
            if qualifier == "exact":
                qualifier = "at_least"  # a range counts its lower end
        elif match.group("vague"):
            vague = re.sub(r"\s+", " ", match.group("vague").lower())
            count = VAGUE_LOWER_BOUNDS[vague]
            qualifier = "vague"  # 'about several dozen' says no more than 'several dozen'
        elif match.group("digits"):
            count = parse_digits(match.group("digits"), match.group("scale"))
            if match.group("plus") and qualifier == "exact":
                qualifier = "more_than"  # "100+"
        elif match.group("nobody"):
            count = 0
        else:
            count = parse_words(words)
        if qualifier == "up_to":
            upper = count
        start = match.start()
        if qualifier == "exact" and match.group("digits") and sentence[start - 1: start] == "~":
            start, qualifier = start - 1, "about"  # posts' "Moscow ~1,200"
        number_start = match.start("qualifier") + len(qualifier_text) if qualifier_text else match.start()
        while number_start < match.end() and sentence[number_start].isspace():
            number_start += 1
        figures.append(Figure(count, upper, qualifier, sentence[start: match.end()], start, match.end(), number_start))
    return figures
