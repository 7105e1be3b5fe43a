import pytest

from worker.text.places import gazetteer


def names(sentence):
    return [m.place.name for m in gazetteer().find_sites(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Protests in St Petersburg, St. Petersburg and Petersburg", ["Saint Petersburg"] * 3),
        ("Moscow ~1,200, SPb 450+", ["Moscow", "Saint Petersburg"]),
        ("Rallies in Ekaterinburg and Ulan Ude", ["Yekaterinburg", "Ulan-Ude"]),
        ("Crowds in Tomsk but not Omsk's neighbour", ["Tomsk", "Omsk"]),
        ("Vladimir Putin and Volodymyr Zelenskyy", []),
        ("They met on Pushkin Square", []),
        ("according to The Jerusalem Post", []),
        ("The Moscow Times reported", []),
        ("according to the news sites Tayga.info and Fontanka.ru", []),
        ("Police in Tomsk.", ["Tomsk"]),
        # a sentence's first word before the city is no part of a name
        ("The Moscow total has reached 1,608", ["Moscow"]),
        ("St Petersburg human rights lawyer Pavel Chikov said", []),
        ("a Moscow-based monitor", []),
        ("Kaliningrad is out protesting", ["Kaliningrad"]),
        ("the siege of Leningrad", []),
        ("Siberia, the Urals, Khakassia and the Far East", []),
        ("protests in Nizhny Novgorod and Nizhniy Novgorod", ["Nizhny Novgorod"] * 2),
        ("OVD-Info counted 131 in Nizhny and 40 in Nizhny Tagil", ["Nizhny Novgorod", "Nizhny Tagil"]),
        ("Demonstrators in Minsk and London", ["Minsk", "London"]),
        ("Police in Moscow on Sunday", ["Moscow"]),
        ("Riot police cleared Bolotnaya Square", ["Moscow"]),
        ("marchers on Nevsky Prospekt and in Moscow", ["Saint Petersburg", "Moscow"]),
        ("a rally on Manezhnaya Square in Moscow", ["Moscow", "Moscow"]),
        # towns and large villages
        ("women gathered in Babayurt, in Endirey and in Baksan", ["Babayurt", "Endirey", "Baksan"]),
        # abroad, where Russians protest
        ("Russians rallied in Almaty, Tbilisi, Yerevan and Belgrade", ["Almaty", "Tbilisi", "Yerevan", "Belgrade"]),
        # the names English encyclopedias use, whatever the spelling in the text
        ("Korolev, Hrodna and Naberezhnyye Chelny", ["Korolyov", "Grodno", "Naberezhnye Chelny"]),
        ("from Tol'yatti and Orel", ["Tolyatti", "Oryol"]),
        # words, people and times that are also places somewhere
        ("at 19:00 Moscow time", []),
        ("Luck was on their side, Makarov said.", []),
        ("Ivanov and Sorokin were detained", []),
        ("in Chechnya and in Crimea", []),
        ("the Moscow district of Strogino", ["Moscow"]),
        # a Title Case headline capitalises its small words; a name still continues
        ("Hundreds Held In Kazan After Rally", ["Kazan"]),
        ("Kazan City Court Jails Activist", []),
        # a city that measures the distance to the scene is not the scene
        ("In Irkutsk, about 450 km by road from Ulan-Ude, police detained nine", ["Irkutsk"]),
        ("a village 30 miles from Tomsk and a town north of Omsk", []),
        # a monument to a man whose name a town bears
        ("twenty detainees near the Lomonosov monument in Arkhangelsk", ["Arkhangelsk"]),
        # a road named for the city it leads to; St Petersburg's news site
        ("at the monument on the Moscow tract in Yekaterinburg, Fontanka reports", ["Yekaterinburg"]),
    ],
)
def test_city_mentions(sentence, expected):
    assert names(sentence) == expected


def test_a_place_carries_its_geonames_id_and_coordinates():
    [kazan] = gazetteer().find("in Kazan")
    assert kazan.place.geonames_id == 551487
    assert (round(kazan.place.latitude, 1), round(kazan.place.longitude, 1)) == (55.8, 49.1)


def test_canonical_names_look_up_their_place():
    assert gazetteer().place("Saint Petersburg", "RU").geonames_id == 498817
    assert gazetteer().place("Atlantis", "RU") is None


def test_countries_are_iso_codes():
    places = {m.place.name: m.place.country for m in gazetteer().find("Minsk, Kyiv, Moscow, London")}
    assert places == {"Minsk": "BY", "Kyiv": "UA", "Moscow": "RU", "London": "GB"}


@pytest.mark.parametrize("sentence", ["Yelena Markova, the coordinator, disputed that.", "Ms Markova said so.",
                                      "A portrait of Sergei Kirov hung in the hall."])
def test_a_surname_after_a_first_name_or_an_honorific_is_no_town(sentence):
    assert gazetteer().find_sites(sentence) == []
