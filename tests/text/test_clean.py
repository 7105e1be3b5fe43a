from worker.text.analyze import analyze
from worker.text.clean import clean, normalise, split_sentences


def test_nbsp_control_and_direction_marks_are_normalised():
    assert normalise("according to\xa0The Jerusalem Post\u200f\x07") == "according to The Jerusalem Post "


def test_boilerplate_urls_and_repeated_lines_are_dropped():
    page = "\n".join([
        "ladbible logo",
        "Police detain hundreds",
        "Police detain hundreds",
        "Click 'OK' then 'Allow' to enable notifications",
        "JUST IN:\xa0Something else entirely",
        "Crowds gathered https://twitter.com/x/status/1352877638679990272?s=21 in the square.",
        "Alamy",
        "Featured Image Credit: Alamy",
        "Topics: World News",
        "  \u2022 Related: link bullet",
        "Source: Read Full Article",
    ])
    cleaned = clean(page)
    assert cleaned.title == "Police detain hundreds"
    assert cleaned.lines == ("Police detain hundreds", "Crowds gathered in the square.")


def test_bullets_are_content_and_card_fields_may_repeat():
    page = "\n".join(["Detentions", "\u2022 Moscow: 40", "Kazan", "Number of detentions: four", "Perm",
                      "Number of detentions: four"])
    assert clean(page).lines.count("Number of detentions: four") == 2
    assert "\u2022 Moscow: 40" in clean(page).lines


def test_sentences_keep_abbreviations_and_decimals_whole():
    line = "Police detained 1.3 thousand people in St. Petersburg on Jan. 23. OVD-Info said so. Mr. Ivanov agreed!"
    assert split_sentences(line) == [
        "Police detained 1.3 thousand people in St. Petersburg on Jan. 23.",
        "OVD-Info said so.",
        "Mr. Ivanov agreed!",
    ]


def test_empty_and_boilerplate_only_pages_give_no_title():
    assert clean("").title is None
    assert clean("Alamy\nTopics: News\n").lines == ()


def test_a_lone_surrogate_becomes_the_replacement_character():
    assert normalise("Moscow \ud800 Perm\udfff") == "Moscow \ufffd Perm\ufffd"


def test_analyze_reads_a_text_with_a_lone_surrogate():
    report = analyze("Police detained 30 people in Moscow \ud800 on Sunday, OVD-Info said.", "surrogate")
    assert [(claim.count, claim.place) for claim in report.detentions] == [(30, "Moscow")]
    assert report.model_dump_json()
