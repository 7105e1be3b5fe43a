"""The places a page gives its figures by its shape rather than by their sentences: a card's heading ('YAKUTSK',
'17 January, Baymak'), a report's dateline ('NOVOSIBIRSK -'), a paragraph or a post's item that opens with its city
in capitals ('KAZAN. Several hundred people ...'), and a title that names one regional city."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from schemas import Place
from worker.text.attach import PlaceContext, place_of_token
from worker.text.lexicon import Token, tag
from worker.text.segment import Block, is_date_line

if TYPE_CHECKING:
    from worker.text.detentions import Reading


def heading_place(heading: str | None, reading: Reading) -> tuple[Place | None, bool]:
    """A card's heading: a city alone on its line, or 'Other cities' (figures for the rest of the country)."""
    if not heading:
        return None, False
    if heading not in reading.headings:
        reading.headings[heading] = _heading_place(heading, reading)
    return reading.headings[heading]


def _heading_place(heading: str, reading: Reading) -> tuple[Place | None, bool]:
    # A heading in capitals ("NOVOSIBIRSK", "ST PETERSBURG") names its city as the gazetteer writes it in title case.
    tokens = [t for t in tag(heading.title() if heading.isupper() else heading, reading.find_sites) if not t.has("STOP")]
    # A dated heading names its city as well ("17 January, Baymak", "Ufa - 19 January").
    named = [t for t in tokens if not is_date_part(t)]
    if len(named) == 1 and named[0].has("PLACE"):
        return place_of_token(named[0], PlaceContext(reading.capital)), False
    return None, any(t.has("NATIONWIDE") or t.has("ALL_TOLD") for t in tokens)


_DATE_PUNCTUATION = frozenset({"COMMA", "DASH", "COLON"})


def is_date_part(token: Token) -> bool:
    """A day, a month, a day of the month (the segmenter's date words) or the punctuation between them."""
    return is_date_line(token.text) or bool(token.categories & _DATE_PUNCTUATION)


#: "NOVOSIBIRSK —", "ULAN-UDE, Russia (AP) —", "KAZAN. Several hundred people": the city in capitals that opens a
#: report or a paragraph.
_DATELINE = re.compile(r"^([A-Z][A-Z.' -]*[A-Z])(?=,| [—–-] | \(|\. )")
#: The blocks a dateline may open: a page's masthead lines ("TV2 Tomsk | News") may come before the report.
DATELINE_BLOCKS = 4


def dateline_place(blocks: list[Block], reading: Reading) -> Place | None:
    """A report's dateline city, when it is a regional city of the country the article is about: the reporter is
    there, and so are the figures that name no place ('NOVOSIBIRSK — ... About 100 citizens were delivered to police
    departments'). A capital's dateline is a wire's base, whose figures are often the country's."""
    return next((city for city in (opening_city(block.text, reading) for block in opening_blocks(blocks)) if city), None)


def opening_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks a dateline may open. A short opening line is a card to the segmenter ("OMSK - Hundreds marched on
    Saturday."): it opens the report too."""
    return [block for block in blocks if block.kind in ("paragraph", "key_value")][:DATELINE_BLOCKS]


def title_place(blocks: list[Block], reading: Reading) -> Place | None:
    """A regional page whose title is its city alone ('YAKUTSK' above the story) or names no other city ('Letter from
    Nizhny: what this winter left behind'); not a report filed from elsewhere ('MOSCOW, Jan 23 -' under a caption
    of a rally in Vladivostok)."""
    if not blocks or blocks[0].kind != "title" or any(dateline_city(block.text, reading) for block in opening_blocks(blocks)):
        return None
    place = heading_place(blocks[0].text, reading)[0] or single_city(blocks[0].text, reading)
    return place if is_regional(place, reading) else None


def opening_city(text: str, reading: Reading) -> Place | None:
    """The regional city in capitals a paragraph opens with ('KAZAN. Several hundred people gathered ...')."""
    place = dateline_city(text, reading)
    return place if is_regional(place, reading) else None


def dateline_city(text: str, reading: Reading) -> Place | None:
    """The city in capitals a paragraph opens with ('MOSCOW, Jan 23 (Reuters) -', 'KAZAN. Several hundred ...')."""
    match = _DATELINE.match(text) if text[:2].isupper() else None
    return single_city(match.group(1).title(), reading) if match else None


def is_regional(place: Place | None, reading: Reading) -> bool:
    """A city of the country the article is about, not its capital: the capital's and other countries' cities open
    wire copy filed there ('MOSCOW (AP) - Police in Russia ...')."""
    capital = reading.capital
    return place is not None and capital is not None and place != capital and place.country == capital.country


def single_city(text: str, reading: Reading) -> Place | None:
    """The city a line names, if it names one and no other ('Nalchik, Kabardino-Balkaria, Russia'; not 'Russia')."""
    places = {site.place for site in reading.find_sites(text)}
    return places.pop() if len(places) == 1 else None
