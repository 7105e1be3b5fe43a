"""The period a detention figure covers: one protest day, a running total, or not said."""

from __future__ import annotations

import re

from schemas import Scope

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
# Each pattern opens with a look-ahead for the letters its words start with: the engine then passes over other
# positions at once (these run on every sentence about detentions).
_DAY_OF_MONTH = rf"(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"
_DAY_MARKERS = re.compile(
    rf"(?=[tylobedmwfs])\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|yesterday|last\s+night|(?:on|by|late\s+on|early\s+on|during)\s+{_WEEKDAY}"
    rf"|{_WEEKDAY}'s\s+(?:protests?|rall(?:y|ies)|demonstrations?)|(?:on|by)\s+{_DAY_OF_MONTH}|on\s+the\s+day)\b",
    re.IGNORECASE,
)
# "24 February", "Feb. 24", "September 21": a date named anywhere on the page.
_DATE = re.compile(rf"(?=[JFMASOND\d])\b{_DAY_OF_MONTH}\b")
_CUMULATIVE_STRONG = re.compile(
    r"(?=[strachiof])\b(?:since|to\s+date|total\s+number|running\s+total|altogether|cumulative|in\s+the\s+(?:past|last)\s+\w+\s+(?:days|weeks|months)|"
    r"over\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:days|weeks|months)|over\s+the\s+weekend|throughout\s+the\s+(?:week|weekend)|"
    r"(?:this|that|the)\s+week|(?:so\s+)?far\s+this\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
_CUMULATIVE_WEAK = re.compile(r"(?=[iost])\b(?:in\s+total|in\s+all|overall|so\s+far|total)\b", re.IGNORECASE)
_LIVE_DAY = re.compile(r"\b(?:today|tonight|this\s+evening)\b", re.IGNORECASE)


def scope_of(sentence: str) -> Scope | None:
    """'since Thursday' is cumulative; 'on Sunday' or 'today' is a day even after 'In total'."""
    if _CUMULATIVE_STRONG.search(sentence):
        return "cumulative"
    if _DAY_MARKERS.search(sentence):
        return "day"
    if _CUMULATIVE_WEAK.search(sentence):
        return "cumulative"
    return None


# ", ", "; " and a spaced dash end a clause; "1,474" keeps its comma.
_CLAUSE_SEPARATOR = re.compile(r"[,;]\s|\s[–—-]\s")


def scope_of_figure(sentence: str, start: int, end: int) -> Scope | None:
    """The figure's own clause first: in '300 on Sunday, bringing the week's total to 2,100' the 300 is the day's and
    the 2,100 cumulative; the sentence when its clause says nothing ('In total, 2,000 people have been detained')."""
    clause_start = max((m.end() for m in _CLAUSE_SEPARATOR.finditer(sentence, 0, start)), default=0)
    following = _CLAUSE_SEPARATOR.search(sentence, end)
    clause = sentence[clause_start: following.start() if following else len(sentence)]
    return scope_of(clause) or scope_of(sentence)


def is_live_day(text: str) -> bool:
    """Live coverage of one day ('today' twice or more): its undated figures are that day's."""
    return len(_LIVE_DAY.findall(text)) >= 2


def reports_a_day(sentences: list[str]) -> bool:
    """A page whose sentences about detentions name a day ('on Sunday', '24 February', 'today' twice): its undated
    figures are that day's, as a news report's figures are unless it says they add up several days."""
    return any(_DAY_MARKERS.search(sentence) or _DATE.search(sentence) for sentence in sentences) or is_live_day("\n".join(sentences))
