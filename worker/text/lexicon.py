"""Tokens of a sentence, tagged with the reader's word categories (data/lexicon.json) in one pass.

A figure ("more than 1,300") and a city ("St. Petersburg", "the capital of Tatarstan") each become one token, so
that frames (frames.py) are short sequences over tokens instead of regular expressions over characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from functools import cache
from importlib import resources

from schemas import Place
from worker.text.numbers import RUNNING_COUNT_VERBS, Figure, find_figures
from worker.text.phrase_index import PhraseIndex
from worker.text.places import CityMention, continues_a_name

_WORD = re.compile(r"[A-Za-z0-9]+(?:['.-][A-Za-z0-9]+)*'?s?|[^\sA-Za-z0-9]")
_PUNCTUATION = {",": "COMMA", "(": "LPAREN", ")": "RPAREN", "-": "DASH", "–": "DASH", ":": "COLON", ";": "SEMI",
                ".": "STOP", "!": "STOP", "?": "STOP", "+": "PLUS", "'": "QUOTE", '"': "QUOTE"}
MAX_PHRASE_TOKENS = 6
#: A region named alone ("in Chechnya"): its capital, if the page names that city too.
REGION = "@region:"
#: A capitalised word the lexicon does not know (a name: "Two RusNews correspondents"); lexicon phrases drop it.
_CAPWORD = frozenset({"CAPWORD"})
CAPITAL = "@capital"
_PUNCTUATION_CATEGORIES = {mark: frozenset({name}) for mark, name in _PUNCTUATION.items()}
_NO_CATEGORIES: frozenset[str] = frozenset()
_PLACE = frozenset({"PLACE"})


class Token(NamedTuple):
    """One word, punctuation mark, figure or place (a tuple: a page makes thousands, and tuples are cheap)."""

    text: str
    start: int
    end: int
    categories: frozenset[str] = frozenset()
    figure: Figure | None = None
    place: Place | None = None
    #: A place described rather than named ("the capital"), to be resolved against the article's country.
    place_phrase: str | None = None

    def has(self, category: str) -> bool:
        return category in self.categories


_SEARCHED_CATEGORIES = ("PROTEST", "DETAIN_VERB", "DETAIN_NOUN")


class PhraseSearch:
    """Is any of many phrases in a text? One Aho-Corasick pass: a regex alternation of a hundred phrases is tried
    at every character and cost more than the rest of the sentence checks together."""

    def __init__(self, phrases: Iterable[str], *, whole_words: bool) -> None:
        self._index: PhraseIndex[None] = PhraseIndex(dict.fromkeys(phrases))
        self._whole_words = whole_words

    def found_in(self, text: str) -> bool:
        for start, end, _ in self._index.hits(text):
            if not self._whole_words or is_whole_word(text, start, end):
                return True
        return False


def is_whole_word(text: str, start: int, end: int) -> bool:
    """No word character right before `start` nor right at `end` (regex \\b on both sides of a word)."""
    return not (start > 0 and _is_word_char(text[start - 1])) and not (end < len(text) and _is_word_char(text[end]))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class Lexicon:
    #: Each phrase (its words) -> the token it becomes: its categories (PLACE for a place phrase) and the place it
    #: describes ("the capital", "the capital of Tatarstan"), if any.
    phrase_tokens: dict[tuple[str, ...], tuple[frozenset[str], str | None]]
    categories: frozenset[str] = field(default_factory=frozenset)
    #: Every proper prefix of a phrase: a lookup stops as soon as no phrase can continue.
    prefixes: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    #: The first word of every phrase of two words or more: only these start the search for the longest phrase.
    longer_first_words: frozenset[str] = field(default_factory=frozenset)
    #: One-pass searches for the cheap checks that need no tokens: PROTEST, DETAIN_*, and PROTEST_SITE (either).
    searches: dict[str, PhraseSearch] = field(default_factory=dict)
    #: Word beginnings of detention words ("detain", "arrest"): a sentence without any holds no detention figure.
    stem_search: PhraseSearch | None = None

    def may_mention_detention(self, lowered: str) -> bool:
        return self.stem_search.found_in(lowered)

    def mentions(self, category: str, lowered: str) -> bool:
        """Does the lower-cased text hold one of the category's phrases as whole words?"""
        return self.searches[category].found_in(lowered)


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(match.group(0) for match in _WORD.finditer(phrase.lower()))



def region_phrases(regions: Iterable[list[str]]) -> dict[str, str]:
    """'the capital of Tatarstan', "Tatarstan's capital", 'the Tatar capital' -> Kazan."""
    phrases = {}
    for region, adjective, capital in regions:
        region, adjective = region.lower(), adjective.lower()
        phrases[f"the capital of {region}"] = capital
        phrases[f"{region}'s capital"] = capital
        phrases[f"the {adjective} capital"] = capital
        phrases[f"the capital of the republic of {region}"] = capital
    return phrases


@cache
def lexicon() -> Lexicon:
    data = resources.files("worker.text").joinpath("data")
    loaded = json.loads(data.joinpath("lexicon.json").read_text(encoding="utf-8"))
    categories = loaded["categories"]
    places = json.loads(data.joinpath("place_phrases.json").read_text(encoding="utf-8"))
    phrases: dict[tuple[str, ...], set[str]] = {}
    for name, entry in categories.items():
        for phrase in entry["phrases"]:
            phrases.setdefault(_words(phrase), set()).add(name)
    regions = places["region_capitals"]["regions"]
    described = {**{region.lower(): REGION + capital for region, _, capital in regions},
                 **places["phrases"], **region_phrases(regions)}
    place_phrases = {_words(phrase): city for phrase, city in described.items()}
    prefixes = frozenset(key[:end] for key in [*phrases, *place_phrases] for end in range(1, len(key)))
    searches = {name: PhraseSearch(categories[name]["phrases"], whole_words=True) for name in _SEARCHED_CATEGORIES}
    site_words = [p for name in _SEARCHED_CATEGORIES for p in categories[name]["phrases"]]
    searches["PROTEST_SITE"] = PhraseSearch(site_words, whole_words=True)
    searches["NATIONWIDE"] = PhraseSearch(categories["NATIONWIDE"]["phrases"], whole_words=True)
    stems = loaded["detention_stems"]["stems"]
    phrase_tokens = {key: (frozenset(phrases.get(key, ())) | (_PLACE if key in place_phrases else _NO_CATEGORIES),
                           place_phrases.get(key)) for key in [*phrases, *place_phrases]}
    longer_first_words = frozenset(key[0] for key in phrase_tokens if len(key) > 1)
    return Lexicon(phrase_tokens, frozenset(categories), prefixes, longer_first_words, searches,
                   PhraseSearch(stems, whole_words=False))


def _raw_tokens(text: str, start: int, end: int) -> list[Token]:
    tokens = []
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        categories = _PUNCTUATION_CATEGORIES.get(word) or (_CAPWORD if word[0].isupper() else _NO_CATEGORIES)
        word_start, word_end = match.span()
        tokens.append(Token(word.lower(), word_start, word_end, categories))
    return tokens


def _longest_phrase(tokens: list[Token], position: int, lex: Lexicon) -> int:
    """How many tokens from `position` form the longest lexicon phrase (0: none)."""
    best = 0
    key: tuple[str, ...] = ()
    for token in tokens[position: position + MAX_PHRASE_TOKENS]:
        if token.figure or token.place:
            break
        key = (*key, token.text)
        if key in lex.phrase_tokens:
            best = len(key)
        if key not in lex.prefixes:
            break
    return best


def _merge_phrases(tokens: list[Token], lex: Lexicon) -> list[Token]:
    """Longest phrase first: 'taken into custody' is one DETAIN_PARTICIPLE token, 'the capital' one place."""
    merged: list[Token] = []
    position = 0
    longer_first_words, phrase_tokens = lex.longer_first_words, lex.phrase_tokens
    while position < len(tokens):
        token = tokens[position]
        if token.figure or token.place:
            merged.append(token)
            position += 1
            continue
        length = _longest_phrase(tokens, position, lex) if token.text in longer_first_words else 0
        if length > 1:
            window = tokens[position: position + length]
            key = tuple(t.text for t in window)
            categories, city = phrase_tokens[key]
            merged.append(Token(" ".join(key), window[0].start, window[-1].end, categories, place_phrase=city))
            position += length
            continue
        # Most words are a phrase of one word or of none: the table answers without a search for longer ones.
        single = phrase_tokens.get((token.text,))
        if single is None and token.text.endswith("'s"):
            single = _possessive_of_a_phrase(token.text, phrase_tokens)
        if single is None:
            merged.append(token)
        else:
            categories, city = single
            merged.append(Token(token.text, token.start, token.end, categories | (token.categories - _CAPWORD), place_phrase=city))
        position += 1
    return merged


_LOCATIVE = frozenset({"LOCATIVE"})


def _name_the_town(tokens: list[Token]) -> None:
    """'In the town of Khasavyurt': a town named right after is no anaphor to the place named before; 'in the town
    of' is then a plain locative before its city."""
    for position in _positions_followed_by_a_city(tokens, "ANAPHORIC_PLACE", gap=("of",)):
        token = tokens[position]
        tokens[position] = token._replace(categories=_LOCATIVE if token.text.startswith("in ") else _NO_CATEGORIES)


def _name_the_capital(tokens: list[Token]) -> None:
    """'in the capital Makhachkala': the city named right after is the capital meant, not the country's capital;
    'the capital' is then no place of its own. ('in the capital, Moscow,' stays two mentions of one city.)"""
    for position in _positions_followed_by_a_city(tokens, "PLACE", gap=()):
        token = tokens[position]
        if token.place_phrase == CAPITAL:
            tokens[position] = token._replace(categories=token.categories - _PLACE, place_phrase=None)


def _positions_followed_by_a_city(tokens: list[Token], category: str, gap: tuple[str, ...]) -> list[int]:
    """Positions of the tokens of a category right before a named city, with the gap's words between."""
    found = []
    for position, token in enumerate(tokens):
        if category in token.categories:
            after = position + 1 + len(gap)
            if (after < len(tokens) and tokens[after].place is not None
                    and all(tokens[position + 1 + k].text == word for k, word in enumerate(gap))):
                found.append(position)
    return found


def _possessive_of_a_phrase(word: str, phrase_tokens: dict) -> tuple[frozenset[str], str | None] | None:
    """"OVD-Info's tally": the possessive of a word is tagged as the word (a place keeps no place phrase)."""
    found = phrase_tokens.get((word[:-2],))
    return (found[0] - _PLACE, None) if found else None


def _figure_categories(figure: Figure) -> frozenset[str]:
    if figure.text.lower().startswith(RUNNING_COUNT_VERBS):
        return frozenset({"FIGURE", "TALLY_FIGURE"})
    return frozenset({"FIGURE"})


def tag(sentence: str, find_sites: Callable[[str], list[CityMention]], figures: list[Figure] | None = None) -> list[Token]:
    """The sentence as tokens: figures and named cities first, then words merged into lexicon phrases."""
    figures = find_figures(sentence) if figures is None else figures
    sites = find_sites(sentence)
    spans: list[Token] = [Token(f.text.lower(), f.start, f.end, _figure_categories(f), figure=f) for f in figures]
    taken = [(f.start, f.end) for f in figures]
    for site in sites:
        if not any(start < site.end and site.start < end for start, end in taken):
            spans.append(Token(sentence[site.start: site.end].lower(), site.start, site.end, _PLACE, place=site.place))
    spans.sort(key=lambda t: t.start)
    tokens: list[Token] = []
    cursor = 0
    for span in spans:
        tokens.extend(_raw_tokens(sentence, cursor, span.start))
        tokens.append(span)
        cursor = span.end
    tokens.extend(_raw_tokens(sentence, cursor, len(sentence)))
    merged = _merge_phrases(tokens, lexicon())
    _name_the_capital(merged)
    _name_the_town(merged)
    _unplace_names(merged, sentence)
    return merged


#: How far after a region's name a name it begins is looked for ("Dagestan Without Mobilisation").
_NAME_WINDOW = 40


def _unplace_names(tokens: list[Token], sentence: str) -> None:
    """'the Dagestan Without Mobilisation hotline', 'Yakutia Today': a region that begins a name is no place."""
    for position, token in enumerate(tokens):
        if token.place_phrase and token.place_phrase.startswith(REGION) and continues_a_name(
                sentence[token.end: token.end + _NAME_WINDOW]):
            tokens[position] = token._replace(categories=token.categories - _PLACE, place_phrase=None)
