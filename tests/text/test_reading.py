"""The reader's rules end to end, on sentences and short pages of our own (not from any corpus)."""

import pytest

from worker.text.analyze import analyze


def claims(text):
    return sorted((c.count, c.qualifier, c.place) for c in analyze(text, "case").detentions)


@pytest.mark.parametrize(("text", "expected"), [
    # breakdowns after a total
    ("Riot police detained 860 people, 410 of them in Moscow and 150 in St Petersburg.",
     [(150, "exact", "Saint Petersburg"), (410, "exact", "Moscow"), (860, "exact", "nationwide")]),
    ("Of those detained, at least 220 were in Kazan and more than 90 in Ufa.",
     [(90, "more_than", "Ufa"), (220, "at_least", "Kazan")]),
    ("Officers arrested 300 protesters across the country, including 120 in Novosibirsk.",
     [(120, "exact", "Novosibirsk"), (300, "exact", "nationwide")]),
    ("Police in Kazan detained 89 people and in Krasnoyarsk 103.",
     [(89, "exact", "Kazan"), (103, "exact", "Krasnoyarsk")]),
    ("Protests were reported in 40 cities, from Omsk, where at least 30 people were held, to Perm.",
     [(30, "at_least", "Omsk")]),
    ("Police reported detentions in Tomsk and Omsk, where dozens were taken away.",
     [(24, "vague", "Omsk"), (24, "vague", "Tomsk")]),
    ("Most arrests were in Tomsk; the city's total was at least 193.", [(193, "at_least", "Tomsk")]),
    ("The paper printed photographs from Tomsk and Omsk and quoted a tally of 436 detentions.",
     [(436, "exact", "nationwide")]),
    ("OVD-Info reported 1,386 detentions, more than half of them in Tomsk and Omsk.", [(1386, "exact", "nationwide")]),
    # lists in prose
    ("Police detained 300 people in Kazan. There were dozens more in Tomsk, Omsk and Perm.",
     [(24, "vague", "Omsk"), (24, "vague", "Perm"), (24, "vague", "Tomsk"), (300, "exact", "Kazan")]),
    ("Arrests were also reported in Tomsk (14), Perm (9) and Samara (6).",
     [(6, "exact", "Samara"), (9, "exact", "Perm"), (14, "exact", "Tomsk")]),
    # places by description
    ("A total of 312 people were detained in the capital on Saturday.", [(312, "exact", "Moscow")]),
    ("Police detained 45 people in Russia's second city.", [(45, "exact", "Saint Petersburg")]),
    ("In the capital of Bashkortostan, 27 people were detained.", [(27, "exact", "Ufa")]),
    # nationwide needs a marker; an unknown place is not nationwide
    ("Police detained 30 protesters in Zzyzxgrad on Sunday.", []),
    ("Barnaul. Police detained 41 people at Zzyzx Square.", [(41, "exact", "Barnaul")]),  # a square, not a town
    ("More than 2,000 people were detained nationwide.", [(2000, "more_than", "nationwide")]),
    ("Police held 75 people in 12 cities.", [(75, "exact", "nationwide")]),
    ("Police detained 900 people in Moscow and dozens of other cities.", [(900, "exact", "nationwide")]),
    # forms of the figure and its verb
    ("About 2,000 people, among them several journalists, were detained.", [(2000, "about", "nationwide")]),
    ("Seventy residents who had blocked the road to the enlistment office were detained in Makhachkala.",
     [(70, "exact", "Makhachkala")]),
    ("Police said they had detained 'more than 40' people in Omsk.", [(40, "more_than", "Omsk")]),
    ("The tally of those arrested since Thursday has topped 6,000.", [(6000, "more_than", "nationwide")]),
    # not protest detentions, not people
    ("The FSB said it had detained four suspected saboteurs in Bryansk.", []),
    ("In Omsk, where the FSB arrested two saboteurs in May, 30 people were detained on Sunday.",
     [(30, "exact", "Omsk")]),
    ("Memorial lists 700 political prisoners, and OVD-Info says over 1,000 are behind bars.", []),
    ("A court ordered three protesters held for 15 days.", []),
    ("Protests were held in 40 cities and about 3,000 people took part in Moscow.", []),
    ("Some 500 people held placards in Tomsk.", []),
    ("Rallies of several hundred people each were also held in Tomsk and Omsk.", []),
    ("A city is counted if at least one detention was confirmed there.", []),
    ("At least 17 detainees at a Tula police station were handed summonses.", []),
    ("Police detained 300 people in Tula, and 17 detainees were handed summonses.", [(300, "exact", "Tula")]),
    ("Police in Omsk detained 14 suspected members of a gang of phone scammers.", []),
    ("Police detained 300 people in Tula. At least 82 detainees were taken to hospital.", [(300, "exact", "Tula")]),
    ("An earlier version of this article said that more than 500 people were detained in Kazan.", []),
])
def test_sentences(text, expected):
    assert claims(text) == expected


def test_a_card_list_takes_its_place_from_the_heading_above():
    page = "\n".join([
        "Detentions at Sunday's pickets", "", "By city, the monitor counted:", "Tomsk", "Detained: 5", "",
        "Omsk", "Detained: at least 12", "", "Other cities", "Detained: 7",
    ])
    assert claims(page) == [(5, "exact", "Tomsk"), (7, "exact", "nationwide"), (12, "at_least", "Omsk")]


def test_a_city_list_under_a_detention_intro():
    page = "\n".join(["Dozens detained in Siberia", "", "Detentions by city:", "Irkutsk - 22", "Chita - at least 9",
                      "Ulan-Ude - 4", "", "Police gave no figures."])
    assert claims(page) == [(4, "exact", "Ulan-Ude"), (9, "at_least", "Chita"), (22, "exact", "Irkutsk")]


def test_a_city_list_without_a_detention_intro_is_not_read():
    page = "\n".join(["Turnout at the rallies", "", "Crowds by city:", "Irkutsk - 2,200", "Chita - 900"])
    assert claims(page) == []


def test_the_protest_city_of_the_paragraph_places_a_figure_that_names_none():
    page = "\n".join(["Rally in Voronezh", "",
                      "Several hundred people marched through central Voronezh on Saturday. Police detained 38 of them."])
    assert claims(page) == [(38, "exact", "Voronezh")]


def test_a_region_stands_for_its_capital_when_the_page_names_it():
    page = "\n".join(["Women protest in Yakutsk", "",
                      "Dozens of women gathered in Yakutsk against the call-up.",
                      "Police in Yakutia detained 16 people, the local outlet said."])
    assert (16, "exact", "Yakutsk") in claims(page)


def test_a_running_total_in_the_next_sentence():
    page = "\n".join(["Arrests continue", "", "Police detained 210 people on Monday. That brings the total to 6,420."])
    assert claims(page) == [(210, "exact", "nationwide"), (6420, "exact", "nationwide")]


def test_protests_abroad_compared_with_russias_are_no_wave_of_russias():
    page = ("Iran's protests enter their third month\n\nIranian security forces have arrested more than 14,000 "
            "protesters in Tehran and other cities, an Iranian rights group said. The timing has drawn comparisons "
            "with Russia, where the partial mobilisation announced in September also brought people onto the streets.")
    assert analyze(page, "case").wave == "other"


def test_russias_protests_stay_its_wave_beside_a_rally_abroad():
    page = ("Russian police detain 2,500 anti-war protesters\n\nRussian police detained more than 2,500 people at "
            "protests against the invasion of Ukraine across Russia on Sunday, OVD-Info said. In Minsk, dozens "
            "protested against the war outside the Russian embassy.")
    assert analyze(page, "case").wave == "anti-war-2022"
