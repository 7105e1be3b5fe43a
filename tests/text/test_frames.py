"""Each frame in data/frames.json takes its examples' figures and stays silent on its counterexamples."""

import pytest

from worker.text.attach import resolve_name
from worker.text.detentions import Reading, read_sentence
from worker.text.frames import FrameError, frames, parse_frame, parse_slot
from worker.text.lexicon import lexicon
from worker.text.places import gazetteer

EXAMPLES = [(f.id, e.get("before"), e["text"], e["figure"]) for f in frames() for e in f.examples]
COUNTEREXAMPLES = [(f.id, text) for f in frames() for text in f.counterexamples]


def read(text, before=None):
    reading = Reading(gazetteer().find_sites, resolve_name("Moscow"))
    if before:
        read_sentence(before, reading)
    return read_sentence(text, reading)


@pytest.mark.parametrize(("frame", "before", "text", "figure"), EXAMPLES, ids=[f"{f}:{t[:40]}" for f, _, t, _ in EXAMPLES])
def test_frame_takes_its_example(frame, before, text, figure):
    taken = {(c.figure.text, c.frame) for c in read(text, before)}
    assert (figure, frame) in taken, taken


@pytest.mark.parametrize(("frame", "text"), COUNTEREXAMPLES, ids=[f"{f}:{t[:40]}" for f, t in COUNTEREXAMPLES])
def test_frame_is_silent_on_its_counterexample(frame, text):
    assert not [c for c in read(text) if c.frame == frame]


def test_every_frame_has_examples_and_counterexamples():
    assert all(f.examples and f.counterexamples for f in frames())


KNOWN = lexicon().categories | {"FIGURE", "PLACE", "COMMA", "ANY"}


@pytest.mark.parametrize(("slot", "low", "high"), [("PEOPLE", 1, 1), ("AUX{0,4}", 0, 4), ("of?", 0, 1), ("DASH|COLON", 1, 1)])
def test_slots_parse(slot, low, high):
    parsed = parse_slot(slot, KNOWN | {"DASH", "COLON"})
    assert (parsed.low, parsed.high) == (low, high)


@pytest.mark.parametrize("entry", [
    {"id": "two figures", "pattern": ["FIGURE", "FIGURE"]},
    {"id": "no figure", "pattern": ["PEOPLE"]},
    {"id": "unknown category", "pattern": ["FIGURE", "DETAINED_PEOPLE"]},
    {"id": "unbounded", "pattern": ["FIGURE", "ANY{0,99}"]},
    {"id": "bad requirement", "pattern": ["FIGURE"], "requires": "sometimes"},
])
def test_a_frame_the_matcher_cannot_run_is_refused_at_load(entry):
    with pytest.raises(FrameError):
        parse_frame(entry, KNOWN)
