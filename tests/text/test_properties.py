"""analyze never raises, and its time grows linearly with the input (no catastrophic backtracking)."""

import time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import Report
from worker.bench.reading import ADVERSARIAL_INPUTS
from worker.text.analyze import analyze

NEWSY = st.sampled_from(
    ["detained", "arrested", "more than", "at least", "hundreds", "Moscow", "St. Petersburg", "1,474", "70 000",
     "in", "of", "people", "OVD-Info said", ".", ",", "\n", "\xa0", "(", ")", "since Thursday", "today", "a dozen"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    assert isinstance(analyze(text, "x"), Report)


@settings(max_examples=300, deadline=None)
@given(st.lists(NEWSY, max_size=80).map(" ".join))
def test_never_raises_on_newsy_word_salad(text):
    report = analyze(text, "x")
    for claim in report.detentions:
        assert claim.count >= 0 and claim.text in claim.quote


def _seconds(text: str) -> float:
    started = time.perf_counter()
    analyze(text, "x")
    return time.perf_counter() - started


def test_time_grows_linearly_with_input_size():
    """Linear, not quadratic or worse: 1 MB costs about 4x a quarter of it. The figure itself (under 1 s per MB)
    is printed by `python -m worker.bench adversarial`; the bound here only catches blow-ups, not slowness."""
    for name, unit in ADVERSARIAL_INPUTS.items():
        big = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        t_big = min(_seconds(big) for _ in range(2))
        t_quarter = min(_seconds(big[:250_000]) for _ in range(2))
        assert t_big < 8 * t_quarter + 0.2, f"{name}: {t_big:.2f} s for 1 MB vs {t_quarter:.2f} s for 250 kB"
        assert t_big < 10, f"{name}: {t_big:.2f} s for 1 MB"
