"""What no text of the app may hold (domain/limits.clean_text): control characters but
tab and line breaks, and lone surrogates; everything else is kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cloudlink_app.domain.limits import PAYLOAD_DEPTH_MAX, clean_payload, clean_text, storable


def test_controls_and_lone_surrogates_go_and_the_rest_stays():
    assert clean_text("\u202e\x00") == "\u202e"  # a format character is text
    assert clean_text("a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    assert clean_text("\x01\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f") == ""
    assert clean_text("x\ud800y\udfffz") == "xyz"
    assert clean_text("Bakkerij Müller 😀 ǅ") == "Bakkerij Müller 😀 ǅ"


@given(st.text())
def test_what_is_left_can_always_be_stored(value):
    cleaned = clean_text(value)
    assert storable(cleaned)
    assert clean_text(cleaned) == cleaned


def test_a_payload_is_cleaned_through_lists_tuples_and_dicts_keys_included():
    payload = {"value": ["a\x00", ("b\x01",), {"k\x02": "v\x03"}], "n": 5, "flag": None}
    assert clean_payload(payload) == {"value": ["a", ("b",), {"k": "v"}], "n": 5, "flag": None}


def test_nesting_deeper_than_the_limit_is_left_as_it_is():
    deep: object = "x\x00"
    for _ in range(PAYLOAD_DEPTH_MAX + 2):
        deep = [deep]
    cleaned = clean_payload(deep)
    for _ in range(PAYLOAD_DEPTH_MAX + 2):
        assert isinstance(cleaned, list)
        cleaned = cleaned[0]
    assert cleaned == "x\x00"
