"""Segment a cleaned page into typed blocks: the structure (cards, lists, headings, key-value lines) carries the
place, the source and the meaning of the figures inside it.

Each line shape is one named rule below; a block remembers the heading above it and the line that introduces
the list it belongs to, so that a reader can attach "Number of detentions: 18" to the city above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from worker.text.clean import split_sentences
from worker.text.numbers import MONTH_WORDS

BlockKind = Literal["title", "heading", "intro", "key_value", "list_item", "paragraph"]

# "9:30 a.m.:", "14:05", "12:10 -": a live blog's time stamp at the start of a line.
_TIMESTAMP = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\s*(?::|-|–)?\s+", re.IGNORECASE)
# "•", "-", "*", "1.", "2)" at the start of a line; an emoji or a symbol leads items in posts ("🏙 Moscow — 2,380").
_BULLET = re.compile(r"^(?:[•·▪►*-]|\d{1,2}[.)]|[\u2300-\u23ff\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)\s+")
# "Number of detentions: 18", "Moscow — at least 80", "| Detained | 25 September: 100+ |", "Arrests ...... 90".
# No leading \s*: it made every position a match attempt. Dotted leaders have a space before them
# ("Arrests ...... 15,400+"); an ellipsis in prose has none. A colon between digits (a clock time) is passed over in
# key_separator: look-arounds here cost twice the search.
_KEY_SEPARATOR = re.compile(r"[:|]|\s(?:[-–]|\.{2,})\s")
_CITATION = re.compile(r"\[(?:\d{1,3}|[a-z])\]")
_LIST_SPLIT = re.compile(r"\s+·\s+")
MAX_KEY_WORDS = 6
MAX_VALUE_WORDS = 12
MAX_HEADING_WORDS = 6
MAX_KEY_VALUE_CHARS = 200


@dataclass(slots=True)
class Block:
    """One line of the page, typed (a plain slotted class: a page makes dozens, and a frozen one costs twice as much)."""

    kind: BlockKind
    text: str
    index: int
    key: str | None = None
    value: str | None = None
    #: The nearest heading line above, within the same section.
    heading: str | None = None
    #: The line that introduces the list or card run this block belongs to ("Detentions by city:").
    intro: str | None = None
    #: The line (paragraph) before the intro, where the source of a list is often named.
    intro_context: str | None = None
    #: A table row's column headings ("| City | Detained |"), when the table has a heading row.
    columns: tuple[str, ...] | None = None
    #: The paragraph right before a run of cards that no intro line introduces ("Police detained 4,712 people today."
    #: above "Moscow — 2,380").
    lead: str | None = None
    #: A key-value line is one unit; other blocks are split into sentences once, for every reader.
    sentences: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.sentences = [self.text] if self.kind == "key_value" else split_sentences(self.text)


# " date 2022-09-24 Skip to main content": a scraper's date stamp glued to the first line.
_DATE_STAMP = re.compile(r"^date\s+\d{4}-\d{2}-\d{2}\s*")
_NAVIGATION = ("skip to main content", "support independent journalism", "jump to navigation", "jump to search")


def strip_date_stamp(line: str) -> str:
    """The page's text after a scraped date stamp; navigation text after it is no headline."""
    rest = _DATE_STAMP.sub("", line, count=1)
    return "" if rest.lower().rstrip("!. ").startswith(_NAVIGATION) else rest


def strip_citations(line: str) -> str:
    """Encyclopedia copies: '12,000[62][64]' is 12,000."""
    return _CITATION.sub("", line) if "[" in line else line


def strip_timestamp(line: str) -> str:
    return _TIMESTAMP.sub("", line, count=1) if line[:1].isdigit() else line


def strip_bullet(line: str) -> tuple[str, bool]:
    if line[:1].isalpha():
        return line, False
    stripped = _BULLET.sub("", line, count=1)
    return stripped, stripped != line


def split_key_value(line: str) -> tuple[str, str] | None:
    """'Number of detentions: 18' -> ('Number of detentions', '18'); a short key and a short value, so that prose
    with a colon stays prose."""
    if len(line) > MAX_KEY_VALUE_CHARS:
        return None
    if line.startswith("|"):
        cells = [cell for cell in table_cells(line) if cell]
        return (cells[0], " · ".join(cells[1:])) if len(cells) >= 2 else None
    separator = key_separator(line)
    if separator is None or separator.start() == 0:
        return None
    key, value = line[: separator.start()].strip(), line[separator.end():].strip()
    if not key or not value or len(key.split()) > MAX_KEY_WORDS or len(value.split()) > MAX_VALUE_WORDS:
        return None
    if key.endswith((".", "!", "?")):
        return None
    return key, value


def key_separator(line: str) -> re.Match | None:
    """The first separator of a key from its value; not the colon of a clock time ('25 September 2022, 21:40')."""
    for separator in _KEY_SEPARATOR.finditer(line):
        at = separator.start()
        if not (line[at] == ":" and line[at - 1: at].isdigit() and line[at + 1: at + 2].isdigit()):
            return separator
    return None


def table_cells(line: str) -> list[str]:
    """'| Moscow | 2,523 |' -> ['Moscow', '2,523'] (empty cells kept: a row's cells line up with its headings)."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


_TABLE_RULE_CELL = re.compile(r":?-{3,}:?")


def is_table_rule(line: str | None) -> bool:
    """'|---|:---:|': the line under a table's heading row."""
    return bool(line) and line.startswith("|") and all(_TABLE_RULE_CELL.fullmatch(cell) for cell in table_cells(line))


def is_table_heading(line: str, next_line: str | None) -> bool:
    """A table's heading row: a row of cells above the rule ('| City | Detained |' / '|---|---|'), or a row of words
    above a row of as many cells with a figure ('Date | Cities | Detained' / '21 Sep (Wed) | 38 | 1,386')."""
    if "|" not in line or not next_line:
        return False
    if line.startswith("|") and is_table_rule(next_line):
        return True
    cells, next_cells = table_cells(line), table_cells(next_line)
    # Headings are short: an infobox's "| Caused by | Arrest of Alexei Navalny; release of ... |" is a row.
    return ("|" in next_line and len(cells) >= 2 and len(cells) == len(next_cells)
            and all(len(cell.split()) <= MAX_KEY_WORDS for cell in cells)
            and not any(char.isdigit() for char in line) and any(char.isdigit() for char in next_line))


def value_items(value: str) -> list[str]:
    """'25 September: 100+ · 26 September: 200+' -> two items."""
    return [item for item in _LIST_SPLIT.split(value) if item]


def is_intro(line: str) -> bool:
    """A line that announces what follows: 'By city, OVD-Info's count was as follows:', 'Detained'."""
    return line.endswith(":")


_DATE_WORD = re.compile(r"[A-Za-z]+|\d+")
_WEEKDAYS_AND_HALVES = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "am",
                                  "pm"})


def is_date_line(line: str) -> bool:
    """'27 February 2022, 21:05', 'Sunday, Jan 23': only days, months, numbers and times."""
    words = _DATE_WORD.findall(line)
    return bool(words) and all(w.isdigit() or w.lower() in MONTH_WORDS or w.lower() in _WEEKDAYS_AND_HALVES for w in words)


def is_heading(line: str, next_line: str | None) -> bool:
    """A short line without a final stop, followed by a line that is not a sentence continuing it."""
    if line.endswith((".", "!", "?", ",", ";", ":")) or len(line.split()) > MAX_HEADING_WORDS:
        return False
    return next_line is not None and not next_line[:1].islower()


def joins_next(line: str, next_line: str) -> bool:
    """Hard line breaks inside a sentence: 'In Moscow, too, the number was' / 'over 500.'"""
    if not next_line or line.endswith((".", "!", "?", ":", '"')):
        return False
    continues = next_line[0].islower() or (line.endswith(",") and next_line[0].isdigit())
    return continues and not split_key_value(next_line)


def join_broken_lines(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and joins_next(joined[-1], line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def segment(lines: list[str], has_title: bool) -> list[Block]:
    """Typed blocks, in page order. `lines` are the cleaned content lines; the first is the title when `has_title`."""
    # A scraper's date stamp only ever leads the page.
    prepared = [strip_timestamp(strip_citations(line)).strip() for line in [strip_date_stamp(lines[0]), *lines[1:]]] if lines else []
    if has_title and prepared and not prepared[0]:
        prepared = prepared[1:]  # the first line was only a date stamp: the headline is the next one
    prepared = [line for line in prepared if line]
    title = prepared[0] if has_title and prepared else None
    body = join_broken_lines(prepared[1 if title is not None else 0:])
    blocks: list[Block] = []
    if title is not None:
        blocks.append(Block("title", title, 0))
    heading = intro = intro_context = lead = None
    columns: tuple[str, ...] | None = None
    previous_text: str | None = None
    for position, raw in enumerate(body):
        line, bulleted = strip_bullet(raw)
        next_line = body[position + 1] if position + 1 < len(body) else None
        index = len(blocks)
        if is_table_rule(line):
            continue
        if is_table_heading(line, next_line):
            # A table's heading row introduces its rows as a list's intro does; the rows keep its columns.
            intro, intro_context, columns = line, previous_text, tuple(table_cells(line))
            blocks.append(Block("intro", line, index, heading=heading))
            previous_text = line
            continue
        pair = split_key_value(line)
        if pair and (pair[1] or "").strip():
            row_columns = columns if "|" in line and intro is not None else None
            if intro is None and blocks and blocks[-1].kind == "paragraph":
                lead = previous_text
            blocks.append(Block("key_value", line, index, pair[0], pair[1], heading, intro, intro_context, row_columns,
                                lead if intro is None else None))
        elif is_intro(line):
            # A bullet before an intro is decoration ("🔴 Detentions by city, according to OVD-Info:").
            intro, intro_context, columns = line, previous_text, None
            blocks.append(Block("intro", line, index, heading=heading))
        elif bulleted:
            blocks.append(Block("list_item", line, index, heading=heading, intro=intro, intro_context=intro_context))
        elif is_heading(line, next_line):
            # A date line under a city's heading ("PERM" / "27 February 2022, 21:05") stamps its section, not a new one.
            heading, lead = (heading if is_date_line(line) else line), None
            blocks.append(Block("heading", line, index, heading=None, intro=intro, intro_context=intro_context))
        else:
            blocks.append(Block("paragraph", line, index, heading=heading))
            # A paragraph ends a list or a card run; a heading stays in force for the paragraphs of its section.
            intro = intro_context = columns = lead = None
        previous_text = line
    return blocks
