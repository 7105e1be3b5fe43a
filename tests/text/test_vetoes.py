"""Each rule of what a figure counts when it is not detainees, alone, on tagged sentences of our own."""

import pytest

from worker.text.lexicon import tag
from worker.text.places import gazetteer
from worker.text.vetoes import counts_the_harmed, counts_the_summoned, is_about_other_arrests, is_retracted, is_vetoed


def at_figure(sentence: str, figure: str):
    tokens = tag(sentence, gazetteer().find_sites)
    return tokens, next(i for i, t in enumerate(tokens) if t.figure is not None and figure in t.text)


@pytest.mark.parametrize(("sentence", "figure", "vetoed"), [
    ("Protests were held in 40 cities.", "40", True),
    ("Rallies of several hundred people were held in Omsk.", "several hundred", True),
    ("We count a city if at least one detention was confirmed.", "one", True),
    ("Police detained hundreds in 2021.", "2021", True),
    ("A court sentenced 19 people detained on Saturday.", "19", True),
    ("The map shows cities with at least 10 detentions.", "10", True),
    ("Police detained 40 people in Omsk.", "40", False),
])
def test_what_a_figure_measures(sentence, figure, vetoed):
    assert is_vetoed(*at_figure(sentence, figure)) is vetoed


@pytest.mark.parametrize(("sentence", "figure", "other"), [
    ("The FSB said it had detained four suspected saboteurs.", "four", True),
    ("Police raided dormitories and detained more than 300 people for migration checks.", "300", True),
    ("In Omsk, where the FSB arrested two saboteurs in May, 30 people were detained.", "30", False),
    ("Memorial lists 700 political prisoners, and OVD-Info says over 1,000 are behind bars.", "1,000", True),
])
def test_others_arrests_are_looked_for_in_the_figures_clause(sentence, figure, other):
    assert is_about_other_arrests(*at_figure(sentence, figure)) is other


@pytest.mark.parametrize(("sentence", "figure", "summoned"), [
    ("At least 17 detainees at a police station were handed summonses.", "17", True),
    ("Police detained 300 people, and 17 detainees were handed summonses.", "300", False),
])
def test_a_count_of_the_summoned_is_a_part_of_the_detained(sentence, figure, summoned):
    assert counts_the_summoned(*at_figure(sentence, figure)) is summoned


@pytest.mark.parametrize(("sentence", "figure", "harmed"), [
    ("At least 82 detainees were taken to hospital, the monitor said.", "82", True),
    ("More than 220 of the people detained reported being beaten.", "220", True),
    ("Police detained 40 people and beat them.", "40", False),
    ("40 people were detained and beaten.", "40", False),  # a detention figure: its people were detained
])
def test_a_count_of_the_detained_whose_clause_tells_what_befell_them_is_a_part(sentence, figure, harmed):
    assert counts_the_harmed(*at_figure(sentence, figure)) is harmed


def test_a_correction_quotes_the_figure_it_withdraws():
    assert is_retracted(tag("An earlier version of this article said that 500 people were detained.", gazetteer().find_sites))
    assert not is_retracted(tag("OVD-Info counted at least 38 detentions in Kazan.", gazetteer().find_sites))
