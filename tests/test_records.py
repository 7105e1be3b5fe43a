"""Reading one feed.raw record: every bad input is a clear ValueError subclass, refused before it is expensive."""

import json

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from worker.records import (MAX_FEED_RECORD_BYTES, MAX_JSON_DEPTH, KeyMismatch, NoArticleText, RecordTooLarge,
                            TooDeeplyNested, json_depth, read_article, read_feed_item, record_size)


def item(**fields) -> bytes:
    return json.dumps({"doc_id": "d1", "text": "Police detained 5 people.", "sequence": 0,
                       "published_at": "2022-02-24T10:00:00Z", **fields}).encode()


@pytest.mark.parametrize(("text", "depth"), [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": 2}]}', 3),
    ('"[[[["', 0),                       # brackets in a string are text
    ('["a\\"[", [1]]', 2),               # an escaped quote does not end the string
    ('["a\\\\", [1]]', 2),               # an escaped backslash does
    ('"unterminated [[[', 0),
])
def test_json_depth(text, depth):
    assert json_depth(text) == depth


def test_a_valid_item_is_read():
    assert read_feed_item(b"d1", item()).doc_id == "d1"


def test_deep_nesting_is_refused_before_json_parses_it():
    with pytest.raises(TooDeeplyNested):
        read_feed_item(None, b"[" * 200_000 + b"]" * 200_000)
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    with pytest.raises(ValidationError):  # within the limit: parsed, then refused as not a FeedItem
        read_feed_item(None, nested)


def test_an_oversized_record_is_refused_unread():
    with pytest.raises(RecordTooLarge, match="over the limit"):
        read_feed_item(None, b"1" * (MAX_FEED_RECORD_BYTES + 1))


@pytest.mark.parametrize(("value", "error"), [
    (b"\xff\xfe", UnicodeDecodeError),
    (b"not json", json.JSONDecodeError),
    (b"", json.JSONDecodeError),
    (None, json.JSONDecodeError),
    (item(doc_id=5), ValidationError),
    (item(extra="field"), ValidationError),
    (item(doc_id="x" * 100_000), ValidationError),
    (item(text="\ud800 Police detained 5 people."), ValidationError),  # a lone surrogate is not text
    (item(doc_id="d\udfff"), ValidationError),
])
def test_bad_values_raise_clear_errors(value, error):
    with pytest.raises(error):
        read_feed_item(None, value)


def test_a_key_that_is_not_the_doc_id_is_refused():
    with pytest.raises(KeyMismatch):
        read_feed_item(b"other", item())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_give_an_item_or_a_value_error(value):
    try:
        read_feed_item(None, value)
    except ValueError:
        pass  # UnicodeDecodeError, JSONDecodeError, ValidationError and ours are all ValueErrors


def test_an_empty_page_has_no_article_text():
    with pytest.raises(NoArticleText):
        read_article(read_feed_item(None, item(text="https://t.me/x/1\n\n")))


# Any text, lone surrogates and control characters included, in an otherwise valid item.
ANY_TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e"])),
                   max_size=400)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_gives_a_serialisable_report_or_a_value_error(text):
    try:
        report = read_article(read_feed_item(None, item(text=text)))
    except ValueError:
        return
    assert report.model_dump_json()


def test_a_records_size_counts_its_key_and_its_value_and_nothing_for_what_it_lacks():
    assert record_size(b"doc-1", b'{"text": "x"}') == 5 + 13
    assert record_size(None, None) == 0
