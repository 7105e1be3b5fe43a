"""Where a detention figure happened: named steps tried in order, the first that finds a place wins.

A result is a tuple of places (empty: nationwide) or None: the figure names a place the gazetteer does not know
("30 protesters in Almaty" with Almaty unknown), which must not become a nationwide figure.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from schemas import Place
from worker.text.lexicon import CAPITAL, REGION, Token
from worker.text.phrase_index import PhraseIndex
from worker.text.places import gazetteer
from worker.text.scope import scope_of_figure

NATIONWIDE_PLACES: tuple[Place, ...] = ()
#: Thousands detained, told under a regional city's dateline or infobox ("ALMATY — ... 5,800 people had been
#: detained"), are the country's count: no regional city's protest comes near it.
MAX_PAGE_PLACE_FIGURE = 1000
#: Tokens between a locative and its city: "in the Siberian city of Chita", "in central Moscow".
MAX_LOCATIVE_GAP = 4
_CLAUSE_END = frozenset({"CLAUSE_BREAK", "SEMI", "STOP"})
#: The marks that close a comma-bounded clause: an aside, a list item, a bare figure's end.
COMMA_CLAUSE_MARKS = frozenset({"COMMA", "SEMI", "STOP"})
_LIST_JOINERS = frozenset({"and", "or", ",", "as well as"})
_NOT_PLACE_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "russia", "the",
    "total", "all", "custody", "police", "court", "central", "support", "protest", "response", "front", "connection",
    "particular", "addition", "ukraine", "belarus", "georgia", "armenia", "serbia", "iran", "kazakhstan",
})

#: What a name before them makes a site within a city, not a town of its own ("Sovetov Square", "Lenin Street").
_STREET_WORDS = frozenset({"square", "street", "avenue", "prospekt", "prospect", "embankment", "boulevard", "park",
                           "bridge", "lane", "highway", "road"})


@dataclass(frozen=True)
class PlaceContext:
    """What the rest of the page says about places: the article's capital, the sentence before, the heading."""

    capital: Place | None = None
    previous_places: tuple[Place, ...] = ()
    heading_place: Place | None = None
    #: The cities of the last sentence of the paragraph that was about a protest or told of detentions ("several
    #: thousand demonstrated in central Moscow", "in Kazan, police are detaining people"): the place of a figure
    #: after it that names none.
    protest_places: tuple[Place, ...] = ()
    #: Every city the page names: a region stands for its capital only when the page names the capital.
    document_places: frozenset[str] = frozenset()
    #: The protest cities the paragraph before ended on ("In Tomsk, about 2,000 people walked along Lenin Avenue"):
    #: the place of a day's figure at the start of the next paragraph that names none ("Police detained 26 of them").
    scene_places: tuple[Place, ...] = ()
    #: The one city the page or the paragraph is about: an infobox's Location, a regional dateline, a title that is a
    #: city, a paragraph opening with a city in capitals. The last resort of a figure that names no place.
    page_place: Place | None = None


@dataclass(frozen=True)
class CountryNames:
    #: Every lower-case name or adjective of a country -> its code, found in one pass over the text.
    index: PhraseIndex[str]
    capitals: dict[str, str]


@cache
def _country_names() -> CountryNames:
    data = json.loads(resources.files("worker.text").joinpath("data/place_phrases.json").read_text(encoding="utf-8"))
    index = PhraseIndex({word: code for code, words, _capital in data["countries"]["names"] for word in words})
    return CountryNames(index, {code: capital for code, _words, capital in data["countries"]["names"]})


@cache
def resolve_name(name: str) -> Place | None:
    """A canonical city name -> its Place in the gazetteer (a few names, asked about on every page)."""
    mentions = gazetteer().find(name)
    return mentions[0].place if mentions and mentions[0].start == 0 and mentions[0].end == len(name) else None


def article_capital(text: str) -> Place | None:
    """The capital of the country the article names most (Russia on a tie)."""
    names = _country_names()
    # Substring counts ("russia" also inside "russian"): a rough tally, the same for every country.
    counts = Counter(code for _start, _end, code in names.index.hits(text.lower()))
    best = max(names.capitals, key=lambda code: (counts[code], code == "RU"))
    return resolve_name(names.capitals[best])


def place_of_token(token: Token, context: PlaceContext) -> Place | None:
    if token.place is not None:
        return token.place
    if token.place_phrase == CAPITAL:
        return context.capital
    if token.place_phrase and token.place_phrase.startswith(REGION):
        capital = token.place_phrase.removeprefix(REGION)
        return resolve_name(capital) if capital in context.document_places else None
    return resolve_name(token.place_phrase) if token.place_phrase else None


def clause_bounds(tokens: list[Token], at: int, breaks: frozenset[str] = _CLAUSE_END) -> tuple[int, int]:
    """The clause around a token: from after the previous clause break to before the next one (`breaks`: a clause
    break, a semicolon or a stop; commas too for the narrower clause of vetoes.py)."""
    start = at
    while start > 0 and not (tokens[start - 1].categories & breaks):
        start -= 1
    end = at + 1
    while end < len(tokens) and not (tokens[end].categories & breaks):
        end += 1
    return start, end


def places_after(tokens: list[Token], at: int, end: int, context: PlaceContext) -> tuple[Place, ...]:
    """'1,474 people in Moscow and St Petersburg': a locative after the figure, then cities joined by 'and'."""
    found: list[Place] = []
    position = at + 1
    while position < end and not tokens[position].has("FIGURE"):
        token = tokens[position]
        if token.has("BREAKDOWN_LEAD") and tokens[position - 1].has("COMMA"):
            break  # ', with a third of them in Moscow': a part of the figure, not its place
        if token.has("NATIONWIDE"):
            break  # 'detained throughout Russia ... after a court in Moscow': the marker places the figure first
        if token.has("LOCATIVE") or token.has("ANAPHORIC_PLACE"):
            if token.has("ANAPHORIC_PLACE"):
                named = anaphor_places(tokens, at, context)
                if named:
                    return named
            for gap in range(1, MAX_LOCATIVE_GAP + 1):
                candidate = tokens[position + gap] if position + gap < end else None
                if candidate is None or candidate.has("FIGURE"):
                    break
                if candidate.has("PLACE"):
                    position = _collect_list(tokens, position + gap, end, context, found)
                    if _continues_to_other_cities(tokens, position, end):
                        return NATIONWIDE_PLACES
                    if _opens_a_bare_figure(tokens, position):
                        return ()
                    break
                if candidate.has("LOCATIVE"):
                    break
            if found:
                return tuple(dict.fromkeys(found))
        position += 1
    return ()


def _collect_list(tokens: list[Token], position: int, end: int, context: PlaceContext, found: list[Place]) -> int:
    place = place_of_token(tokens[position], context)
    if place:
        found.append(place)
    while position + 2 < end and tokens[position + 1].text in _LIST_JOINERS and tokens[position + 2].has("PLACE"):
        position += 2
        place = place_of_token(tokens[position], context)
        if place:
            found.append(place)
    return position


def _opens_a_bare_figure(tokens: list[Token], position: int) -> bool:
    """'police in Kazan detained 89 people and in Krasnoyarsk 103': a city right before a figure with no place of
    its own is that figure's, not the place of the figure before."""
    following = position + 1
    for optional in ("COMMA", "BREAKDOWN_LEAD"):
        if following < len(tokens) and tokens[following].has(optional):
            following += 1
    if following >= len(tokens) or not tokens[following].has("FIGURE"):
        return False
    after = tokens[following + 1] if following + 1 < len(tokens) else None
    return after is None or bool(after.categories & COMMA_CLAUSE_MARKS) or after.text == "and"


def _continues_to_other_cities(tokens: list[Token], position: int, end: int) -> bool:
    """'in Moscow and dozens of other cities': the list runs on to the rest of the country."""
    following = [t for t in tokens[position + 1: min(end, position + 5)] if not t.has("FIGURE") and t.text != "of"]
    return len(following) >= 2 and following[0].text in _LIST_JOINERS and following[1].has("NATIONWIDE")


def anaphor_places(tokens: list[Token], at: int, context: PlaceContext) -> tuple[Place, ...]:
    """'In Vladivostok, police detained 32 people on the city's central square': the city this sentence named before
    the figure, else the one city of the sentence before."""
    return nearest_place_before(tokens, at, context) or (
        context.previous_places if len(context.previous_places) == 1 else ())


def nearest_place_before(tokens: list[Token], at: int, context: PlaceContext) -> tuple[Place, ...]:
    """'Around 200 turned out in Stavropol; two of them were detained': the group counted earlier in the sentence."""
    for token in reversed(tokens[:at]):
        if token.has("PLACE"):
            place = place_of_token(token, context)
            return (place,) if place else ()
    return ()


def places_before(tokens: list[Token], start: int, at: int, context: PlaceContext) -> tuple[Place, ...]:
    """'In Moscow, police detained 1,000': a city earlier in the figure's clause (since the previous figure)."""
    # "photographs from Moscow and Saint Petersburg": where things come from is not where the figure happened.
    found = [place_of_token(t, context) for t in _places_not_from(tokens, start, at)]
    if any(t.has("ANAPHORIC_PLACE") for t in tokens[start:at]) and not found:
        # "The largest number was in St Petersburg; the city's total was at least 193."
        return anaphor_places(tokens, start, context)
    return tuple(dict.fromkeys(p for p in found if p))


def _places_not_from(tokens: list[Token], start: int, end: int) -> list[Token]:
    """The place tokens between start and end, but for a list of cities after 'from' ('from Moscow and Tomsk')."""
    found = []
    origin = False
    for token in tokens[start:end]:
        if token.text == "from":
            origin = True
        elif token.has("PLACE"):
            if not origin:
                found.append(token)
        elif token.text not in _LIST_JOINERS:
            origin = False
    return found


#: Tokens a label before a dash or colon can take at a sentence's start ("25 September -", "Kazan (Tatarstan):").
MAX_LABEL_TOKENS = 5
_LABEL_PARTS = frozenset({"PLACE", "LPAREN", "RPAREN"})


def leading_locative(tokens: list[Token], context: PlaceContext) -> tuple[Place, ...]:
    """'In Yakutsk, dozens of women danced ..., and police detained 16 of them': the sentence's opening place, after
    a time line's stamp ('25 September - In Makhachkala, women confront police; 101 people are detained'), or the
    city a label names ('Krasnoyarsk: police said 48 people were detained; OVD-Info counted 68')."""
    opening = next((position + 1 for position, token in enumerate(tokens[:MAX_LABEL_TOKENS])
                    if token.has("DASH") or token.has("COLON")), 0)
    label = tokens[:opening - 1]
    if label and label[0].has("PLACE") and all(t.categories & _LABEL_PARTS for t in label):
        place = place_of_token(label[0], context)
        return (place,) if place else ()
    for position in range(opening, min(opening + MAX_LOCATIVE_GAP + 1, len(tokens))):
        token = tokens[position]
        if token.has("PLACE"):
            place = place_of_token(token, context)
            return (place,) if place and position > opening and tokens[opening].has("LOCATIVE") else ()
        if token.has("FIGURE"):
            return ()
    return ()


_CITY_COUNTS = frozenset({"cities", "towns", "regions", "russian cities", "settlements"})


def has_nationwide_marker(tokens: list[Token], start: int, end: int) -> bool:
    """'nationwide', 'across Russia', and 'in 20 cities'."""
    for position in range(start, end):
        token = tokens[position]
        if token.has("NATIONWIDE"):
            return True
        if token.has("FIGURE") and position + 1 < end and tokens[position + 1].text in _CITY_COUNTS and (
                position > 0 and tokens[position - 1].has("LOCATIVE")):
            return True
    return False


def place_for(tokens: list[Token], at: int, previous_figure: int, context: PlaceContext,
              frame_places: list[Token], sentence: str) -> tuple[Place, ...] | None:
    """The places of the figure token at `at`; () is nationwide, None an unknown place."""
    start, end = clause_bounds(tokens, at)
    if frame_places:
        found = [p for p in (place_of_token(t, context) for t in frame_places) if p]
        # "dozens more in Yekaterinburg, Novosibirsk and Krasnoyarsk": the frame's city may open a list.
        last = next(position for position, token in enumerate(tokens) if token is frame_places[-1])
        _collect_list(tokens, last, end, context, found)
        if found:
            return tuple(dict.fromkeys(found))
    start = max(start, previous_figure + 1)
    after = places_after(tokens, at, end, context)
    if after:
        return after
    relative = place_of_a_where_clause(tokens, at, context)
    if relative:
        return relative
    if has_nationwide_marker(tokens, start, end):
        return NATIONWIDE_PLACES
    before = places_before(tokens, start, at, context)
    if before:
        return before
    if has_a_placed_part(tokens, at, end):
        return NATIONWIDE_PLACES
    opening = leading_locative(tokens, context)
    if opening:
        return opening
    if any(t.has("MACRO_REGION") for t in tokens[start:end]):
        return NATIONWIDE_PLACES
    if any(t.has("BREAKDOWN_LEAD") and t.has("PEOPLE") for t in tokens[at + 1: at + 3]):
        earlier = nearest_place_before(tokens, at, context)
        if earlier:
            return earlier
    if context.heading_place is not None:
        return (context.heading_place,)
    if any(t.has("ANAPHORIC_PLACE") for t in tokens) and len(context.previous_places) == 1:
        return context.previous_places
    if any(t.has("ALL_TOLD") for t in tokens[start:end]):
        return NATIONWIDE_PLACES
    if _names_unknown_place(sentence, tokens, at, end):
        return None
    return places_told_before(tokens, at, context, sentence)


#: How far before a figure the 'where' of its clause may be ("where police detained 30").
_WHERE_GAP = 4


def place_of_a_where_clause(tokens: list[Token], at: int, context: PlaceContext) -> tuple[Place, ...]:
    """'from Vladivostok, where at least 30 people were held, to St Petersburg': the city (or the cities: 'in Irkutsk
    and Tomsk, where dozens were taken away') a 'where' clause follows."""
    for position in range(at - 1, max(-1, at - 1 - _WHERE_GAP), -1):
        token = tokens[position]
        if token.text == "where":
            follows_a_comma = position >= 2 and tokens[position - 1].has("COMMA")
            return _list_ending_at(tokens, position - 2, context) if follows_a_comma else ()
        if token.categories & _WHERE_STOPS:
            return ()
    return ()


_WHERE_STOPS = COMMA_CLAUSE_MARKS | {"FIGURE"}


def _list_ending_at(tokens: list[Token], position: int, context: PlaceContext) -> tuple[Place, ...]:
    """The places of a list of cities whose last city is at `position` ('Irkutsk, Omsk and Tomsk'), in order."""
    found: list[Place] = []
    while position >= 0 and tokens[position].has("PLACE"):
        place = place_of_token(tokens[position], context)
        if place:
            found.insert(0, place)
        if position < 2 or tokens[position - 1].text not in _LIST_JOINERS:
            break
        position -= 2
    return tuple(dict.fromkeys(found))


#: How far after a part's lead ("almost all of them") its place may come.
_PART_PLACE_GAP = 3


def has_a_placed_part(tokens: list[Token], at: int, end: int) -> bool:
    """'At least 1,480 people were detained, almost all of them in Moscow': a figure placed nowhere else whose part is
    placed is a total over more than that place."""
    for position in range(at + 1, end - 1):
        if tokens[position].has("BREAKDOWN_LEAD") and tokens[position].text.endswith(("them", "whom")) and (
                tokens[position - 1].has("COMMA")):
            return any(t.has("LOCATIVE") for t in tokens[position + 1: position + 1 + _PART_PLACE_GAP]) and any(
                t.has("PLACE") for t in tokens[position + 1: position + 2 + _PART_PLACE_GAP])
        if tokens[position].has("FIGURE"):
            return False
    return False


def places_told_before(tokens: list[Token], at: int, context: PlaceContext, sentence: str) -> tuple[Place, ...]:
    """A figure whose sentence names no place for it: the city the text was last about, nearest first (this
    paragraph's protest, the sentence before, the paragraph before, the page); the country when the sentence speaks
    for all of it ('across Russia', 'in total', 'Russian police')."""
    whole_country = has_nationwide_marker(tokens, 0, len(tokens)) or any(
        t.has("ALL_TOLD") or t.has("NATIONAL_FORCE") for t in tokens)
    if len(context.protest_places) == 1 and not whole_country:
        return context.protest_places
    if len(context.previous_places) == 1 and not whole_country:
        return context.previous_places
    running_total = scope_of_figure(sentence, tokens[at].start, tokens[at].end) == "cumulative"
    if len(context.scene_places) == 1 and not whole_country and not names_a_place(tokens) and (
            not counts_detentions(tokens, at) and not running_total):
        # A running total ("2,407 people since 21 September") or a monitor's count of detentions ("OVD-Info has
        # recorded 3,700 detentions") is the country's, whatever scene came before.
        return context.scene_places
    if context.page_place is not None and not whole_country and not names_a_place(tokens) and (
            tokens[at].figure.count < MAX_PAGE_PLACE_FIGURE):
        return (context.page_place,)
    return NATIONWIDE_PLACES


def counts_detentions(tokens: list[Token], at: int) -> bool:
    """'3,700 detentions': a count of events, as monitors keep them for the whole country; people are counted as
    people ('26 of them', '64 people')."""
    return at + 1 < len(tokens) and tokens[at + 1].text == "detentions"


def names_a_place(tokens: list[Token]) -> bool:
    """Any place at all, even a region the reader cannot put in a city ('In Tuva, at least 8 people')."""
    return any(t.has("PLACE") for t in tokens)


def _names_unknown_place(sentence: str, tokens: list[Token], at: int, end: int) -> bool:
    """'30 protesters in Almaty' with Almaty not in the gazetteer: a locative, then a capitalised word (not a square
    or a street of the city: 'at Sovetov Square')."""
    for position in range(at + 1, min(end, at + 6) - 1):
        word = tokens[position + 1]
        if not tokens[position].has("LOCATIVE") or (word.categories - {"CAPWORD"}) or word.text in _NOT_PLACE_WORDS:
            continue
        following = tokens[position + 2] if position + 2 < len(tokens) else None
        if following is not None and following.text in _STREET_WORDS:
            continue
        if sentence[word.start: word.start + 1].isupper():
            return True
    return False
