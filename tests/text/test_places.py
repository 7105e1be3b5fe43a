import pytest

from worker.text.places import gazetteer


def names(sentence):
    return [m.place.name for m in gazetteer().find_sites(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Protests in St Petersburg, St. Petersburg and Petersburg", ["Saint Petersburg"] * 3),
        ("Rallies in Ekaterinburg and Ulan Ude", ["Yekaterinburg", "Ulan-Ude"]),
        ("Crowds in Tomsk but not Omsk's neighbour", ["Tomsk", "Omsk"]),
        ("Vladimir Putin and Volodymyr Zelenskyy", []),
        ("They met on Pushkin Square", []),
        ("according to The Jerusalem Post", []),
        ("St Petersburg human rights lawyer Pavel Chikov said", []),
        ("a Moscow-based monitor", []),
        ("Kaliningrad is out protesting", ["Kaliningrad"]),
        ("the siege of Leningrad", []),
        ("Siberia, the Urals, Khakassia and the Far East", []),
        ("protests in Nizhny Novgorod", ["Nizhniy Novgorod"]),
        ("Demonstrators in Minsk and London", ["Minsk", "London"]),
        ("Police in Moscow on Sunday", ["Moscow"]),
        ("Riot police cleared Bolotnaya Square", ["Moscow"]),
        ("marchers on Nevsky Prospekt and in Moscow", ["Saint Petersburg", "Moscow"]),
        ("a rally on Manezhnaya Square in Moscow", ["Moscow", "Moscow"]),
    ],
)
def test_city_mentions(sentence, expected):
    assert names(sentence) == expected


def test_countries_are_iso_codes():
    places = {m.place.name: m.place.country for m in gazetteer().find("Minsk, Kyiv, Moscow, London")}
    assert places == {"Minsk": "BY", "Kyiv": "UA", "Moscow": "RU", "London": "GB"}
