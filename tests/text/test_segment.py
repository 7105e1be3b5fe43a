"""Line-shape rules of the segmenter, each alone, then a page."""

import pytest

from worker.text.segment import (
    is_heading, is_table_heading, is_table_rule, join_broken_lines, segment, split_key_value, strip_bullet, strip_citations,
    strip_date_stamp, strip_timestamp, table_cells, value_items,
)


@pytest.mark.parametrize(("line", "pair"), [
    ("Number of detentions: 18", ("Number of detentions", "18")),
    ("Kazan - at least 35", ("Kazan", "at least 35")),
    ("| Detained | 25 September: 100+ |", ("Detained", "25 September: 100+")),
    ("Arrests: about twenty", ("Arrests", "about twenty")),
    ("Arrests ......... 15,400+", ("Arrests", "15,400+")),  # an infobox's dotted leaders
])
def test_key_value_lines(line, pair):
    assert split_key_value(line) == pair


@pytest.mark.parametrize("line", [
    "Police said on Sunday: we detained nobody, and that was all they would say about the rally in the square.",
    "Mr. Ivanov: a long quote that goes on and on well past a dozen words of prose in one breath here.",
    "Nothing to split here",
])
def test_prose_is_not_key_value(line):
    assert split_key_value(line) is None


def test_a_pipe_row_with_several_dated_items():
    assert value_items("21 May: 30+ · 22 May: 45") == ["21 May: 30+", "22 May: 45"]


@pytest.mark.parametrize(("line", "stripped"), [
    ("12:10 Police moved in.", "Police moved in."),
    ("9:30 a.m.: Crowds grew.", "Crowds grew."),
    ("14.05 - Arrests began", "Arrests began"),
])
def test_live_blog_time_stamps_are_stripped(line, stripped):
    assert strip_timestamp(line) == stripped


def test_bullets_citations_and_date_stamps():
    assert strip_bullet("• Tomsk: 12") == ("Tomsk: 12", True)
    assert strip_bullet("Tomsk: 12") == ("Tomsk: 12", False)
    assert strip_bullet("\U0001f3d9 Tomsk \u2014 12") == ("Tomsk \u2014 12", True)  # an emoji leads a post's item
    assert strip_bullet("\u26a0\ufe0f Tomsk: 12") == ("Tomsk: 12", True)
    assert strip_citations("Arrests: 9,000[12][13]") == "Arrests: 9,000"
    assert strip_date_stamp("date 2022-03-06 Skip to main content") == ""
    assert strip_date_stamp("date 2022-03-06 Police detain hundreds") == "Police detain hundreds"


def test_a_bulleted_line_that_ends_with_a_colon_introduces_the_list_under_it():
    blocks = segment(["Sibir Monitor", "\U0001f534 Anti-war actions today. Detentions by city:", "Omsk - 25"], True)
    assert [(b.kind, b.intro) for b in blocks[1:]] == [
        ("intro", None), ("key_value", "Anti-war actions today. Detentions by city:")]


def test_headings_are_short_lines_before_a_new_line():
    assert is_heading("Voronezh", "Detained: 31")
    assert not is_heading("Police detained dozens of people in the square.", "Detained: 31")
    assert not is_heading("In Voronezh, the number was", "over 30.")


def test_hard_line_breaks_inside_a_sentence_are_joined():
    assert join_broken_lines(["In Omsk alone,", "41 people were held.", "Kazan: 3", "other cities: 12"]) == [
        "In Omsk alone, 41 people were held.", "Kazan: 3", "other cities: 12"]


def test_a_card_page():
    blocks = segment(["Dozens held at pickets", "By city, the monitor's count:", "Tomsk", "Detained: 5", "Omsk",
                      "Detained: three", "Elsewhere the streets were quiet."], has_title=True)
    kinds = [(b.kind, b.heading, b.intro) for b in blocks]
    assert kinds == [
        ("title", None, None),
        ("intro", None, None),
        ("heading", None, "By city, the monitor's count:"),
        ("key_value", "Tomsk", "By city, the monitor's count:"),
        ("heading", None, "By city, the monitor's count:"),
        ("key_value", "Omsk", "By city, the monitor's count:"),
        ("paragraph", "Omsk", None),
    ]


@pytest.mark.parametrize(("line", "rule"), [("|---|---|", True), ("| :---: | --- |", True), ("| Moscow | 2,523 |", False),
                                           ("---", False), ("| - | 5 |", False)])
def test_the_rule_under_a_tables_heading_row(line, rule):
    assert is_table_rule(line) is rule


def test_a_table_with_a_heading_row():
    blocks = segment(["Detentions on Sunday", "| City | Cities | Detained |", "|---|---|---|", "| Moscow | 1 | 2,523 |",
                      "| 25 September (Makhachkala) |  | 101+ |", "Most were released by morning."], has_title=True)
    assert [(b.kind, b.intro, b.columns) for b in blocks] == [
        ("title", None, None),
        ("intro", None, None),
        ("key_value", "| City | Cities | Detained |", ("City", "Cities", "Detained")),
        ("key_value", "| City | Cities | Detained |", ("City", "Cities", "Detained")),
        ("paragraph", None, None),
    ]
    assert table_cells("| 25 September (Makhachkala) |  | 101+ |") == ["25 September (Makhachkala)", "", "101+"]


@pytest.mark.parametrize(("line", "next_line", "heading"), [
    ("| City | Detained |", "|---|---|", True),
    ("Date | Cities | Detained", "21 Sep (Wed) | 38 | 1,386", True),
    ("Date | Cities | Detained", "Moscow | Reuters", False),
    ("Moscow | Reuters", "Police detained 40 people.", False),
    ("21 Sep | 38 | 1,386", "24 Sep | 33 | 848", False),
    # an infobox's row: headings are short
    ("| Caused by | Arrest of Alexei Navalny; release of the film about the palace |", "| Arrests | 11,200+ |", False),
])
def test_a_tables_heading_row(line, next_line, heading):
    assert is_table_heading(line, next_line) is heading


def test_cards_right_after_a_paragraph_have_it_as_their_lead():
    blocks = segment(["Title", "Police detained 50 people today.", "Tomsk - 12", "Omsk - 9", "Later", "Kazan - 3"], True)
    assert [(b.text, b.lead) for b in blocks if b.kind == "key_value"] == [
        ("Tomsk - 12", "Police detained 50 people today."), ("Omsk - 9", "Police detained 50 people today."),
        ("Kazan - 3", None)]


def test_a_clock_time_is_no_key_and_a_date_line_keeps_the_section_heading():
    assert split_key_value("25 September 2022, 21:40") is None
    blocks = segment(["Title", "PERM", "27 February 2022, 21:05", "About 300 people gathered on the Esplanade."], True)
    assert [(b.kind, b.heading) for b in blocks][1:] == [("heading", None), ("heading", None), ("paragraph", "PERM")]
