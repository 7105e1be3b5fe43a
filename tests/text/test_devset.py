"""Our development set, written in the style of wire reports and live blogs (tests/text/devset/)."""

import json
from pathlib import Path

import pytest

from worker.bench.reading import score_devset
from worker.text.analyze import analyze

DEVSET = Path(__file__).resolve().parent / "devset"
SENTENCES = [json.loads(line) for line in (DEVSET / "sentences.jsonl").read_text().splitlines() if line.strip()]
ARTICLES = [json.loads(line) for line in (DEVSET / "articles.jsonl").read_text().splitlines() if line.strip()]


def test_devset_has_the_size_the_issue_asks_for():
    assert len(SENTENCES) >= 60
    waves = [a["wave"] for a in ARTICLES]
    assert all(waves.count(w) >= 3 for w in ("navalny-2021", "anti-war-2022", "mobilisation-2022", "other"))
    qualifiers = {c["qualifier"] for case in SENTENCES for c in case["claims"]}
    assert qualifiers == {"exact", "more_than", "at_least", "about", "up_to", "vague"}
    assert sum(not case["claims"] for case in SENTENCES) >= 20, "decoys"


@pytest.mark.parametrize("case", SENTENCES, ids=lambda c: c["text"][:50])
def test_sentence(case):
    report = analyze(case["text"], "case")
    got = sorted((c.count, c.qualifier, c.place) for c in report.detentions)
    assert got == sorted((c["count"], c["qualifier"], c["place"]) for c in case["claims"])
    by_key = {(c.count, c.place): c for c in report.detentions}
    for expected in case["claims"]:
        claim = by_key[(expected["count"], expected["place"])]
        for field in ("source", "scope"):
            if field in expected:
                assert getattr(claim, field) == expected[field], field


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_article(article):
    report = analyze(article["text"], article["id"])
    assert report.wave == article["wave"], report.wave_evidence
    assert sorted(c.name for c in report.cities) == sorted(article["cities"])
    got = sorted((c.count, c.qualifier, c.place) for c in report.detentions)
    assert got == sorted((c["count"], c["qualifier"], c["place"]) for c in article["claims"])


def test_devset_scores_meet_the_targets():
    scores = score_devset(DEVSET)
    assert scores["wave_accuracy"] >= 0.9
    assert scores["article_detention_recall"] >= 0.85 and scores["sentence_recall"] >= 0.85
    assert scores["article_detention_precision"] >= 0.9 and scores["sentence_precision"] >= 0.9
    assert scores["city_f1"] >= 0.85
