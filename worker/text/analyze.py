"""`analyze(text, doc_id) -> Report`: the one entry point of the text logic."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

from schemas import NATIONWIDE, Place, Report
from worker.text.clean import CleanText, clean
from worker.text.detentions import extract_claims
from worker.text.places import CityMention, gazetteer
from worker.text.segment import segment
from worker.text.waves import wave_classifier

# Words that say something is happening in the street at that place (matched on the lower-cased sentence:
# faster than IGNORECASE; bare "march" is left out, it is the month as often as the protest).
_PROTEST_CUE = re.compile(
    r"\b(?:protest\w*|rall(?:y|ies|ied|ying)|demonstrat\w*|march(?:ed|ing|ers|es)|"
    r"picket\w*|detain\w*|detention\w*|arrest\w*|clash\w*|crowds?|chant\w*|riot\s+police|dispers\w*|"
    r"(?:took|take|taking|hit|hitting|poured\s+into|flooded)\s+(?:to\s+)?the\s+streets|gathered|vigils?|unrest|"
    r"no\s+to\s+war|placards?|banners?|holding\s+(?:up\s+)?(?:a\s+|an\s+)?(?:[\w'-]+\s+)?(?:sign|poster)s?|dissenters?|"
    r"(?:out|turned\s+out)\s+(?:protesting|in\s+force)|rally-goers)\b"
)
# The document is about street protests (an arrest alone, of a journalist or a spy, is not).
_ABOUT_PROTESTS = re.compile(
    r"\b(?:protest\w*|rall(?:y|ies|ied|ying)|demonstrat\w*|(?-i:march(?:ed|ing|ers|es)?)|picket\w*|crowds?|chant\w*|"
    r"(?:took|take|taking|hit)\s+(?:to\s+)?the\s+streets|vigils?|no\s+to\s+war|dissenters?|marchers)\b",
    re.IGNORECASE,
)
# Live-blog captions: "This is Barnaul (videos via Telegram)", "Ufa, population 1 million."
_CAPTION = re.compile(r"^(?:This\s+is\s+|Here\s+is\s+|Now\s+in\s+|Meanwhile\s+in\s+)?$")


def analyze(text: str, doc_id: str) -> Report:
    """Read one archived page: clean it, classify its wave, extract detention claims and protest cities."""
    return analyze_cleaned(clean(text), doc_id, text)


def analyze_cleaned(cleaned: CleanText, doc_id: str, text: str) -> Report:
    """`analyze` for a page already cleaned (the worker checks that something is left before reading it)."""
    blocks = segment(list(cleaned.lines), cleaned.title is not None)
    # Per document: the detention and the protest-city passes ask about the same sentences.
    find_sites = lru_cache(maxsize=None)(gazetteer().find_sites)
    reading = wave_classifier().classify(cleaned.text)
    claims = extract_claims(blocks, find_sites)
    cities = protest_cities([block.sentences for block in blocks], find_sites)
    for claim in claims:
        if claim.place != NATIONWIDE:
            cities.setdefault(claim.place, Place(name=claim.place, country=claim.country or "RU"))
    return Report(
        doc_id=doc_id,
        title=cleaned.title,
        wave=reading.wave,
        wave_confidence=reading.confidence,
        wave_evidence=reading.evidence,
        cities=list(cities.values()),
        detentions=claims,
        text_digest=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )


def protest_cities(lines: list[list[str]], find_sites: Callable[[str], list[CityMention]]) -> dict[str, Place]:
    """Cities where the text reports protests: named in a sentence about protests, or a live-blog caption."""
    about_protests = any(_ABOUT_PROTESTS.search(sentence) for line in lines for sentence in line)
    found: dict[str, Place] = {}
    if not about_protests:
        return found
    for line in lines:
        for position, sentence in enumerate(line):
            about_protest = bool(_PROTEST_CUE.search(sentence.lower()))
            if not (about_protest or position == 0):
                continue
            sites = find_sites(sentence)
            if not sites:
                continue
            if about_protest:
                for site in sites:
                    found.setdefault(site.place.name, site.place)
            elif _CAPTION.match(sentence[: sites[0].start]):
                found.setdefault(sites[0].place.name, sites[0].place)
    return found
