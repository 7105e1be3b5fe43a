"""The development corpus in ../shared/devcorpus, scored by its own scorer (held-out real articles are scored the
same way by the maintainers). Skipped on a clone without ../shared: the seeds and the devset still run."""

import pytest

from worker.bench.reading import DEVCORPUS, parse_summary, score_corpus

pytestmark = pytest.mark.skipif(not (DEVCORPUS / "gold.jsonl").exists(),
                                reason=f"no development corpus at {DEVCORPUS} (a user's clone without ../shared)")


def test_the_reading_of_the_development_corpus_stays_at_the_targets():
    summary = parse_summary(score_corpus(DEVCORPUS))
    assert summary["recall"] >= 0.85
    assert summary["precision"] >= 0.93
    assert summary["decoys"] <= 1
    assert summary["cityF1"] >= 0.88
    assert summary["wave"] >= 0.9
