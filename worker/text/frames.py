"""Detention frames (data/frames.json) and the one small matcher that runs them over tagged tokens.

A frame is a flat sequence of slots around one FIGURE slot; the part before the figure is matched right to left
from it, the part after left to right. Repeats are bounded by design, so a match costs a few token comparisons.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from worker.text.lexicon import Token, lexicon

_SLOT = re.compile(r"^(?P<body>[^?{}]+)(?:(?P<optional>\?)|\{(?P<low>\d),(?P<high>\d{1,2})\})?$")
#: Token kinds made by the tagger rather than listed in the lexicon.
BUILT_IN = frozenset({"FIGURE", "TALLY_FIGURE", "CAPWORD", "PLACE", "COMMA", "LPAREN", "RPAREN", "DASH", "COLON", "SEMI", "STOP", "PLUS", "QUOTE", "ANY", "COUNT", "END"})
#: ANY never crosses these: a gap stays inside one clause and never swallows another figure.
_GAP_STOPS = frozenset({"FIGURE", "STOP", "SEMI", "CLAUSE_BREAK"})
Requirement = str  # "earlier_detention" | "detention_context"


class FrameError(ValueError):
    """A frame in data/frames.json that the matcher cannot run."""


@dataclass(frozen=True)
class Slot:
    options: tuple[str, ...]
    low: int
    high: int

    def accepts(self, token: Token) -> bool:
        return any(_accepts(option, token) for option in self.options)


def _accepts(option: str, token: Token) -> bool:
    if option == "ANY":
        return not (token.categories & _GAP_STOPS)
    if option == "COUNT":
        return token.figure is not None
    if option.isupper():
        return token.has(option)
    return token.text == option and not token.figure and not token.place


@dataclass(frozen=True)
class Frame:
    id: str
    before: tuple[Slot, ...]  # nearest the figure first
    after: tuple[Slot, ...]
    requires: Requirement | None
    followed_by: tuple[str, ...] | None
    examples: tuple[dict, ...]
    counterexamples: tuple[str, ...]
    #: Categories every match needs (slots that must match once): a sentence without one of them skips the frame.
    needs: frozenset[str] = frozenset()
    figure_category: str = "FIGURE"
    #: The figure is a part of the sentence's figure before it, in its place ("Moscow accounted for 1,440 on 23
    #: January and 1,808 on 31 January").
    inherits_place: bool = False


@dataclass(frozen=True)
class FrameMatch:
    frame: Frame
    #: The tokens the frame matched, in sentence order (the figure included).
    tokens: tuple[Token, ...]

    @property
    def places(self) -> list[Token]:
        """The places the frame spans; none when it also spans a nationwide marker ('the number detained across
        Russia in connection with the Baymak protests had exceeded 80'): the marker then places the figure."""
        if any(t.has("NATIONWIDE") for t in self.tokens):
            return []
        return [t for t in self.tokens if t.has("PLACE")]


def parse_slot(text: str, known: frozenset[str]) -> Slot:
    match = _SLOT.match(text)
    if match is None:
        raise FrameError(f"slot {text!r}: write NAME, NAME?, NAME{{m,n}} or a|b")
    options = tuple(match.group("body").split("|"))
    for option in options:
        if option.isupper() and option not in known:
            raise FrameError(f"slot {text!r}: unknown category {option}")
    if match.group("optional"):
        return Slot(options, 0, 1)
    if match.group("low") is not None:
        low, high = int(match.group("low")), int(match.group("high"))
        if high < low or high > 16:
            raise FrameError(f"slot {text!r}: a repeat is bounded, at most 16")
        return Slot(options, low, high)
    return Slot(options, 1, 1)


def parse_frame(entry: dict, known: frozenset[str]) -> Frame:
    pattern = entry["pattern"]
    figure_slots = [position for position, slot in enumerate(pattern) if slot in ("FIGURE", "TALLY_FIGURE")]
    if len(figure_slots) != 1:
        raise FrameError(f"frame {entry['id']}: exactly one FIGURE (or TALLY_FIGURE) slot")
    at = figure_slots[0]
    before = tuple(parse_slot(s, known) for s in reversed(pattern[:at]))
    after = tuple(parse_slot(s, known) for s in pattern[at + 1:])
    followed_by = tuple(entry["followed_by"]) if "followed_by" in entry else None
    requires = entry.get("requires")
    if requires not in (None, "earlier_detention", "detention_context"):
        raise FrameError(f"frame {entry['id']}: unknown requirement {requires}")
    needs = frozenset(s.options[0] for s in before + after if s.low >= 1 and len(s.options) == 1 and s.options[0].isupper()
                      and s.options[0] != "ANY")
    return Frame(entry["id"], before, after, requires, followed_by, tuple(entry.get("examples", ())),
                 tuple(entry.get("counterexamples", ())), needs, pattern[at], bool(entry.get("inherits_place")))


@cache
def frames() -> tuple[Frame, ...]:
    data = json.loads(resources.files("worker.text").joinpath("data/frames.json").read_text(encoding="utf-8"))
    known = lexicon().categories | BUILT_IN
    return tuple(parse_frame(entry, known) for entry in data["frames"])


def _match_slots(tokens: list[Token], position: int, slots: tuple[Slot, ...], step: int) -> int | None:
    """The position after the last matched token, or None; bounded repeats are tried longest first."""
    if not slots:
        return position
    slot, rest = slots[0], slots[1:]
    run = 0
    while run < slot.high and 0 <= position + step * run < len(tokens) and slot.accepts(tokens[position + step * run]):
        run += 1
    for taken in range(run, slot.low - 1, -1):
        end = _match_slots(tokens, position + step * taken, rest, step)
        if end is not None:
            return end
    return None


def _followed_by_ok(frame: Frame, tokens: list[Token], end: int) -> bool:
    if frame.followed_by is None:
        return True
    if end >= len(tokens):
        return "END" in frame.followed_by
    return any(_accepts(option, tokens[end]) for option in frame.followed_by if option != "END")


def match_frame(frame: Frame, tokens: list[Token], figure_at: int) -> FrameMatch | None:
    """Does the frame hold around the figure token at `figure_at`?"""
    if frame.figure_category not in tokens[figure_at].categories:
        return None
    first = _match_slots(tokens, figure_at - 1, frame.before, -1)
    if first is None:
        return None
    end = _match_slots(tokens, figure_at + 1, frame.after, 1)
    if end is None or not _followed_by_ok(frame, tokens, end):
        return None
    return FrameMatch(frame, tuple(tokens[first + 1: end]))
