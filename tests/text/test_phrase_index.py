from worker.text.phrase_index import PhraseIndex


def test_overlapping_hits_are_all_reported_in_order_of_their_ends():
    index = PhraseIndex({"Nizhny Novgorod": "N", "Novgorod": "V", "Nizhny": "Z"})
    assert list(index.hits("in Nizhny Novgorod")) == [(3, 9, "Z"), (3, 18, "N"), (10, 18, "V")]


def test_offsets_count_characters_not_bytes():
    text = "Задержания: «Москва» и Perm"
    index = PhraseIndex({"Москва": "Moscow", "Perm": "Perm"})
    assert [(text[start:end], value) for start, end, value in index.hits(text)] == [("Москва", "Moscow"), ("Perm", "Perm")]


def test_a_phrase_given_twice_keeps_its_last_value():
    index = PhraseIndex(dict([("Perm", 1), ("Perm", 2)]))
    assert list(index.hits("Perm")) == [(0, 4, 2)]


def test_substrings_inside_words_are_hits_too():
    """Word boundaries are the caller's to check ('russia' inside 'russian' counts for the country tally)."""
    assert list(PhraseIndex({"russia": "RU"}).hits("russian")) == [(0, 6, "RU")]


def test_matching_is_case_sensitive():
    """Place names are matched as written ('Tomsk' holds 'omsk', not 'Omsk'); lower-case phrase sets get lowered text."""
    assert list(PhraseIndex({"Omsk": 1}).hits("Tomsk")) == []
    assert list(PhraseIndex({"omsk": 1}).hits("Tomsk")) == [(1, 5, 1)]
