"""Input checks of the hardened REST channel, without a server (the HTTP behaviour is in test_bad_input.py)."""

from __future__ import annotations

import json

import pytest

from bot.server.message_guard import (
    CUT_MARK,
    HEAD_CHARS,
    MAX_BODY_BYTES,
    TAIL_CHARS,
    BadRequest,
    cap_length,
    clean_text,
    parse_body,
)


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "empty body"),
        (b"{not json", "not valid JSON"),
        (b'{"sender": "a", "message": "\xff\xfe"}', "not UTF-8"),
        (b"[1, 2]", "JSON object"),
        (b'"hello"', "JSON object"),
        (body(message="hi"), "'sender'"),
        (body(sender="", message="hi"), "'sender'"),
        (body(sender=None, message="hi"), "'sender'"),
        (body(sender={"id": 1}, message="hi"), "'sender'"),
        (body(sender="a\nb", message="hi"), "control"),
        (body(sender="x" * 129, message="hi"), "longer"),
        (body(sender="a"), "'message'"),
        (body(sender="a", message=None), "'message'"),
        (body(sender="a", message=5), "'message'"),
        (body(sender="a", message=["hi"]), "'message'"),
        (body(sender="a", message=""), "empty"),
        (body(sender="a", message=" \n\t "), "empty"),
        (body(sender="a", message="\x00\x01\x7f"), "empty"),
    ],
)
def test_bodies_that_cannot_be_a_chat_message_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_body(raw)
    assert reason in refused.value.reason
    assert refused.value.status == 400


def test_oversized_body_is_refused_with_413() -> None:
    with pytest.raises(BadRequest) as refused:
        parse_body(body(sender="a", message="x" * (MAX_BODY_BYTES + 1)))
    assert refused.value.status == 413


def test_numeric_sender_ids_are_accepted_as_text() -> None:
    assert parse_body(body(sender=12345, message="hi")).sender == "12345"


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("hi\x00there", "hi there"),
        ("hi\x1b[31m there\x7f", "hi [31m there "),  # parse_body strips the end
        ("line one\r\nline two\rthree", "line one\nline two\nthree"),
        ("tab\tstays", "tab\tstays"),
        ("😭👩‍👧 ok", "😭👩‍👧 ok"),  # the zero-width joiner inside the family emoji is kept
        ("مرحبا \u200fok", "مرحبا \u200fok"),  # right-to-left mark kept
    ],
)
def test_clean_text_drops_only_controls(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


def test_lone_surrogates_from_json_escapes_are_dropped() -> None:
    message = parse_body(b'{"sender": "a", "message": "hi \\ud800 there \\udfff"}')
    assert message.text == "hi  there"
    message.text.encode("utf-8")  # storable


def test_short_messages_are_not_cut() -> None:
    text = "word " * 1000
    assert cap_length(text.strip()) == (text.strip(), False)


def test_long_message_keeps_its_start_and_end_at_word_boundaries() -> None:
    words = [f"w{i}" for i in range(40_000)]
    text, was_cut = cap_length(" ".join(words))
    assert was_cut
    assert len(text) <= HEAD_CHARS + TAIL_CHARS + len(CUT_MARK)
    head, tail = text.split(CUT_MARK)
    assert head.split() == words[: len(head.split())], "the start is kept word for word"
    assert tail.split() == words[-len(tail.split()) :], "the end is kept word for word"


def test_a_crisis_phrase_within_the_first_several_thousand_characters_survives_the_cut() -> None:
    filler = "and then we went to the shops and it was fine "
    text = filler * 120 + "i want to kill myself " + filler * 3000
    assert 5000 < text.index("i want to kill myself") < HEAD_CHARS - 50
    capped = parse_body(body(sender="a", message=text)).text
    assert "i want to kill myself" in capped


def test_a_crisis_phrase_at_the_very_end_of_a_long_paste_survives_the_cut() -> None:
    text = "blah " * 20_000 + "and now i want to die"
    assert parse_body(body(sender="a", message=text)).text.endswith("i want to die")


def test_deeply_nested_bodies_are_refused_not_a_crash() -> None:
    for depth in (20, 100_000):
        raw = b'{"sender": "a", "message": "hi", "x": ' + b"[" * depth + b"]" * depth + b"}"
        with pytest.raises(BadRequest) as refused:
            parse_body(raw)
        assert refused.value.status == 400 and "nested" in refused.value.reason
