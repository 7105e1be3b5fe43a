"""The five archived seeds against the reading we expect of them (tests/seeds-gold.jsonl)."""

import pytest

from tests.conftest import GOLD as GOLD_FILE
from tests.conftest import SEEDS, SHARED_GOLD, load_gold
from worker.text.analyze import analyze
from worker.text.numbers import find_figures

GOLD = load_gold()


@pytest.mark.skipif(not SHARED_GOLD.exists(), reason=f"no {SHARED_GOLD} to compare with (a user's clone without ../shared)")
def test_the_repository_keeps_the_shared_seeds_gold():
    assert GOLD_FILE.read_text() == SHARED_GOLD.read_text()


def test_there_is_gold_for_every_seed():
    assert sorted(GOLD) == sorted(path.stem for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module", params=sorted(GOLD))
def seed(request):
    doc_id = request.param
    return GOLD[doc_id], analyze((SEEDS / f"{doc_id}.txt").read_text(), doc_id)


def test_wave(seed):
    gold, report = seed
    assert report.wave == gold["wave"], report.wave_evidence


def test_every_gold_city_and_no_other(seed):
    gold, report = seed
    assert {(c.name, c.country) for c in report.cities} == {(c["name"], c["country"]) for c in gold["cities"]}


def test_every_gold_figure_with_qualifier_place_source_and_scope_and_nothing_else(seed):
    gold, report = seed
    fields = ("count", "qualifier", "place", "country", "source", "scope")
    expected = sorted(tuple(c[f] for f in fields) for c in gold["detentions"])
    got = sorted(tuple(getattr(c, f) for f in fields) for c in report.detentions)
    assert got == expected


def test_claim_text_and_quote_are_from_the_text(seed):
    gold, report = seed
    for claim in report.detentions:
        assert claim.text in claim.quote
    gold_texts = sorted(c["text"].lower() for c in gold["detentions"])
    assert sorted(c.text.lower() for c in report.detentions) == gold_texts


def test_not_detentions_never_become_claims(seed):
    gold, report = seed
    for decoy in gold["not_detentions"]:
        decoy_counts = {figure.count for figure in find_figures(decoy)}
        taken = [c for c in report.detentions if c.count in decoy_counts and c.text.lower() in decoy.lower()]
        assert not taken, decoy
