"""Detention figures: a number counts only where the sentence ties it to detaining or arresting people.

Each figure is tested against the forms wire copy uses ("police detained N", "N people were
arrested", "N arrests", "hundreds of detentions", "the number of detainees rose to N", "and M in
St Petersburg"), then given its place, source and scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schemas import NATIONWIDE, DetentionClaim, Place, Scope
from worker.text.numbers import Figure, find_figures
from worker.text.places import CityMention

_DETAIN_PARTICIPLE = r"(?:detained|arrested|apprehended|rounded\s+up|taken\s+into\s+custody|held(?!\s+(?:a|an|the|rallies|protests|talks|meetings|placards|signs|banners|posters|up|out|back|for)\b)|taken\s+away\s+by\s+police|in\s+custody|behind\s+bars\s+overnight)"
_DETAIN_NOUN = r"(?:arrests|detentions|detainees|arrested|detained)"
_PEOPLE = (
    r"(?:people|persons|protesters|protestors|demonstrators|activists|participants|residents|citizens|students|"
    r"journalists|russians|men|women|individuals|others|children|minors|pensioners|supporters|opponents|critics|"
    r"muscovites|marchers|picketers|rally-goers|believers|reporters|lawyers|teenagers|youths|"
    r"of\s+them|of\s+whom|more)"
)
_MODIFIER = r"(?:[a-z]+-[a-z]+|peaceful|anti-war|young|russian|belarusian|ukrainian|local|other|more|further|new|additional|opposition|navalny|pro-navalny|alleged|reported|total|more\s+than|people's)"
_AUXILIARY = r"(?:(?:were|was|are|is|have|has|had|been|being|be|got|get|may|might|could|would|will|reportedly|also|already|now|so\s+far|then|later|subsequently|reported|said\s+to\s+have|thought\s+to\s+have|believed\s+to\s+have)\s+)*"

# "1,474 people were detained", "dozens of protesters have been arrested", "1,300 arrests", "12 detained"
_FIGURE_THEN_DETENTION = re.compile(
    rf"^\s*(?:of\s+)?(?:{_MODIFIER}\s+){{0,3}}(?:{_PEOPLE}\s+)?(?:{_MODIFIER}\s+){{0,2}}"
    rf"(?:{_DETAIN_NOUN}\b|{_AUXILIARY}{_DETAIN_PARTICIPLE}\b|(?:who|that)\s+{_AUXILIARY}{_DETAIN_PARTICIPLE}\b)",
    re.IGNORECASE,
)
# "police detained 1,474", "Russia detains N at protests", "arresting at least 300"
_DETENTION_VERB_THEN_FIGURE = re.compile(
    r"\b(?:detain(?:s|ed|ing)?|arrest(?:s|ed|ing)?|apprehend(?:s|ed|ing)?|round(?:s|ed|ing)?\s+up|jail(?:s|ed)?\s+overnight|"
    r"(?:haul(?:s|ed|ing)?|carr(?:y|ies|ied|ying)|drag(?:s|ged|ging)?|t(?:ake|akes|ook|aking))\s+away)"
    r"\s+(?:(?:a\s+total\s+of|an?\s+additional|another|a\s+further|some\s+of\s+the|the)\s+)?['\"]?$",
    re.IGNORECASE,
)
# "the number of detainees rose to N", "arrests climbed past N", "the total number of arrests since Thursday past N"
_DETENTION_NOUN_PHRASE = re.compile(
    r"\b(?:arrests|detentions|detainees|(?:people|protesters|those)\s+(?:detained|arrested)|detained|arrested)\b",
    re.IGNORECASE,
)
_TALLY_VERB = re.compile(
    r"\b(?:rose|rise|rising|risen|climbed|climbing|climb|reached|reaching|reach|exceeded|exceeds|exceeding|passed|"
    r"past|topped|tops|surpassed|surpasses|stood|stands|hit|hits|increased|jumped|grew|swelled|neared|nears|"
    r"approached|totalled|totaled|totals|numbered|numbers|takes|took|bringing|brings|brought|is|was|were|are|at|to|of)\b",
    re.IGNORECASE,
)
# Matched on the lower-cased sentence (faster than IGNORECASE).
_DETENTION_CUE = re.compile(r"\b(?:detain|detention|arrest|apprehend|held|custody|round|haul|carr|drag|t[ao]o?k|jail)")
_CITY_TALLY = re.compile(r"[A-Z][\w'-]+\s*\($")
_DETENTION_WORD = re.compile(r"\b(?:detain\w*|detention\w*|arrest\w*)", re.IGNORECASE)
# A verb of change anywhere between the noun and the figure ("arrests since Thursday climbed to N").
_TALLY_VERB_ANYWHERE = re.compile(
    r"\b(?:rose|climbed|reached|exceeded|passed|topped|surpassed|stood|increased|jumped|grew|takes|took|bringing)\b",
    re.IGNORECASE,
)
_TALLY_QUALIFIER = re.compile(r"^(?:past|exceeded|exceeding|surpassed|topped|passed)\b", re.IGNORECASE)
# "... and 200 in St Petersburg", "including 800 in Moscow", "while scores more reported in Yekaterinburg"
_COORDINATED = re.compile(r"(?:,|;|\band\b|\bwhile\b|\bwhereas\b|\bwith\b|\bincluding\b|\bof\s+(?:them|whom)\b|\bplus\b)\s*$", re.IGNORECASE)
_COORDINATED_TAIL = re.compile(
    r"^\s*(?:more\b|(?:people\s+|others\s+)?(?:(?:were|was)\s+)?(?:(?:reported|held|detained|arrested)\s+)?(?:in|at)\s+)", re.IGNORECASE
)

# What a figure measures when it is not people: never a detention count.
_UNIT_AFTER = re.compile(
    r"^\s*(?:-|\s)?(?:years?|year-olds?|-year-old|months?|weeks?|days?|hours?|minutes?|seconds?|nights?|times|"
    r"cities|towns|regions|countries|villages|percent|per\s+cent|%|km|kilometres|kilometers|miles|metres|meters|degrees|"
    r"centigrade|celsius|rubles|roubles|dollars|euros|pounds|views|votes|signatures|followers|subscribers|"
    r"million|billion|trillion|tonnes|kg|pm|am|p\.m\.|a\.m\.|o'clock|st|nd|rd|th|cases|counts|articles|laws?|"
    r"soldiers|troops|servicemen|reservists|conscripts|recruits|tanks|missiles|deaths|dead|killed|injured|wounded|"
    r"fines?|sentences?|rallies|protests|demonstrations|pickets|police|officers|riot\s+police)\b",
    re.IGNORECASE,
)

_NATIONWIDE_MARKERS = re.compile(
    r"\b(?:nationwide|across\s+(?:Russia|the\s+country|\d[\d,]*\s+cities|dozens\s+of\s+cities)|throughout\s+(?:Russia|the\s+country)|"
    r"all\s+over\s+(?:Russia|the\s+country)|around\s+the\s+country|in\s+(?:more\s+than\s+|over\s+|at\s+least\s+)?\d[\d,]*\s+cities|"
    r"country-wide|countrywide|Russia-wide|in\s+total|in\s+all|overall)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"(?:,\s*(?:while|whereas|but|and|which|who)\b|;|\bwhile\b|\bwhereas\b|\bbut\b|:)", re.IGNORECASE)
_SITE_PREPOSITION = re.compile(
    r"\b(?:in|at|near|outside|across|from)\s+(?:the\s+)?(?:(?:central|downtown|northern|southern|eastern|western|"
    r"(?:[A-Z][\w'-]*\s+)?(?:city|town|centre|center|capital|port)\s+of)\s+)?(?:[A-Z][\w'-]*\s+)?$"
)

_LEADING_LOCATIVE = re.compile(r"^\s*(?:[\w:.-]+\s+-\s+)?(?:In|At|Outside|Near)\s+(?:the\s+)?(?:(?:[A-Z]\w+\s+)?city\s+of\s+)?$")
_SITE_LIST = re.compile(r"^\s*(?:,\s*|,?\s*and\s+|,?\s*or\s+|\s+as\s+well\s+as\s+)(?:in\s+)?$")

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DATES = re.compile(rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|(?:19|20)\d\d)\b")
_DAY_MARKERS = re.compile(
    rf"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|yesterday|last\s+night|(?:on|by|late\s+on|early\s+on|during)\s+{_WEEKDAY}"
    rf"|{_WEEKDAY}'s\s+(?:protests?|rall(?:y|ies)|demonstrations?)|(?:on|by)\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})|on\s+the\s+day)\b",
    re.IGNORECASE,
)
_CUMULATIVE_STRONG = re.compile(
    r"\b(?:since|to\s+date|total\s+number|running\s+total|altogether|cumulative|in\s+the\s+(?:past|last)\s+\w+\s+(?:days|weeks|months)|"
    r"over\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:days|weeks|months)|over\s+the\s+weekend|throughout\s+the\s+(?:week|weekend)|"
    r"(?:this|that|the)\s+week|(?:so\s+)?far\s+this\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
_CUMULATIVE_WEAK = re.compile(r"\b(?:in\s+total|in\s+all|overall|so\s+far|total)\b", re.IGNORECASE)
_LIVE_DAY = re.compile(r"\b(?:today|tonight|this\s+evening)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    text: str
    index: int


@dataclass(frozen=True)
class _Candidate:
    figure: Figure
    sentence: Sentence
    places: tuple[Place, ...]


CONTEXT = 120


def is_detention_figure(sentence: str, figure: Figure, earlier_claims: list[Figure]) -> bool:
    """Does the sentence tie this figure to people being detained or arrested?"""
    # Local context only: every form below fits in a few words around the figure, and bounded windows keep
    # the work per figure constant however long the sentence.
    after = sentence[figure.end: figure.end + CONTEXT]
    before = sentence[max(0, figure.start - CONTEXT): figure.start]
    if _UNIT_AFTER.match(after):
        return False
    if re.match(r"^(?:19|20)\d\d$", figure.text.strip()) and figure.qualifier == "exact":
        return False  # a year
    if _FIGURE_THEN_DETENTION.match(after):
        return True
    if _CITY_TALLY.search(before) and after.startswith(")") and _DETENTION_WORD.search(sentence):
        return True  # "Detentions were also reported in Voronezh (31), Tyumen (14) and Izhevsk (9)."
    if _DETENTION_VERB_THEN_FIGURE.search(before):
        return True
    if earlier_claims and _COORDINATED.search(sentence[max(earlier_claims[-1].end, figure.start - CONTEXT): figure.start]) and _COORDINATED_TAIL.match(after):
        return True
    return _is_tally_figure(before, figure)


def _is_tally_figure(before: str, figure: Figure) -> bool:
    """'The number of detainees rose to N', 'total number of arrests since Thursday past N'."""
    nouns = list(_DETENTION_NOUN_PHRASE.finditer(before))
    if not nouns:
        return False
    between = before[nouns[-1].end():]
    if re.search(r"\d", _DATES.sub(" ", between)) or re.search(r"[.;!?]", between):
        return False
    if _TALLY_QUALIFIER.match(figure.text):
        return True
    words = between.split()
    return bool((words and _TALLY_VERB.search(words[-1])) or _TALLY_VERB_ANYWHERE.search(between))


def _places_for(sentence: str, figure: Figure, previous_end: int, next_start: int, sites: list[CityMention]) -> tuple[Place, ...]:
    """The cities a figure belongs to: named after it in its clause, else 'nationwide' when the clause says so,
    else named before it in its clause (since the previous figure)."""
    clause_break = _CLAUSE_BREAK.search(sentence, figure.end)
    clause_end = clause_break.start() if clause_break else len(sentence)
    after: list[Place] = []
    previous_site_end = None
    for mention in (m for m in sites if figure.end <= m.start < min(next_start, clause_end)):
        if (previous_site_end is not None and _SITE_LIST.match(sentence[previous_site_end: mention.start])) or (
            not after and _SITE_PREPOSITION.search(sentence[figure.end: mention.start])
        ):
            after.append(mention.place)
            previous_site_end = mention.end
    if after:
        return tuple(dict.fromkeys(after))
    breaks_before = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, previous_end, figure.start)]
    clause_start = max([previous_end, *breaks_before])
    if _NATIONWIDE_MARKERS.search(sentence[figure.end: clause_end]) or _NATIONWIDE_MARKERS.search(sentence[clause_start: figure.start]):
        return ()
    before = [m.place for m in sites if clause_start <= m.start and m.end <= figure.start]
    if not before:
        # "In Yakutsk, dozens of women danced ..., and police detained 16 of them": a sentence-initial place scopes it all.
        before = [m.place for m in sites if m.end <= figure.start and _LEADING_LOCATIVE.match(sentence[: m.start])]
    return tuple(dict.fromkeys(before))


def scope_of(sentence: str) -> Scope | None:
    """'since Thursday' is cumulative; 'on Sunday' or 'today' is a day even after 'In total'."""
    if _CUMULATIVE_STRONG.search(sentence):
        return "cumulative"
    if _DAY_MARKERS.search(sentence):
        return "day"
    if _CUMULATIVE_WEAK.search(sentence):
        return "cumulative"
    return None


def extract_claims(sentences: list[str], find_sites: Callable[[str], list[CityMention]], find_source,
                   headline_sentences: int = 0) -> list[DetentionClaim]:
    """All distinct detention claims of a document, in order of first mention.

    The first `headline_sentences` are the headline: a vague headline figure ("Hundreds detained") that the
    body states more precisely (a figure at least as large) is the same news, not a claim of its own."""
    candidates: list[_Candidate] = []
    seen: set[str] = set()
    for index, text in enumerate(sentences):
        if text in seen or not _DETENTION_CUE.search(text.lower()):
            continue  # a repeated sentence restates its claims; every form below needs a word for detaining
        seen.add(text)
        figures = find_figures(text)
        accepted: list[Figure] = []
        sites = find_sites(text) if figures else []
        for position, figure in enumerate(figures):
            if not is_detention_figure(text, figure, accepted):
                continue
            previous_end = accepted[-1].end if accepted else 0
            next_start = figures[position + 1].start if position + 1 < len(figures) else len(text)
            places = _places_for(text, figure, previous_end, next_start, sites)
            accepted.append(figure)
            candidates.append(_Candidate(figure, Sentence(text, index), places))
    precise = [c.figure.count for c in candidates if c.figure.qualifier != "vague" and c.sentence.index >= headline_sentences]
    candidates = [
        c for c in candidates
        if not (c.sentence.index < headline_sentences and c.figure.qualifier == "vague" and any(p >= c.figure.count for p in precise))
    ]
    document_day = _is_day_document(sentences, candidates)
    claims: list[DetentionClaim] = []
    scopes: dict[int, Scope] = {}
    sources: dict[int, str | None] = {}
    for candidate in candidates:
        sentence = candidate.sentence
        if sentence.index not in scopes:
            scopes[sentence.index] = scope_of(sentence.text) or ("day" if document_day else "unknown")
            sources[sentence.index] = find_source(sentences, sentence.index)
        scope, source = scopes[sentence.index], sources[sentence.index]
        figure = candidate.figure
        shared = len(candidate.places) > 1
        for place in candidate.places or (None,):
            claims.append(
                DetentionClaim(
                    count=figure.count,
                    upper=figure.upper,
                    qualifier="vague" if shared else figure.qualifier,
                    text=figure.text,
                    place=place.name if place else NATIONWIDE,
                    country=place.country if place else None,
                    source=source,
                    scope=scope,
                    quote=sentence.text,
                )
            )
    return merge_repeated(claims)


def _is_day_document(sentences: list[str], candidates: list[_Candidate]) -> bool:
    """A document that dates one of its figures to a day, or that is live coverage of one day."""
    if any(scope_of(text) == "day" for text in {c.sentence.text for c in candidates}):
        return True
    return len(_LIVE_DAY.findall("\n".join(sentences))) >= 2


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
