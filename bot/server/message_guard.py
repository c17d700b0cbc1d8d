"""Check and tidy what a client sends before any of it reaches Rasa. Pure functions, no Rasa imports.

People paste things: a whole diary, text copied from a web page with control characters, emoji made of lone
UTF-16 halves. None of that may crash the server or be stored in a form the tracker store refuses
(PostgreSQL rejects NUL characters; lone surrogates cannot be encoded as UTF-8). Very long messages are cut
to the first `HEAD_CHARS` and the last `TAIL_CHARS` characters: the NLU pipeline's cost grows with length
and runs on the server's only event loop, and a disclosure tends to open or close a long paste, so both
ends are kept (the risk detector sees a crisis phrase anywhere in the first several thousand characters).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any, List, Optional

#: Request bodies larger than this are refused (413) before parsing. A 100 000-character message of
#: emoji written as JSON escapes is about 1.2 MB.
MAX_BODY_BYTES = 2_000_000
#: Messages longer than HEAD_CHARS + TAIL_CHARS keep their first HEAD_CHARS and last TAIL_CHARS.
HEAD_CHARS = 6000
TAIL_CHARS = 1000
#: Joins the two ends of a cut message (an ellipsis between spaces, so no word is glued to another).
CUT_MARK = " … "
MAX_SENDER_CHARS = 128
_KEEP_CONTROLS = {"\n", "\t"}


class BadRequest(ValueError):
    """The request cannot be a chat message; `status` is the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class ChatMessage:
    sender: str
    text: str
    was_cut: bool = False


def clean_text(text: str) -> str:
    """Drop control characters (except newline and tab) and lone surrogates; normalise line breaks.

    Format characters (zero-width joiners in emoji, right-to-left marks) are kept: they are part of how
    people write.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: List[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in _KEEP_CONTROLS):
            if category == "Cc" and kept and not kept[-1].isspace():
                kept.append(" ")  # "hi\x00there" stays two words
            continue
        kept.append(char)
    return "".join(kept)


def cap_length(text: str, head: int = HEAD_CHARS, tail: int = TAIL_CHARS) -> "tuple[str, bool]":
    """`text`, or its first `head` and last `tail` characters cut at word boundaries, and whether it was cut."""
    if len(text) <= head + tail + len(CUT_MARK):
        return text, False
    start = text[:head]
    space = start.rfind(" ", head // 2)
    start = start[:space] if space > 0 else start
    end = text[-tail:]
    space = end.find(" ", 0, tail // 2)
    end = end[space + 1 :] if space >= 0 else end
    return start.rstrip() + CUT_MARK + end.lstrip(), True


def clean_sender(value: Any) -> str:
    """The sender id as a short printable string; a missing one is refused (it would share a conversation)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadRequest("'sender' must be a string: one per conversation")
    sender = str(value).strip()
    if not sender:
        raise BadRequest("'sender' must not be empty: one per conversation")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' is longer than {MAX_SENDER_CHARS} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in sender):
        raise BadRequest("'sender' contains control characters")
    return sender


def parse_body(body: Optional[bytes]) -> ChatMessage:
    """The sender and cleaned, length-capped text of a REST webhook body, or `BadRequest`."""
    if not body:
        raise BadRequest('empty body: send JSON {"sender": ..., "message": ...}')
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"body larger than {MAX_BODY_BYTES} bytes", status=413)
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8") from None
    except ValueError:
        raise BadRequest("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest('body must be a JSON object: {"sender": ..., "message": ...}')
    sender = clean_sender(data.get("sender"))
    message = data.get("message")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    text = clean_text(message)
    if not text.strip():
        raise BadRequest("'message' is empty")
    text, was_cut = cap_length(text.strip())
    return ChatMessage(sender=sender, text=text, was_cut=was_cut)
