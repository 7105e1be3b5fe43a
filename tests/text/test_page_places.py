"""The places a page gives by its shape, each rule alone (whole pages are in test_detentions.py)."""

import pytest

from worker.text.attach import resolve_name
from worker.text.detentions import Reading
from worker.text.page_places import dateline_city, heading_place, opening_city, single_city
from worker.text.places import gazetteer


@pytest.fixture
def reading():
    return Reading(gazetteer().find_sites, resolve_name("Moscow"))


@pytest.mark.parametrize(("text", "city"), [
    ("NOVOSIBIRSK - About 100 citizens were delivered to police departments.", "Novosibirsk"),
    ("MOSCOW, Jan 23 (Reuters) - Police detained more than 3,000 people.", "Moscow"),
    ("KAZAN. Several hundred people gathered.", "Kazan"),
    ("Kazan. Several hundred people gathered.", None),  # not in capitals
])
def test_a_dateline_is_a_city_in_capitals_opening_a_paragraph(reading, text, city):
    place = dateline_city(text, reading)
    assert (place.name if place else None) == city


@pytest.mark.parametrize(("text", "city"), [
    ("OMSK - Hundreds marched on Saturday.", "Omsk"),
    ("MOSCOW (AP) - Police in Russia detained hundreds.", None),  # the capital: a wire's base
    ("RIGA, Latvia - Russians abroad rallied.", None),  # another country's city
])
def test_an_opening_city_is_a_regional_one(reading, text, city):
    place = opening_city(text, reading)
    assert (place.name if place else None) == city


@pytest.mark.parametrize(("heading", "city", "nationwide"), [
    ("YAKUTSK", "Yakutsk", False),
    ("17 January, Baymak", "Baymak", False),
    ("Other cities", None, True),
    ("Police detain dozens in Omsk and Tomsk", None, False),
])
def test_a_heading_names_its_city_alone_or_the_rest_of_the_country(reading, heading, city, nationwide):
    place, rest_of_country = heading_place(heading, reading)
    assert ((place.name if place else None), rest_of_country) == (city, nationwide)


def test_a_line_that_names_one_city_and_no_other(reading):
    assert single_city("Nalchik, Kabardino-Balkaria, Russia", reading).name == "Nalchik"
    assert single_city("Omsk and Tomsk", reading) is None
