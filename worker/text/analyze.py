"""`analyze(text, doc_id) -> Report`: the one entry point of the text logic."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

from schemas import NATIONWIDE, Place, Report
from worker.text.attach import article_capital
from worker.text.clean import CleanText, clean
from worker.text.detentions import extract_claims
from worker.text.lexicon import lexicon
from worker.text.places import CityMention, gazetteer
from worker.text.segment import segment
from worker.text.waves import WaveReading, wave_classifier

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
    claims = extract_claims(blocks, find_sites)
    cities = protest_cities([block.sentences for block in blocks], find_sites)
    for claim in claims:
        if claim.place != NATIONWIDE:
            place = gazetteer().place(claim.place, claim.country or "RU")
            cities.setdefault(claim.place, place or Place(name=claim.place, country=claim.country or "RU"))
    page = cleaned.text
    reading = wave_classifier().classify(page, any(place.country == "RU" for place in cities.values()))
    if reading.wave != "other" and not claims and not lexicon().mentions("PROTEST", page.lower()):
        # A wave is a wave of protests: men fleeing the call-up or a ban on a foundation are not one.
        reading = WaveReading("other", reading.confidence, ["no protest and no detention reported"])
    if reading.wave != "other" and is_about_protests_abroad(page, cities):
        # Protests in other countries are not Russia's waves, even when the text compares them with Russia's.
        reading = WaveReading("other", reading.confidence, ["every protest city is abroad"])
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


def is_about_protests_abroad(text: str, cities: dict[str, Place]) -> bool:
    """Every protest city is in another country, and so is the capital of the country the text names most (Russian
    police detaining anti-war protesters, with a rally in Minsk beside them, are still Russia's wave)."""
    if not cities or any(place.country == "RU" for place in cities.values()):
        return False
    capital = article_capital(text)
    return capital is not None and capital.country != "RU"


def protest_cities(lines: list[list[str]], find_sites: Callable[[str], list[CityMention]]) -> dict[str, Place]:
    """Cities where the text reports protests: named in a sentence about protests, or a live-blog caption."""
    lex = lexicon()
    about_protests = lex.mentions("PROTEST", "\n".join(sentence for line in lines for sentence in line).lower())
    found: dict[str, Place] = {}
    if not about_protests:
        return found
    for line in lines:
        for position, sentence in enumerate(line):
            sites = find_sites(sentence)
            if not sites:
                continue
            lowered = sentence.lower()
            about_protest = lex.mentions("PROTEST_SITE", lowered)
            if not (about_protest or position == 0):
                continue
            if about_protest:
                for site in sites:
                    found.setdefault(site.place.name, site.place)
            elif _CAPTION.match(sentence[: sites[0].start]):
                found.setdefault(sites[0].place.name, sites[0].place)
    return found
