import pytest

from hypothesis import given
from hypothesis import strategies as st

from worker.text.numbers import FIGURE, VAGUE_LOWER_BOUNDS, figure_matches, find_figures


def only(sentence):
    figures = find_figures(sentence)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("sentence", "count", "upper", "qualifier", "text"),
    [
        ("police detained 1,474 people", 1474, None, "exact", "1,474"),
        ("At least 70 000 people", 70000, None, "at_least", "At least 70 000"),
        ("over 4,000 arrests", 4000, None, "more_than", "over 4,000"),
        ("three people were held", 3, None, "exact", "three"),
        ("at least a dozen arrests", 12, None, "at_least", "at least a dozen"),
        ("a dozen arrests", 12, None, "exact", "a dozen"),
        ("some 1.3 thousand detainees", 1300, None, "about", "some 1.3 thousand"),
        ("a pool of 25 million", 25_000_000, None, "exact", "25 million"),
        ("hundreds of arrests", 200, None, "vague", "hundreds"),
        ("several hundred detained", 300, None, "vague", "several hundred"),
        ("tens of thousands marched", 20000, None, "vague", "tens of thousands"),
        ("about several dozen detained", 24, None, "vague", "about several dozen"),  # a vague word stays vague
        ("up to 500 people", 500, 500, "up_to", "up to 500"),
        ("between 100 and 150 people were detained", 100, 150, "at_least", "between 100 and 150"),
        ("twenty-five detentions", 25, None, "exact", "twenty-five"),
        ("past 4,000.", 4000, None, "more_than", "past 4,000"),
        ("the count passes 7,000", 7000, None, "more_than", "passes 7,000"),
        ("the tally exceeds 300", 300, None, "more_than", "exceeds 300"),
        # a content farm's misspelling
        ("detained more then 700 people", 700, None, "more_than", "more then 700"),
        ("atleast 412 was detained", 412, None, "at_least", "atleast 412"),
        ("nearly 5,000 people", 5000, 5000, "up_to", "nearly 5,000"),
        ("two dozen arrests", 24, None, "exact", "two dozen"),
        ("half a dozen people", 6, None, "exact", "half a dozen"),
        ("some four and a half thousand held", 4500, None, "about", "some four and a half thousand"),
        ("nobody was detained", 0, None, "exact", "nobody"),
        ("with zero arrests", 0, None, "exact", "zero"),
        ("at least one person", 1, None, "at_least", "at least one"),
        ("the 15-20 women", 15, 20, "at_least", "15-20"),
        ("400 to 500 people", 400, 500, "at_least", "400 to 500"),
        ("Detained: 100+", 100, None, "more_than", "100+"),
        ("Moscow ~1,200", 1200, None, "about", "~1,200"),
    ],
)
def test_figures_parse_with_their_qualifier(sentence, count, upper, qualifier, text):
    figure = only(sentence)
    assert (figure.count, figure.upper, figure.qualifier, figure.text) == (count, upper, qualifier, text)


def test_vague_table_follows_the_crowd_counting_convention():
    assert VAGUE_LOWER_BOUNDS["dozens"] == 24
    assert VAGUE_LOWER_BOUNDS["scores"] == 40
    assert VAGUE_LOWER_BOUNDS["hundreds"] == 200
    assert VAGUE_LOWER_BOUNDS["several hundred"] == 300
    assert VAGUE_LOWER_BOUNDS["thousands"] == 2000
    assert VAGUE_LOWER_BOUNDS["tens of thousands"] == 20000


@pytest.mark.parametrize("sentence", ["it was -50 centigrade", "worth $1.36 billion", "at 7pm", "A 48-year-old man"])
def test_signed_money_and_glued_numbers_are_not_bare_figures(sentence):
    assert all(f.text not in {"50", "1.36 billion", "7"} for f in find_figures(sentence))


@pytest.mark.parametrize("sentence", ["On January 17 Navalny flew home", "on 24 February 2022", "by 10 a.m.",
                                      "as of 21:27", "as of 9.48 p.m.", "at 7pm", "Feb. 24", "in 2021-2022",
                                      "in one video", "One detainee said", "on the 17th"])
def test_dates_times_and_a_bare_one_are_not_figures(sentence):
    assert find_figures(sentence) == []


@pytest.mark.parametrize("sentence", ["the hotline is 8 800 707-05-28", "call +7 495 123-45-67", "dated 2021-02-23"])
def test_phone_numbers_and_dashed_dates_are_not_figures(sentence):
    assert all(f.upper is None for f in find_figures(sentence))


@pytest.mark.parametrize("sentence, count", [("and in Novosibirsk 14", 14), ("in Octyabrsky 9", 9), ("Augsburg 40", 40),
                                             ("Marchenko 3", 3), ("3 Decembrists", 3)])
def test_a_word_that_begins_like_a_month_makes_no_date(sentence, count):
    assert [f.count for f in find_figures(sentence)] == [count]


def test_a_qualified_number_after_a_date_is_a_count():
    assert [f.text for f in find_figures("Since 21 September more than 2,400 people were detained")] == ["more than 2,400"]


_NEWS_WORDS = ["police", "detained", "people", "more", "than", "at", "least", "about", "some", "a", "dozen", "half",
               "twenty", "five", "one", "no", "one", "between", "and", "to", "hundreds", "of", "in", "Moscow", "up",
               "nearly", "thousand", "approx.", "tens", "thousands", "nobody", "well", "over", "1,474", "70 000", "12",
               "3.5", "400-500", "10 to 15", "9.48", "p.m.", "Feb.", "24", "100+", "$5", "5%", ",", ".", "-", "(", ")",
               "İzmir", "٣", "Twenty-Five", "THREE"]


@given(st.lists(st.sampled_from(_NEWS_WORDS), max_size=25), st.sampled_from([" ", "", "  ", "\n"]))
def test_figures_are_tried_only_where_a_figure_can_begin_and_none_is_missed(words, separator):
    sentence = separator.join(words)
    assert [m.span() for m in figure_matches(sentence)] == [m.span() for m in FIGURE.finditer(sentence)]


@pytest.mark.parametrize(("sentence", "figure"), [("a turnout of 0.34-0.38 per cent", "0.34-0.38"),
                                                ("12.5 to 13.5 a day", "12.5 to 13.5"), ("from 1.25-2.50", "1.25-2.50")])
def test_a_range_of_decimals_as_long_as_a_range_of_years_is_read_as_a_range(sentence, figure):
    # Four characters a side, as "2021-2022", and no year: the year check used to raise on int("0.34").
    assert [f.text for f in find_figures(sentence)] == [figure]


_NUMBER_AS_WRITTEN = st.from_regex(r"\d{1,5}(?:[.,]\d{1,3})?", fullmatch=True)


@given(_NUMBER_AS_WRITTEN, st.sampled_from(["-", "–", " to ", " - "]), _NUMBER_AS_WRITTEN)
def test_any_range_of_numbers_reads_without_error(low, separator, high):
    for figure in find_figures(f"police detained {low}{separator}{high} people"):
        assert figure.upper is None or figure.count <= figure.upper
