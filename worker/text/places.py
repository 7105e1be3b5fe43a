"""City mentions from the frozen GeoNames gazetteer, matched with Aho-Corasick.

The gazetteer is built by scripts/build_gazetteer.py; here it is only loaded and matched, together with a small
table of landmarks that stand for their city (data/landmarks.json).
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

from schemas import Place
from worker.text.phrase_index import PhraseIndex

# A capitalised word right after a city makes the city part of a name: "Pushkin Square",
# "Moscow Times", "Jerusalem Post", "Moscow City Court"; not the small words a Title Case headline capitalises
# ("Over 1,000 Held In Moscow After Navalny Is Jailed").
_NAME_CONTINUES = re.compile(
    r"^[ ]+(?!(?:And|Or|On|In|At|As|After|Amid|Against|Before|During|Despite|For|From|Over|To|With|Is|Are|Was|Were|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)(?:[A-Z][a-z]+|[A-Z]{2,})"
)
# The city describes a person or thing rather than where something happens.
_ATTRIBUTIVE_AFTER = re.compile(
    r"^[ ]+(?:-based\b|based\b|born\b|native\b|resident\b|residents\b|lawyer\b|activist\b|journalist\b|"
    r"human rights\b|rights\b|politician\b|official\b|officials\b|mayor\b|governor\b|court\b|university\b|"
    r"team\b|club\b|branch\b|office\b|headquarters\b|correspondent\b|bureau\b|region\b|oblast\b|province\b|time\b|"
    r"monument\b|statue\b|tract\b|highway\b)",
    re.IGNORECASE,
)
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:\blooks?\s+like|\bresembles?|\breminiscent\s+of|\bborn\s+in|\bthen)\s+$", re.IGNORECASE)
# A city that measures the distance to the scene is not the scene: "about 450 km by road from Ulan-Ude", "a village
# north of Kazan".
_DISTANCE_BEFORE = re.compile(r"(?:\b(?:km|kilometres|kilometers|miles)\b[a-z ]{0,20}\bfrom|\b(?:north|south|east|west)\s+of)\s+$",
                              re.IGNORECASE)
#: Wider than the longest text the patterns before and after a mention can match.
_BEFORE_WINDOW = 40
_AFTER_WINDOW = 40
#: A character before a name that makes it part of a longer word (besides letters and digits).
_JOINING_CHARS = frozenset("_'-")


class CityMention(NamedTuple):
    """A city named in a text (a tuple: every sentence of a page is searched, and tuples are cheap to make)."""

    place: Place
    start: int
    end: int


class Gazetteer:
    """Alias -> canonical city, with word-boundary-checked multi-pattern search.

    A city's Place is made when a text first names it: a page names a few of the gazetteer's ten thousand, and
    ten thousand pydantic Places held about 10 MB in every process that looks places up (the worker's for its
    map, its reader's)."""

    def __init__(self, places: list[list], aliases: list[list], landmarks: list[list] = (),
                 person_words: list[str] = ()) -> None:
        self._fields = {geonames_id: (name, country, lat, lon) for geonames_id, name, country, _population, lat, lon in places}
        self._ids = {(name, country): geonames_id for geonames_id, (name, country, _, _) in self._fields.items()}
        ids = dict(aliases)
        # A landmark names its city: "detained on Bolotnaya Square" happened in Moscow.
        ids.update({landmark: self._ids[(name, country)] for landmark, name, country in landmarks})
        self._names = PhraseIndex(ids)
        self._place_of = lru_cache(maxsize=None)(self._make_place)
        # "Yelena Markova", "Ms Markova": a surname that is also a town's name.
        names = "|".join(map(re.escape, person_words))
        self._person_before = re.compile(r"\b(?:" + names + r")\.?\s+$") if person_words else None

    def _make_place(self, geonames_id: int) -> Place:
        name, country, latitude, longitude = self._fields[geonames_id]
        return Place(name=name, country=country, geonames_id=geonames_id, latitude=latitude, longitude=longitude)

    def place(self, name: str, country: str) -> Place | None:
        """The gazetteer's Place (with its GeoNames id and coordinates) for a canonical name."""
        geonames_id = self._ids.get((name, country))
        return None if geonames_id is None else self._place_of(geonames_id)

    def find(self, text: str) -> list[CityMention]:
        """Every city mention, longest first where mentions overlap ('Nizhny Novgorod' over 'Novgorod')."""
        # Every hit (not only the longest) keeps shorter valid hits whose longer overlap fails the boundary check.
        candidates = [CityMention(self._place_of(geonames_id), start, end) for start, end, geonames_id in self._names.hits(text)
                      if _is_word(text, start, end)]
        if len(candidates) < 2:
            return candidates
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        mentions: list[CityMention] = []
        for mention in candidates:
            if mentions and mention.start < mentions[-1].end:
                continue
            mentions.append(mention)
        return mentions

    def find_sites(self, sentence: str) -> list[CityMention]:
        """Mentions that can be where something happened: not part of a name nor describing a person."""
        return [m for m in self.find(sentence) if not is_attributive(sentence, m) and not self.is_surname(sentence, m)]

    def is_surname(self, sentence: str, mention: CityMention) -> bool:
        if self._person_before is None:
            return False
        window_start = max(0, mention.start - _BEFORE_WINDOW)
        return self._person_before.search(sentence, window_start, mention.start) is not None


def _is_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before in _JOINING_CHARS:
        return False
    if after == "." and text[end + 1: end + 2].islower():
        return False  # a web address: the news site "Tayga.info", not the town of Tayga
    # "Omsk's" and "Moscow-based" are still Omsk and Moscow; "Omsky" is not.
    return not (after.isalnum() or after == "_")


def continues_a_name(after: str) -> bool:
    """Is the text right after a place a capitalised word that makes the place part of a name ('Moscow Times',
    'Dagestan Without Mobilisation')?"""
    return _NAME_CONTINUES.match(after) is not None


def is_attributive(sentence: str, mention: CityMention) -> bool:
    after = sentence[mention.end: mention.end + _AFTER_WINDOW]
    if after.startswith("-based") or _ATTRIBUTIVE_AFTER.match(after):
        return True
    if continues_a_name(after):
        return True
    # Searched only in the few characters before the mention (the patterns end there): a long sentence stays cheap.
    window_start = max(0, mention.start - _BEFORE_WINDOW)
    return bool(_ATTRIBUTIVE_BEFORE.search(sentence, window_start, mention.start)
                or _DISTANCE_BEFORE.search(sentence, window_start, mention.start))


@cache
def gazetteer() -> Gazetteer:
    data = resources.files("worker.text").joinpath("data")
    cities = json.loads(data.joinpath("gazetteer.json").read_text(encoding="utf-8"))
    landmarks = json.loads(data.joinpath("landmarks.json").read_text(encoding="utf-8"))
    people = json.loads(data.joinpath("person_names.json").read_text(encoding="utf-8"))
    person_words = people["honorifics"] + people["first_names"]
    return Gazetteer(cities["places"], cities["aliases"], landmarks["landmarks"], person_words)
