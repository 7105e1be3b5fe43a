"""The lexicon's data holds together: the cheap detention gate lets through every phrase a frame can need."""

import json
from importlib import resources

import pytest

from worker.text.lexicon import lexicon, tag
from worker.text.places import gazetteer

# The categories whose words can make a figure a detention figure (frames.json is written over them).
GATED = ["DETAIN_VERB", "WEAK_DETAIN_VERB", "DETAIN_PARTICIPLE", "WEAK_PARTICIPLE", "DETAIN_NOUN", "DETAIN_TALLY_NOUN",
         "POLICE_VEHICLE", "DETENTION_MONITOR"]
DATA = json.loads(resources.files("worker.text").joinpath("data/lexicon.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("phrase", [p for name in GATED for p in DATA["categories"][name]["phrases"]])
def test_every_detention_phrase_passes_the_detention_gate(phrase):
    assert lexicon().may_mention_detention(f"police said {phrase} on sunday")


def test_a_sentence_without_a_detention_word_is_gated_out():
    assert not lexicon().may_mention_detention("thousands marched through the city centre on sunday")


@pytest.mark.parametrize(("sentence", "places"), [
    ("Police in Dagestan detained dozens.", ["dagestan"]),
    ("the Dagestan Without Mobilisation hotline says", []),  # a region that begins a name is no place
])
def test_a_region_is_a_place_unless_it_begins_a_name(sentence, places):
    assert [t.text for t in tag(sentence, gazetteer().find_sites) if t.has("PLACE")] == places
