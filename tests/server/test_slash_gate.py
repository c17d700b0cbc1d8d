"""Only buttons speak slash: the gate's decisions on a real tracker (the running assistant is tested in
tests/server/test_socketio_security.py)."""

from __future__ import annotations

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.slash_gate import as_plain_text, offered_payloads, speaks_slash


def tracker_with_buttons() -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "t",
        [
            UserUttered("hi"),
            BotUttered(
                "Who are you looking for support for?",
                data={"buttons": [{"title": "Me", "payload": '/inform{"role":"young_person"}'}]},
            ),
        ],
    )


def test_a_payload_the_assistant_offered_keeps_its_meaning() -> None:
    tracker = tracker_with_buttons()
    assert offered_payloads(tracker) == {'/inform{"role":"young_person"}'}
    assert speaks_slash('/inform{"role":"young_person"}', tracker)
    assert speaks_slash("/greet", None), "the widget's opening"


def test_anything_else_beginning_with_a_slash_is_text() -> None:
    tracker = tracker_with_buttons()
    for text in (
        '/inform{"borough": "<img src=x onerror=alert(1)>"}',
        '/inform{"role":"parent"}',  # a real payload, but not offered in this conversation
        "/restart",
        "/ i want to die",
    ):
        assert not speaks_slash(text, tracker), text
    assert not speaks_slash('/inform{"role":"young_person"}', None)


def test_slash_text_is_read_as_the_words_after_the_slash() -> None:
    assert as_plain_text("/ i want to die") == "i want to die"
    assert as_plain_text("//") == "?"
