"""Detention claims of a page: each block is read by the frames (frames.py), then given place, source and scope.

Blocks come from segment.py: prose is read sentence by sentence; a "key: value" line, a list item or a card is
read with what its heading and its list's intro say ("Detentions by city:" / "Moscow - at least 80").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from schemas import NATIONWIDE, DetentionClaim, Place, Scope
from worker.text.attach import PlaceContext, article_capital, place_for, place_of_token
from worker.text.frames import Frame, FrameMatch, frames, match_frame
from worker.text.lexicon import Token, lexicon, tag
from worker.text.numbers import MONTH_WORDS, Figure, find_figures
from worker.text.page_places import dateline_place, heading_place, opening_city, single_city, title_place
from worker.text.places import CityMention
from worker.text.scope import reports_a_day, scope_of, scope_of_figure
from worker.text.segment import Block, table_cells, value_items
from worker.text.sources import find_source
from worker.text.vetoes import counts_the_harmed, counts_the_summoned, is_about_other_arrests, is_retracted, is_vetoed

_DETENTION_WORDS = frozenset({"DETAIN_VERB", "DETAIN_NOUN", "DETAIN_PARTICIPLE", "DETAIN_TALLY_NOUN"})
#: What makes a sentence, a heading or an intro talk of detentions (a count in it is one of detainees): a detention
#: word, a monitor that counts only detentions ("By city (OVD-Info)", "OVD-Info says the tally has passed 2,000"), or
#: an authority whose figures are ("The Interior Ministry put the figure at about 3,500").
_DETENTION_TALK = _DETENTION_WORDS | {"DETENTION_MONITOR", "DETENTION_AUTHORITY"}
FindSites = Callable[[str], list[CityMention]]


@dataclass(frozen=True)
class Candidate:
    figure: Figure
    places: tuple[Place, ...]
    quote: str
    sentence_index: int
    frame: str
    headline: bool = False
    scope: Scope | None = None


@dataclass
class Reading:
    """What the reader knows while it walks the page."""

    find_sites: FindSites
    capital: Place | None
    sentences: list[str] = field(default_factory=list)
    #: The sentences with a detention word (their named day is the page's day: scope.reports_a_day).
    detention_sentences: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    previous_places: tuple[Place, ...] = ()
    protest_places: tuple[Place, ...] = ()
    #: The protest cities the paragraph before ended on (PlaceContext.scene_places).
    scene_places: tuple[Place, ...] = ()
    #: The one city an infobox gives as the event's location, or a regional dateline's (PlaceContext.page_place).
    page_place: Place | None = None
    #: The regional city in capitals the current paragraph opens with ("SAMARA. About 200 people ..."): the page place
    #: of its sentences.
    paragraph_place: Place | None = None
    document_places: frozenset[str] = frozenset()
    previous_had_figure: bool = False
    #: Intro and heading lines are asked about once per block under them.
    mentions: dict[str, bool] = field(default_factory=dict)
    headings: dict[str, tuple[Place | None, bool]] = field(default_factory=dict)


def has_category(tokens: list[Token], categories: frozenset[str]) -> bool:
    return any(t.categories & categories for t in tokens)


def frames_possible(tokens: list[Token]) -> list[Frame]:
    """The frames whose required categories all occur in the sentence: most sentences rule out most frames."""
    present = frozenset().union(*(t.categories for t in tokens))
    return [frame for frame in frames() if frame.needs <= present]


def first_frame(candidates: list[Frame], tokens: list[Token], at: int, earlier_detention: bool,
                detention_context: bool) -> FrameMatch | None:
    for frame in candidates:
        if frame.requires == "earlier_detention" and not (earlier_detention or has_category(tokens[:at], _DETENTION_WORDS)):
            continue
        if frame.requires == "detention_context" and not detention_context:
            continue
        found = match_frame(frame, tokens, at)
        if found is not None:
            return found
    return None


def read_sentence(text: str, reading: Reading, *, heading_place: Place | None = None, in_detention_list: bool = False,
                  headline: bool = False, scope: Scope | None = None) -> list[Candidate]:
    """The detention figures of one sentence, each with its places."""
    index = len(reading.sentences)
    reading.sentences.append(text)
    lowered = text.lower()
    mentions_detention_word = lexicon().may_mention_detention(lowered)
    if mentions_detention_word:
        reading.detention_sentences.append(text)
    could_hold = mentions_detention_word or in_detention_list or reading.previous_had_figure
    # A question asserts no figure: "Were 2,000 people detained in a single day?" is what a fact-check asks.
    figures = find_figures(text) if could_hold and not is_question(text) else []
    if not figures:
        # Most sentences hold no figure or no detention word: only the places they name matter, for the next.
        named = tuple(dict.fromkeys(site.place for site in reading.find_sites(text)))
        reading.previous_places = named or reading.previous_places
        if named and (mentions_detention_word or lexicon().mentions("PROTEST", lowered)):
            # "Protests broke out all over Russia, and in Moscow ...": the scene is the country, not its one city.
            reading.protest_places = () if lexicon().mentions("NATIONWIDE", lowered) else named
        reading.previous_had_figure = False
        return []
    tokens = tag(text, reading.find_sites, figures)
    context = PlaceContext(reading.capital, reading.previous_places, heading_place, reading.protest_places,
                           reading.document_places, reading.scene_places, reading.paragraph_place or reading.page_place)
    found = [Candidate(figure, places, text, index, frame_id, headline, scope)
             for figure, places, frame_id in detention_figures(tokens, text, context, reading.previous_had_figure, in_detention_list)]
    named = tuple(dict.fromkeys(p for p in (place_of_token(t, context) for t in tokens if t.has("PLACE")) if p))
    reading.previous_places = named or reading.previous_places
    if named and any(t.has("PROTEST") for t in tokens):
        reading.protest_places = named
    if found and not named and all(not candidate.places for candidate in found):
        # A nationwide count ends the talk of the city before it: what follows it without a place is the country's.
        reading.previous_places = reading.protest_places = ()
    reading.previous_had_figure = bool(found)
    reading.candidates.extend(found)
    return found


def detention_figures(tokens: list[Token], text: str, context: PlaceContext, after_detention_figure: bool,
                      in_detention_list: bool) -> list[tuple[Figure, tuple[Place, ...], str]]:
    """Each figure a frame takes (or, in a list under a detention heading, the item's count), with its places."""
    if is_retracted(tokens):
        return []
    detention_context = in_detention_list or after_detention_figure or has_category(tokens, _DETENTION_TALK)
    possible = frames_possible(tokens)
    accepted: list[int] = []
    # A figure before this one that no frame took: a part told after it ('164 were killed, including 103 in Almaty')
    # is a part of that figure, whatever the sentence before counted.
    passed_over = False
    found = []
    for at, token in enumerate(tokens):
        if token.figure is None or is_vetoed(tokens, at) or is_about_other_arrests(tokens, at) or (
                counts_the_summoned(tokens, at) or counts_the_harmed(tokens, at)):
            continue
        earlier_detention = bool(accepted) or (after_detention_figure and not passed_over)
        match = first_frame(possible, tokens, at, earlier_detention, detention_context)
        frame_id = match.frame.id if match else None
        if match is None and in_detention_list and not accepted and not passed_over and is_a_bare_count(tokens, at):
            frame_id = "detention-list-item"
        if frame_id is None:
            passed_over = True
            continue
        if match is not None and match.frame.inherits_place and found:
            places = found[-1][2]
        else:
            frame_places = match.places if match else []
            places = place_for(tokens, at, accepted[-1] if accepted else -1, context, frame_places, text)
        if places is None:
            continue
        accepted.append(at)
        found.append((at, token.figure, places, frame_id))
    if "respectively" in text:
        found = pair_respectively(tokens, found, context)
    return [(figure, places, frame_id) for _, figure, places, frame_id in found]


#: Tokens that join the figures of a list ("87, 64 and 41").
_FIGURE_JOINERS = frozenset({",", "and"})


def pair_respectively(tokens: list[Token], found: list[tuple], context: PlaceContext) -> list[tuple]:
    """'police in Novosibirsk, Krasnoyarsk and Omsk detained 87, 64 and 41 people respectively': the n-th figure of
    the list is the n-th place's, when a frame took one of them and the places are as many as the figures."""
    marker = next((position for position, token in enumerate(tokens) if token.text == "respectively"), None)
    if marker is None:  # inside a longer word
        return found
    run = figure_run_before(tokens, marker)
    if len(run) < 2 or not any(at in run for at, *_ in found):
        return found
    places = [p for p in (place_of_token(t, context) for t in tokens[run[-1]: marker] if t.has("PLACE")) if p]
    if len(places) != len(run):
        places = [p for p in (place_of_token(t, context) for t in tokens[: run[0]] if t.has("PLACE")) if p][-len(run):]
    if len(places) != len(run):
        return found
    paired = [(at, tokens[at].figure, (place,), "respectively") for at, place in zip(run, places)]
    return sorted([entry for entry in found if entry[0] not in run] + paired, key=lambda entry: entry[0])


def figure_run_before(tokens: list[Token], end: int) -> list[int]:
    """The positions of the last list of figures before `end` ('87, 64 and 41 people')."""
    last = next((position for position in range(end - 1, -1, -1) if tokens[position].figure is not None), None)
    if last is None:
        return []
    run = [last]
    position = last - 1
    while position >= 1 and tokens[position].text in _FIGURE_JOINERS and tokens[position - 1].figure is not None:
        run.insert(0, position - 1)
        position -= 2
    return run


#: What may follow a list item's count and its noun: its source, place or day ('Kazan: 47 people, per OVD-Info').
_AFTER_A_BARE_COUNT = frozenset({"SOURCE_LEAD", "LOCATIVE", "DAY", "DETENTION_MONITOR"})


def is_a_bare_count(tokens: list[Token], at: int) -> bool:
    """'Moscow: 43', 'Kazan - 47 people, per OVD-Info': a list item's figure with at most its noun, then its source,
    place or day; not an item that is a sentence of its own ('at least 14 protesters face criminal charges')."""
    position = at + 1
    while position < len(tokens) and (tokens[position].has("PEOPLE") or tokens[position].has("MODIFIER")):
        position += 1
    if position == len(tokens):
        return True
    following = tokens[position]
    return not following.text.isalpha() or bool(following.categories & _AFTER_A_BARE_COUNT)


def mentions_detention(text: str | None, reading: Reading) -> bool:
    """Does a heading or an intro announce detention counts (a detention word, or a monitor of detentions)?"""
    if not text:
        return False
    if text not in reading.mentions:
        reading.mentions[text] = has_category(tag(text, reading.find_sites), _DETENTION_TALK)
    return reading.mentions[text]


def read_key_value(block: Block, reading: Reading) -> None:
    """'Number of detentions: 18' under a city heading; 'Moscow - at least 80' under 'Detentions by city:'."""
    # "Makhachkala (Dagestan): 120+": what the key adds in brackets does not make it more than a place.
    key_tokens = tag(_BRACKETED.sub("", block.key or ""), reading.find_sites)
    place, heading_nationwide = heading_place(block.heading, reading)
    key_places = [t for t in key_tokens if t.has("PLACE")]
    key_words = [t for t in key_tokens if t.text.isalpha()]
    key_is_place = len(key_places) == 1 and len(key_words) <= 2 + len(key_places[0].text.split())
    key_place = place_of_token(key_places[0], PlaceContext(reading.capital)) if key_places else None
    in_list = mentions_detention(block.intro, reading) or mentions_detention(block.intro_context, reading) or (
        mentions_detention(block.heading, reading))
    if (block.key or "").lower() in _LOCATION_KEYS:
        reading.page_place = single_city(block.value or "", reading)
    count_cells = detention_cells(block, reading)
    if count_cells:
        row_place = (key_place if key_is_place else None) or bracketed_place(block.key or "", reading) or place
        scope = "day" if _is_dated_key(key_tokens) else None
        for cell in count_cells:
            _read_value(cell, block, reading, row_place, row_place is None, scope=scope)
        return
    if has_category(key_tokens, _DETENTION_WORDS):
        place = place or (reading.page_place if not heading_nationwide else None)
        for item in value_items(block.value or ""):
            _read_value(item, block, reading, place, heading_nationwide or not place)
        return
    # A paragraph's lead makes a breakdown only of cards keyed by a city alone ("Moscow - 2,380"; not "Population of
    # Dagestan: 3.1 million").
    key_is_city_alone = key_is_place and len(key_words) == len(key_places[0].text.split())
    if key_is_place and (in_list or (key_is_city_alone and mentions_detention(block.lead, reading))):
        # "Moscow: 43", or several on one line: "Moscow - 640, St Petersburg - 415, Perm - 38".
        read_sentence(block.text, reading, in_detention_list=True)
        return
    if any(t.has("NATIONWIDE") or t.has("ALL_TOLD") for t in key_tokens) and in_list:
        _read_value(block.value or "", block, reading, None, True)
        return
    if is_total_key(key_tokens) and in_list:
        # The whole of what the list counts: the country's, or the page's one city's (an infobox's "Total: 250+").
        _read_value(block.value or "", block, reading, reading.page_place, reading.page_place is None)
        return
    if in_list and _is_dated_key(key_tokens):
        _read_value(block.value or "", block, reading, place, heading_nationwide or not place, scope="day")
        return
    read_sentence(block.text, reading, heading_place=place or key_place)


_BRACKETED = re.compile(r"\s*\([^()]*\)")
#: An infobox's line for where the event took place ("Location: Nalchik, Kabardino-Balkaria, Russia").
_LOCATION_KEYS = frozenset({"location", "locations", "place", "venue"})


def detention_cells(block: Block, reading: Reading) -> list[str]:
    """A table row's cells under the column headings that talk of detentions ('| Date | Cities | Detained |', or one
    column a day: '| City | Detained 21 Sep | Detained 24 Sep |')."""
    if not block.columns:
        return []
    cells = table_cells(block.text)
    return [cells[position] for position, heading in enumerate(block.columns)
            if 0 < position < len(cells) and mentions_detention(heading, reading)]


def bracketed_place(key: str, reading: Reading) -> Place | None:
    """'25 September (Makhachkala)': the city a key names in brackets."""
    for aside in _BRACKETED.findall(key):
        places = [t for t in tag(aside, reading.find_sites) if t.has("PLACE")]
        if len(places) == 1:
            return place_of_token(places[0], PlaceContext(reading.capital))
    return None


def is_total_key(tokens: list[Token]) -> bool:
    """'Total: 848 people in 33 cities' in a list by city: the whole country's line."""
    words = [t for t in tokens if t.text.isalpha()]
    return bool(words) and all(t.has("TALLY_NOUN") for t in words)


def _is_dated_key(tokens: list[Token]) -> bool:
    return any(t.text in MONTH_WORDS for t in tokens)


def _read_value(value: str, block: Block, reading: Reading, place: Place | None, nationwide: bool,
                scope: Scope | None = None) -> None:
    """The first figure of a card or list value is the count; its place comes from the key or the heading."""
    inner = value.split(":", 1)
    if len(inner) == 2 and _is_dated_key(tag(inner[0], reading.find_sites)):
        value, scope = inner[1], "day"
    tokens = tag(value, reading.find_sites)
    index = len(reading.sentences)
    reading.sentences.append(block.text)
    for at, token in enumerate(tokens):
        if token.figure is None or is_vetoed(tokens, at):
            continue
        places = (place,) if place is not None and not nationwide else ()
        reading.candidates.append(Candidate(token.figure, places, block.text, index, "card-value", scope=scope))
        reading.previous_had_figure = True
        read_value_parts(tokens[at + 1:], value, block, reading, index, scope)
        return


def read_value_parts(tokens: list[Token], value: str, block: Block, reading: Reading, index: int,
                     scope: Scope | None) -> None:
    """'2 March (Wednesday) - 389, including 98 in St Petersburg': the parts a value tells after its count."""
    if not any(token.figure is not None for token in tokens):
        return
    for figure, places, frame_id in detention_figures(tokens, value, PlaceContext(reading.capital), True, False):
        reading.candidates.append(Candidate(figure, places, block.text, index, frame_id, scope=scope))


def read_blocks(blocks: list[Block], find_sites: FindSites) -> Reading:
    reading = Reading(find_sites, article_capital(" ".join(block.text for block in blocks)))
    reading.document_places = frozenset(m.place.name for block in blocks for sentence in block.sentences
                                        for m in find_sites(sentence))
    reading.page_place = dateline_place(blocks, reading) or title_place(blocks, reading)
    for position, block in enumerate(blocks):
        if block.kind == "key_value":
            read_key_value(block, reading)
            continue
        in_list = block.kind == "list_item" and (mentions_detention(block.intro, reading) or mentions_detention(block.heading, reading))
        place, _ = heading_place(block.heading, reading) if block.kind in ("list_item", "paragraph") else (None, False)
        # A heading, a list or a card between two paragraphs ends the scene: what follows it is a new part.
        if follows_paragraphs(blocks, position, 1) and names_a_city(blocks[position - 1], reading):
            reading.scene_places = reading.protest_places
        elif not (follows_paragraphs(blocks, position, 2) and names_a_city(blocks[position - 2], reading)):
            # One paragraph that names no city ("Witnesses said women shouted ...") goes on with the scene before it.
            reading.scene_places = ()
        if block.kind in ("paragraph", "list_item"):
            reading.previous_places = reading.protest_places = ()
            # "SAMARA. About 200 people walked ...": a paragraph (or a post's item: "⚡️ KHASAVYURT. At least 8
            # people were detained") that opens with its city in capitals is about it.
            reading.paragraph_place = opening_city(block.text, reading)
        # An explainer's answer: "How many people were detained?" / "More than 11,000 across Russia, ...".
        answers = block.kind == "paragraph" and position > 0 and asks_about_detentions(blocks[position - 1], reading)
        headline = reads_as_headline(block)
        for number, sentence in enumerate(block.sentences):
            answer = answers and number == 0
            read_sentence(sentence, reading, heading_place=place, in_detention_list=in_list or answer,
                          headline=headline)
    return reading


def follows_paragraphs(blocks: list[Block], position: int, count: int) -> bool:
    """Is the block at `position` a paragraph, and so are the `count` blocks right before it?"""
    if position < count:
        return False
    for block in blocks[position - count: position + 1]:
        if block.kind != "paragraph":
            return False
    return True


def names_a_city(block: Block, reading: Reading) -> bool:
    """Does any sentence of the block name a city (the page's find_sites answers from its cache)?"""
    return any(reading.find_sites(sentence) for sentence in block.sentences)


#: A headline's words at most: longer unpunctuated lines are prose the cleaner could not split.
MAX_HEADLINE_WORDS = 16


def reads_as_headline(block: Block) -> bool:
    """The title, a heading, or a headline further down the page ('Police detain dozens at Navalny rally on the
    embankment' under a digest's city): one short line without a final stop."""
    if block.kind in ("title", "heading"):
        return True
    return (block.kind == "paragraph" and len(block.sentences) == 1 and not block.text.endswith((".", "!", "?", '"', ":"))
            and len(block.text.split()) <= MAX_HEADLINE_WORDS)


#: Where a statement can hand over to a question it quotes ('ended with 100 arrests, after ...: why are our sons
#: being sent to fight?').
_CLAUSE_HANDOVERS = (": ", "; ", " - ")


def is_question(text: str) -> bool:
    """A sentence that asks, as a whole: it ends with a question mark and no statement comes before the question."""
    return text.rstrip("\"' ").endswith("?") and not any(handover in text for handover in _CLAUSE_HANDOVERS)


def asks_about_detentions(block: Block, reading: Reading) -> bool:
    """'How many people were detained?': the block's last sentence asks, and about detentions ('how big were these
    protests?' after a headline on detentions does not)."""
    question = block.sentences[-1] if block.sentences else block.text
    return is_question(question) and mentions_detention(question, reading)


def extract_claims(blocks: list[Block], find_sites: FindSites) -> list[DetentionClaim]:
    """All distinct detention claims of a page, in order of first mention."""
    reading = read_blocks(blocks, find_sites)
    candidates = drop_vague_headlines(reading.candidates)
    document_day = reports_a_day(reading.detention_sentences)
    claims = []
    for candidate in candidates:
        figure = candidate.figure
        # A card value's figure is placed in its value, not in the quoted line: that line is read whole.
        in_quote = candidate.quote[figure.start: figure.end] == figure.text
        said = scope_of_figure(candidate.quote, figure.start, figure.end) if in_quote else scope_of(candidate.quote)
        scope = candidate.scope or said or ("day" if document_day else "unknown")
        source = find_source(reading.sentences, candidate.sentence_index)
        claims.extend(claims_of(candidate, scope, source))
    return merge_repeated(claims)


def drop_vague_headlines(candidates: list[Candidate]) -> list[Candidate]:
    """'Hundreds detained' above 'more than 700 were detained' (or above city figures that add up to a hundred or
    more) is the same news, not a claim of its own."""
    precise = [c.figure.count for c in candidates if c.figure.qualifier != "vague" and not c.headline]
    told = sum(precise)
    return [c for c in candidates if not (c.headline and c.figure.qualifier == "vague" and told >= c.figure.count)]


def claims_of(candidate: Candidate, scope: Scope, source: str | None) -> list[DetentionClaim]:
    """One claim per place; one figure shared by several cities is vague for each of them."""
    figure = candidate.figure
    shared = len(candidate.places) > 1
    return [
        DetentionClaim(count=figure.count, upper=figure.upper, qualifier="vague" if shared else figure.qualifier,
                       text=figure.text, place=place.name if place else NATIONWIDE, country=place.country if place else None,
                       source=source, scope=scope, quote=candidate.quote)
        for place in (candidate.places or (None,))
    ]


def merge_repeated(claims: list[DetentionClaim]) -> list[DetentionClaim]:
    """The same figure for the same place in headline, lede and body is one claim: keep its fullest telling."""
    groups: dict[tuple, list[DetentionClaim]] = {}
    for claim in claims:
        groups.setdefault((claim.count, claim.upper, claim.place), []).append(claim)
    merged = []
    for group in groups.values():
        best = max(group, key=lambda c: (c.source is not None, c.scope != "unknown", c.qualifier != "vague"))
        scopes = [c.scope for c in group if c.scope != "unknown"]
        merged.append(best.model_copy(update={"scope": best.scope if best.scope != "unknown" or not scopes else scopes[0]}))
    return merged
