import pytest

from worker.text.analyze import analyze
from worker.text.detentions import merge_repeated
from worker.text.scope import scope_of, scope_of_figure
from worker.text.sources import find_source
from schemas import DetentionClaim


def counts_and_places(text: str) -> list[tuple[int, str]]:
    """What a page's claims say, in order: each figure's count and place."""
    return [(claim.count, claim.place) for claim in analyze(text, "t").detentions]


@pytest.mark.parametrize(
    ("sentence", "scope"),
    [
        ("In total, police detained 1,474 people on Sunday.", "day"),
        ("The total number of arrests since Thursday passed 4,000.", "cumulative"),
        ("Police have detained 300 people today.", "day"),
        ("In total, 2,000 people have been detained.", "cumulative"),
        ("Police detained 300 people.", None),
        ("More than 13,000 people have been detained to date.", "cumulative"),
    ],
)
def test_scope(sentence, scope):
    assert scope_of(sentence) == scope


@pytest.mark.parametrize(
    ("sentences", "index", "source"),
    [
        (["Police detained 1,474 people, according to a count by the OVD-Info rights group."], 0, "OVD-Info"),
        (["OVD-Info said police detained 300 people."], 0, "OVD-Info"),
        (["Police detained 1,474 people, OVD-Info said.", "This takes the total past 4,000."], 1, "OVD-Info"),
        (["Police detained 1,000 people in Moscow.", "That is according to Mediazona."], 0, "Mediazona"),
        (["Police detained 1,000 people in Moscow.", "OVD-Info said on Monday 50 were released."], 0, None),
        (["According to The Jerusalem Post, police arrested over 1,000 people."], 0, "The Jerusalem Post"),
        (["According to Novaya Vremya, police arrested 20 people."], 0, "Novaya Vremya"),
        (["Police detained 20 people in Omsk."], 0, None),
    ],
)
def test_source(sentences, index, source):
    assert find_source(sentences, index) == source


def claim(count, source=None, scope="unknown", qualifier="more_than", quote="q"):
    return DetentionClaim(count=count, qualifier=qualifier, text=str(count), place="nationwide", source=source,
                          scope=scope, quote=quote)


def test_a_figure_repeated_in_headline_and_body_is_one_claim_told_in_full():
    merged = merge_repeated([claim(1300, quote="headline"), claim(1300, "OVD-Info", "day", quote="body"), claim(200)])
    assert [(c.count, c.source, c.scope, c.quote) for c in merged] == [(1300, "OVD-Info", "day", "body"), (200, None, "unknown", "q")]


@pytest.mark.parametrize("sentence", [
    "The map shows only cities with at least 10 detentions.",
    "Regions with more than 50 arrests are marked in red.",
])
def test_a_cut_off_for_what_is_shown_is_not_a_count(sentence):
    assert analyze(f"Protests in Russia\n\nPolice detained protesters across Russia. {sentence}", "t").detentions == []


def test_a_count_after_with_is_still_a_count():
    claims = analyze("Protests in Russia\n\nThe rally in Tver ended with at least 12 detentions.", "t").detentions
    assert [(c.count, c.qualifier, c.place) for c in claims] == [(12, "at_least", "Tver")]


def test_undated_figures_of_a_page_whose_detention_sentences_name_the_day_are_that_days():
    text = ("Protests in Russia\n\nPolice detained anti-war protesters in Omsk on Saturday.\n\n"
            "In Tomsk, 23 people were detained, local media reported.")
    assert [c.scope for c in analyze(text, "t").detentions] == ["day"]


def test_a_date_that_is_not_about_detentions_leaves_the_period_unstated():
    text = ("Protests in Russia\n\nThe war began on 24 February and protests followed.\n\n"
            "In Tomsk, 23 people were detained, local media reported.")
    assert [c.scope for c in analyze(text, "t").detentions] == ["unknown"]


@pytest.mark.parametrize(("sentence", "figure", "scope"), [
    ("OVD-Info counted 300 detentions on Sunday, bringing its tally for the week to more than 2,100.", "300", "day"),
    ("OVD-Info counted 300 detentions on Sunday, bringing its tally for the week to more than 2,100.", "2,100", "cumulative"),
    ("Since Thursday police have detained 2,000 people, including 300 on Sunday.", "2,000", "cumulative"),
    ("Since Thursday police have detained 2,000 people, including 300 on Sunday.", "300", "day"),
    ("In total, 1,474 people have been detained.", "1,474", "cumulative"),
])
def test_the_scope_of_a_figure_is_its_clause_before_its_sentence(sentence, figure, scope):
    start = sentence.index(figure)
    assert scope_of_figure(sentence, start, start + len(figure)) == scope


def test_a_figure_without_a_place_is_where_the_sentence_before_saw_detentions():
    text = ("Live: protests in Russia\n\n18:05 - In Kazan, police are detaining people outside the theatre. "
            "At least 35 have been held, a local outlet reports.")
    assert counts_and_places(text) == [(35, "Kazan")]


def test_a_figure_without_a_place_is_in_the_one_city_the_sentence_before_named():
    text = ("Protests in Russia\n\nIn Nalchik, about 40 women confronted officials outside the town hall. "
            "Police detained seven people, local media reported.")
    assert counts_and_places(text) == [(7, "Nalchik")]


def test_a_figure_for_the_whole_country_stays_nationwide_after_a_sentence_naming_a_city():
    text = ("Protests in Russia\n\nThe first rally began in Khabarovsk. "
            "Police detained 900 people across the country, OVD-Info said.")
    assert counts_and_places(text) == [(900, "nationwide")]


def test_a_part_of_a_figure_no_frame_took_is_no_detention_figure():
    text = ("Unrest in Kazakhstan\n\nPolice in Almaty detained 300 protesters. "
            "Officials said 160 people had been killed, including 100 in Almaty.")
    assert [c.count for c in analyze(text, "t").detentions] == [300]


@pytest.mark.parametrize("sentence", ["Courts in Moscow have since sentenced 19 people detained at the rally.",
                                      "A judge fined a further 12 protesters detained on Sunday."])
def test_what_courts_did_to_detained_people_is_no_detention_figure(sentence):
    assert analyze(f"Protests in Russia\n\n{sentence}", "t").detentions == []


def test_a_whole_count_of_a_place_named_before_it_is_that_places():
    text = "Protests in Russia\n\nIn the Tatar capital, 41 people were detained in total, the ministry said."
    assert counts_and_places(text) == [(41, "Kazan")]


def test_a_whole_count_with_no_place_is_nationwide():
    text = "Protests in Russia\n\nPolice detained 300 people in Omsk. In total, 2,100 people were detained, OVD-Info said."
    assert counts_and_places(text) == [(300, "Omsk"), (2100, "nationwide")]


def test_a_figure_most_of_which_was_in_one_city_is_not_that_citys():
    text = "Protests in Russia\n\nAcross Russia, more than 1,700 people were held on Sunday, most of them in Moscow."
    assert counts_and_places(text) == [(1700, "nationwide")]


def test_taken_to_a_police_station_is_detained():
    text = "Protests in Russia\n\nIn Tomsk, three students were taken to a police station."
    assert counts_and_places(text) == [(3, "Tomsk")]


def test_a_city_list_under_a_heading_that_names_a_detention_monitor_counts_detentions():
    text = "Daily digest\n\nBY CITY (OVD-Info)\nMoscow - 820\nKazan - 37\n\nThe digest is published every evening."
    assert counts_and_places(text) == [(820, "Moscow"), (37, "Kazan")]


def test_a_time_lines_stamp_does_not_hide_the_sentences_opening_place():
    text = "Timeline\n\n27 September - In Kyzyl, women block a road; 19 people are detained."
    assert counts_and_places(text) == [(19, "Kyzyl")]


def test_a_part_of_those_detentions_told_with_its_place_is_that_places():
    text = "Protests in Russia\n\nOVD-Info counted 2,000 detentions; at least 900 of those detentions took place in Moscow."
    assert counts_and_places(text) == [(2000, "nationwide"), (900, "Moscow")]


def test_a_count_a_monitor_of_detentions_gives_is_a_detention_count():
    text = "Live: protests in Russia\n\n18:55 - The monitoring group OVD-Info says the tally has passed 2,000."
    assert [(c.count, c.qualifier, c.place) for c in analyze(text, "t").detentions] == [(2000, "more_than", "nationwide")]


def test_a_city_heading_in_capitals_places_the_figures_under_it():
    text = "Regions\n\nTOMSK\nDetained: 31, according to OVD-Info.\n\nThe rallies ended by nine."
    assert counts_and_places(text) == [(31, "Tomsk")]


def test_a_list_items_key_may_name_a_citys_region_in_brackets():
    text = "Protests in Russia\n\nDetentions by city:\n• Kazan (Tatarstan): 47, per OVD-Info\n• Ufa (Bashkortostan): 12"
    assert counts_and_places(text) == [(47, "Kazan"), (12, "Ufa")]


def test_a_list_item_that_is_a_sentence_of_its_own_is_not_a_bare_count():
    text = ("Protests in Russia\n\nThe largest numbers of detentions were:\n• Moscow: 900\n\nKey concerns\n"
            "• Prosecution: at least 14 protesters face criminal charges, some under Article 318 (violence against an "
            "official).")
    assert counts_and_places(text) == [(900, "Moscow")]


def test_police_taking_away_people_detain_them():
    text = "Protests in Russia\n\nIn Chita, police have taken away several dozen people from the square."
    assert counts_and_places(text) == [(24, "Chita")]


def test_arrests_for_arson_are_not_of_protesters():
    text = "War news\n\nPolice in Omsk detained two men accused of setting fire to an enlistment office."
    assert analyze(text, "t").detentions == []


def test_a_tables_count_is_read_from_the_column_headed_by_detentions():
    text = ("Mobilisation protests\n\nOVD-Info's figures by day:\n\n| Date | Cities | Detained | Source |\n|---|---|---|---|\n"
            "| 21 September | 38 | 1,386 | OVD-Info |\n| 25 September (Makhachkala) | 1 | 101+ | OVD-Info |\n\n"
            "Most were released within a day.")
    claims = analyze(text, "t").detentions
    assert [(c.count, c.place, c.scope) for c in claims] == [(1386, "nationwide", "day"), (101, "Makhachkala", "day")]


def test_a_table_without_outer_bars_and_with_abbreviated_months_is_read():
    text = ("Mobilisation protests\n\nDaily totals of people detained, by OVD-Info:\n\nDate | Cities | Detained\n"
            "21 Sep (Wed) | 38 | 1,386\n24 Sep (Sat) | 33 | 848\n\nDays without detentions are left out.")
    claims = analyze(text, "t").detentions
    assert [(c.count, c.place, c.scope) for c in claims] == [(1386, "nationwide", "day"), (848, "nationwide", "day")]


def test_weekends_are_not_people():
    text = "Protests in Russia\n\nBy the group's count, more than 9,000 people have been detained over two weekends."
    assert counts_and_places(text) == [(9000, "nationwide")]


def test_a_city_label_before_a_colon_places_every_clause_of_its_line():
    text = ("Regions\n\nKrasnoyarsk: police said 48 people had been taken to police stations after the march; "
            "OVD-Info counted 68.")
    assert counts_and_places(text) == [(48, "Krasnoyarsk"), (68, "Krasnoyarsk")]


def test_the_city_after_a_figure_is_the_city_its_sentence_named_before_it():
    text = ("Protests in the regions\n\nThe first rallies began in Khabarovsk at dawn. "
            "In Tomsk, officers detained 19 protesters outside the city's drama theatre.")
    assert counts_and_places(text) == [(19, "Tomsk")]


def test_each_item_of_a_list_of_notes_stands_alone_for_its_place():
    text = ("Anti-war protests\n\nKey points\n• Riot police in Samara detained 12 students outside the university.\n"
            "• Since March, the monitor has recorded more than 6,000 detentions at anti-war actions.")
    assert counts_and_places(text) == [(12, "Samara"), (6000, "nationwide")]


@pytest.mark.parametrize("participle", ["delivered to police departments", "brought to police stations"])
def test_people_delivered_to_the_police_are_detained(participle):
    # How English translations of Russian police statements ("dostavleny v otdely politsii") put it.
    text = f"Rally in Omsk\n\nIn Omsk, the regional police said 57 people had been {participle} after the rally."
    assert counts_and_places(text) == [(57, "Omsk")]


@pytest.mark.parametrize(("region", "place"), [("across Siberia", "nationwide"), ("in Irkutsk in Siberia", "Irkutsk")])
def test_a_figure_in_a_part_of_the_country_belongs_to_no_city(region, place):
    text = f"Protests in Russia\n\nThe rallies started in Omsk at noon. By evening, police had detained 75 people {region}."
    assert counts_and_places(text) == [(75, place)]


@pytest.mark.parametrize(("sentence", "place"), [
    ("At least 1,480 people were detained, almost all of them in Kazan.", "nationwide"),
    ("In Kazan, police took 402 people into custody, many of them near the Kremlin in Kazan.", "Kazan"),
])
def test_a_figure_whose_part_is_placed_is_a_total_over_more_than_that_place(sentence, place):
    text = f"Protests in Tatarstan\n\nThousands marched in Kazan on Sunday.\n\n{sentence}"
    assert counts_and_places(text) == [(1480 if "1,480" in sentence else 402, place)]


def test_a_posts_item_that_opens_with_its_city_in_capitals_is_about_it():
    text = ("Dagestan Now\n\n\u26a1\ufe0f KHASAVYURT. At least 8 people were detained near the mosque, the Dagestan "
            "Without Mobilisation hotline says.")
    assert counts_and_places(text) == [(8, "Khasavyurt")]


def test_the_capital_followed_by_a_city_is_that_city():
    text = ("Call-up protests\n\nHundreds of women blocked a road in the republic of Tuva, outside the capital Kyzyl. "
            "Police detained 14 of them in the city.")
    assert counts_and_places(text) == [(14, "Kyzyl")]


def test_a_monitors_possessive_is_the_monitor():
    text = "Anti-war rallies\n\nBy Sunday night, OVD-Info's count for the weekend had gone past 900."
    assert counts_and_places(text) == [(900, "nationwide")]


def test_a_figure_of_the_countrys_police_is_not_the_city_of_the_sentence_before():
    text = ("Navalny protests\n\nProtesters gathered on the embankment in Samara despite the frost. "
            "Russian police detained 310 people at the weekend rallies.")
    assert counts_and_places(text) == [(310, "nationwide")]


def test_after_a_nationwide_count_a_figure_without_a_place_is_nationwide_too():
    text = ("Navalny protests\n\nA police van stood at every corner in Samara. Police detained 2,100 people across "
            "Russia over the weekend. On Sunday alone, some 900 people were taken into custody.")
    assert counts_and_places(text) == [(2100, "nationwide"), (900, "nationwide")]


_SCENE = "Rallies\n\nIn Chita, about 600 people marched along Lenin Street on Saturday, chanting slogans.\n\n"


@pytest.mark.parametrize(("next_paragraph", "place"), [
    ("Police detained 31 of them, the regional police said.", "Chita"),
    # What the scene does not reach: a running total, a monitor's count of detentions, a named region, the country.
    ("Police have detained 310 people since the rallies began in January.", "nationwide"),
    ("OVD-Info has recorded 1,900 detentions at the rallies.", "nationwide"),
    ("In Buryatia, police detained 31 people.", "nationwide"),
    ("Russian police detained 3,100 people at the rallies.", "nationwide"),
])
def test_a_figure_without_a_place_after_a_paragraph_on_one_citys_protest_is_that_citys(next_paragraph, place):
    assert [p for _, p in counts_and_places(_SCENE + next_paragraph)] == [place]


@pytest.mark.parametrize("between", ["Elsewhere\n\n", "Protests were held in cities all over Russia, and in Chita too.\n\n"])
def test_a_heading_or_a_nationwide_scene_ends_the_scene(between):
    text = _SCENE + between + "Police detained 31 people, the regional police said."
    assert counts_and_places(text) == [(31, "nationwide")]


@pytest.mark.parametrize(("between", "place"), [
    ("Witnesses said the women shouted at the officers.\n\n", "Chita"),
    # the scene reaches over one paragraph that names no city, not two
    ("Witnesses said the women shouted at the officers.\n\nA man with a megaphone read out names.\n\n", "nationwide"),
])
def test_a_paragraph_that_names_no_city_goes_on_with_the_scene_before_it(between, place):
    text = _SCENE + between + "Police detained 31 people, the regional police said."
    assert counts_and_places(text) == [(31, place)]


def test_city_lines_after_a_paragraph_on_detentions_are_its_breakdown():
    text = "Anti-war actions\n\nPolice have detained 340 people in 20 cities today. Most were students.\n\nTomsk - 40\nOmsk - 25"
    assert counts_and_places(text) == [(340, "nationwide"), (40, "Tomsk"), (25, "Omsk")]


def test_a_countrys_capital_is_its_capital_city():
    assert counts_and_places("Protests in Armenia\n\nPolice in Armenia's capital detained 30 protesters.") == [(30, "Yerevan")]


@pytest.mark.parametrize(("location", "place"), [("Omsk, Omsk Oblast, Russia", "Omsk"), ("Russia", "nationwide"),
                                                 ("Omsk, Tomsk and other cities", "nationwide")])
def test_an_infoboxs_one_city_places_the_pages_figures_that_name_none(location, place):
    text = (f"2021 Omsk protest\n\nDate: 23 January 2021\nLocation: {location}\nArrests: 40+\n\nProtest\n\n"
            "Several hundred people marched to the regional government. Police detained 43 people, OVD-Info said.")
    assert counts_and_places(text) == [(40, place), (43, place)]


def test_a_nationwide_marker_in_a_frame_outweighs_the_city_it_spans():
    text = ("Kazan protests\n\nThe number of people detained across Russia over the Kazan protests had exceeded 90, "
            "the monitor wrote.")
    assert counts_and_places(text) == [(90, "nationwide")]


@pytest.mark.parametrize("heading", ["17 January, Kazan", "Kazan, Monday 17 January"])
def test_a_dated_heading_names_the_city_of_its_section(heading):
    text = f"Regional digest\n\nDetentions by day\n\n{heading}\nAt least 40 people detained after the rally."
    assert counts_and_places(text) == [(40, "Kazan")]


@pytest.mark.parametrize(("dateline", "count", "place"), [
    ("OMSK —", 45, "Omsk"),
    ("MOSCOW, Jan 23 (Reuters) -", 45, "nationwide"),  # a capital's dateline is a wire's base
    ("RIGA, Latvia —", 45, "nationwide"),  # another country's city: the newsroom, not the protest
    ("OMSK —", 4500, "nationwide"),  # thousands are the country's count
])
def test_a_regional_datelines_city_places_the_figures_that_name_none(dateline, count, place):
    text = (f"Navalny rallies in Russia\n\n{dateline} Hundreds of people marched on Saturday in support of Alexei "
            f"Navalny.\n\nThe regional police said {count:,} people had been detained.")
    assert counts_and_places(text) == [(count, place)]


@pytest.mark.parametrize("sentence", [
    "Police in Tula, Oryol and Kursk detained 18, 12 and 7 people respectively.",
    "In Tula, Oryol and Kursk, 18, 12 and 7 people were held respectively.",
    "Police detained 18, 12 and 7 people in Tula, Oryol and Kursk respectively.",
])
def test_respectively_pairs_figures_and_places_in_order(sentence):
    assert counts_and_places(f"Anti-war rallies\n\n{sentence}") == [(18, "Tula"), (12, "Oryol"), (7, "Kursk")]


def test_every_column_headed_by_detentions_is_read():
    text = ("Mobilisation protests\n\nOVD-Info's counts for two days:\n\n| City | Detained 21 Sep | Detained 24 Sep |\n"
            "|---|---|---|\n| Perm | 14 | 9 |\n| Tula | 6 | 11 |\n\nFigures are provisional.")
    assert counts_and_places(text) == [(14, "Perm"), (9, "Perm"), (6, "Tula"), (11, "Tula")]


@pytest.mark.parametrize("sentence", ["In the town of Kineshma, about 40 people gathered; police detained 6 of them.",
                                      "Police detained 6 people in the town of Kineshma."])
def test_the_town_of_a_named_city_is_that_city(sentence):
    text = f"Mobilisation protests\n\nProtests were held in Ivanovo on Sunday. {sentence}"
    assert counts_and_places(text) == [(6, "Kineshma")]


@pytest.mark.parametrize(("sentence", "count", "place"), [
    ("The Interior Ministry itself put the figure at about 900.", 900, "nationwide"),
    ("The regional ministry put the number detained at the Kazan rally at 61.", 61, "Kazan"),
])
def test_an_authoritys_figure_is_a_count_of_detentions(sentence, count, place):
    assert counts_and_places(f"Navalny rallies\n\nThousands marched on Saturday. {sentence}") == [(count, place)]


def test_a_paragraph_opening_with_a_regional_city_in_capitals_is_about_it():
    text = ("Volga cities\n\nKAZAN. Several hundred people gathered on Bauman Street. Police detained 87 of them.\n\n"
            "SAMARA. About 200 people walked to the embankment. Police detained \"around 40\" of them.\n\n"
            "MOSCOW. Thousands marched. Police detained 1,200 people.")
    assert counts_and_places(text) == [(87, "Kazan"), (40, "Samara"), (1200, "nationwide")]


def test_a_dateline_after_a_masthead_line_still_opens_the_report():
    text = ("Dozens detained at Navalny rally\n\nRegional TV | News | Society\n\n"
            "TOMSK, January 23 - Police detained 47 people on Saturday after an unauthorised rally.")
    assert counts_and_places(text) == [(47, "Tomsk")]


def test_counts_by_date_are_parts_of_the_count_before_them_in_its_place():
    text = ("Navalny rallies\n\nMonitors said Kazan accounted for 140 detentions on 23 January and 180 on 31 January. "
            "Police detained 2,100 people nationwide: 1,200 on 23 January and 900 on 31 January.")
    assert counts_and_places(text) == [(140, "Kazan"), (180, "Kazan"), (2100, "nationwide"), (1200, "nationwide"),
                                       (900, "nationwide")]


def test_an_explainers_answer_to_how_many_were_detained_is_a_count():
    text = ("Q&A: the Navalny protests\n\nHow many people were detained?\n\n"
            "More than 2,000 across Russia on Saturday, according to the monitors. Courts are still hearing the cases.")
    assert counts_and_places(text) == [(2000, "nationwide")]


def test_a_lists_total_line_is_the_countrys():
    text = ("Mobilisation protests\n\nPeople detained on Sunday, by OVD-Info's count:\n- Total: 640 people in 21 cities\n"
            "- Kazan: 40\n- Ufa: 22")
    assert counts_and_places(text) == [(640, "nationwide"), (40, "Kazan"), (22, "Ufa")]


def test_a_pages_title_that_is_a_regional_city_places_its_figures():
    text = ("KURSK\nWomen protest the call-up: police detain 16\n\nSeveral hundred women gathered on the square on "
            "Sunday. According to the police, 16 people were taken to the police department.")
    assert counts_and_places(text) == [(16, "Kursk")]


@pytest.mark.parametrize(("dateline", "place"), [("", "Kursk"), ("MOSCOW, Jan 23 (Reuters) - ", "nationwide")])
def test_a_title_naming_one_regional_city_places_the_figures_of_a_page_filed_from_nowhere_else(dateline, place):
    text = (f"Letter from Kursk: what this winter left behind\n\n{dateline}Several hundred women gathered on the square "
            "on Sunday. According to the police, 16 people were taken to the police department.")
    assert counts_and_places(text) == [(16, place)]


def test_a_card_values_parts_after_its_count_are_read():
    text = ("Anti-war protests\n\nDetentions by day (OVD-Info):\n\n2 March - 389, including 98 in Kazan\n3 March - 76")
    assert counts_and_places(text) == [(389, "nationwide"), (98, "Kazan"), (76, "nationwide")]


@pytest.mark.parametrize("sentence", [
    "More than 300 people are still behind bars as political prisoners, the group says.",
    "Police detained more than 500 migrants in raids on markets and dormitories.",
])
def test_political_prisoners_and_migrants_in_raids_are_no_protest_detentions(sentence):
    assert counts_and_places(f"Russia after the protests\n\n{sentence}") == []


def test_a_question_asserts_no_figure():
    text = "Fact check\n\nWere 3,000 people detained in Kazan on a single day? The police say 300 were."
    assert counts_and_places(text) == []


def test_a_vague_headline_further_down_the_page_gives_way_to_the_bodys_number():
    text = ("Regional digest\n\nOMSK\nPolice detain dozens at Navalny rally on the embankment\n\n"
            "Police detained 41 people, OVD-Info said.")
    assert counts_and_places(text) == [(41, "Omsk")]


def test_a_nationwide_marker_right_after_a_figure_wins_over_a_city_later_in_the_clause():
    text = ("Navalny jailed\n\nAt least 900 people were detained throughout Russia on Tuesday after a court in Moscow "
            "sent Navalny to a penal colony.")
    assert counts_and_places(text) == [(900, "nationwide")]


def test_a_statement_that_ends_on_a_quoted_question_still_states_its_figure():
    text = ("Call-up protests\n\nIn Ufa, the protest ended with more than 40 arrests, after women asked police the one "
            "question that mattered: why are our sons being sent to war?")
    assert counts_and_places(text) == [(40, "Ufa")]


def test_a_card_after_a_paragraph_on_detentions_is_no_breakdown_unless_keyed_by_a_city_alone():
    text = ("Dagestan protests\n\nPolice detained 101 people in Makhachkala. Most were women.\n\n"
            "Population of Dagestan: 3.1 million\nMakhachkala - 101")
    assert counts_and_places(text) == [(101, "Makhachkala")]


def test_an_answer_counts_only_after_a_question_about_detentions():
    text = ("Evening news\n\nANCHOR: Hundreds detained tonight. Yuri, how big were these protests?\n\n"
            "YURI: A few hundred people in the centre of Omsk. But police moved in quickly.")
    assert counts_and_places(text) == [(200, "nationwide")]  # the anchor's headline, not the crowd in Omsk
