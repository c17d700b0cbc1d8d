"""Held-out conversations over the REST channel: per-turn checks, pass rate by writer and persona.

    python -m tools.eval_conversations                 # starts the assistant on free ports, then replays
    python -m tools.eval_conversations --url URL       # against an assistant already running at URL
    python -m tools.eval_conversations --dev           # the development sets (tests/data/dev/), failures shown

Every conversation of the sealed conversation sets (tests/data/heldout/, kind `conversations`) is replayed
turn by turn with a new sender; each turn's reply is checked against what its writer said must and must not
happen (escalation level, a new list of services, a service's details, words it must or must not contain).
A conversation passes when every turn does. Only ids, personas and which check failed are printed, never
the texts: the sets stay held out (tests/data/heldout/README.md).

With `--dev` the development conversation sets (tests/data/dev/conversations/, already read to change the
product) are replayed instead, and every failed turn is printed with its text, the reply and the failed
checks. Held-out sets are never printed.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import requests
import yaml

from bot.server.launcher import (
    load_directory,
    start_action_server,
    start_rasa_server,
    stop,
    wait_until_up,
)
from bot.server.model_cache import ensure_model
from bot.server.settings import load_settings
from tools.eval_sets import DEV_DIR, manifests

DEV_CONVERSATIONS = DEV_DIR / "conversations"

Reply = List[Dict[str, Any]]
ESCALATIONS = ("crisis", "safeguarding", "check")


@dataclass(frozen=True)
class TurnResult:
    conversation: str
    persona: str
    writer: str
    turn: int
    failed: Tuple[str, ...]  # names of the checks that failed
    text: str = ""  # the user's message and the reply: kept only for development sets
    reply: str = ""


def escalation_of(replies: Reply) -> str:
    levels = [r["custom"].get("escalation") for r in replies if isinstance(r.get("custom"), dict)]
    return next((level for level in levels if level), "none")


def has_custom(replies: Reply, kind: str) -> bool:
    return any(isinstance(r.get("custom"), dict) and r["custom"].get("type") == kind for r in replies)


def failed_checks(expect: Dict[str, Any], replies: Reply) -> List[str]:
    """The names of the writer's checks this reply fails."""
    said = " ".join(r.get("text") or "" for r in replies).lower()
    failed = []
    level = escalation_of(replies)
    wanted = expect.get("escalation", "any")
    if wanted == "none" and level != "none":
        failed.append(f"escalation: wanted none, got {level}")
    elif wanted == "crisis_or_check" and level not in ("crisis", "check"):
        failed.append(f"escalation: wanted crisis or check, got {level}")
    elif wanted in ESCALATIONS and level != wanted and not (wanted == "crisis" and level == "safeguarding"):
        failed.append(f"escalation: wanted {wanted}, got {level}")
    services = expect.get("services", "any")
    if services == "listed" and not has_custom(replies, "services"):
        failed.append("services: no list")
    if services == "none" and has_custom(replies, "services"):
        failed.append("services: an unwanted list")
    if expect.get("service_details") and not has_custom(replies, "service"):
        failed.append("service_details: none")
    says_any = [s.lower() for s in expect.get("says_any") or []]
    if says_any and not any(s in said for s in says_any):
        failed.append("says_any: none of the words")
    if any(s.lower() in said for s in expect.get("says_none") or []):
        failed.append("says_none: a forbidden word")
    return failed


def reply_text(replies: Reply) -> str:
    """The reply as one line: texts, and the kind of each custom payload in brackets."""
    parts = []
    for r in replies:
        if r.get("text"):
            parts.append(str(r["text"]))
        custom = r.get("custom")
        if isinstance(custom, dict):
            parts.append(f"[{custom.get('type') or custom.get('escalation') or 'custom'}]")
    return " | ".join(parts)


def replay(
    say: Callable[[str, str], Reply], document: Dict[str, Any], keep_text: bool = False
) -> Iterator[TurnResult]:
    writer = str(document["writer"])
    for conversation in document["conversations"]:
        sender = f"heldout-{uuid.uuid4().hex[:12]}"
        for index, turn in enumerate(conversation["turns"]):
            replies: Reply = []
            try:
                replies = say(sender, str(turn["user"]))
                failed = tuple(failed_checks(turn.get("expect") or {}, replies))
            except (requests.RequestException, ValueError) as error:
                failed = (f"request failed: {type(error).__name__}",)
            text, said = (str(turn["user"]), reply_text(replies)) if keep_text else ("", "")
            yield TurnResult(
                str(conversation["id"]), str(conversation["persona"]), writer, index, failed, text, said
            )


def failure_lines(results: Sequence[TurnResult]) -> List[str]:
    """Each failed turn of a development set: id, turn, the checks, the message and the reply."""
    lines = []
    for t in results:
        if t.failed:
            lines.append(f"{t.conversation} turn {t.turn}: {'; '.join(t.failed)}")
            lines.append(f"    user: {t.text}")
            lines.append(f"    bot:  {t.reply}")
    return lines


def report(results: Sequence[TurnResult]) -> List[str]:
    by_conversation: Dict[str, List[TurnResult]] = defaultdict(list)
    for result in results:
        by_conversation[result.conversation].append(result)
    passed = {cid: all(not t.failed for t in turns) for cid, turns in by_conversation.items()}
    lines = []
    for title, key in (("writer", lambda t: t.writer), ("persona", lambda t: t.persona)):
        groups: Dict[str, List[str]] = defaultdict(list)
        for cid, turns in by_conversation.items():
            groups[key(turns[0])].append(cid)
        lines.append(f"| {title} | conversations passed | turns passed |")
        lines.append("|---|---|---|")
        for group, cids in sorted(groups.items()):
            turns = [t for cid in cids for t in by_conversation[cid]]
            good = sum(passed[cid] for cid in cids)
            ok_turns = sum(not t.failed for t in turns)
            lines.append(f"| {group} | {good}/{len(cids)} | {ok_turns}/{len(turns)} |")
        lines.append("")
    total = sum(passed.values())
    lines.append(f"All: {total}/{len(passed)} conversations passed.")
    kinds = Counter(f.split(":")[0] for t in results for f in t.failed)
    lines.append(
        "Failed checks by kind: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none")
    )
    lines.append("Failed conversations: " + ", ".join(sorted(c for c, ok in passed.items() if not ok)))
    return lines


def _free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def _start(workdir: Path) -> Tuple[str, List[subprocess.Popen]]:
    """The action server and one Rasa server on free ports, with a throwaway tracker store."""
    load_settings()
    os.environ["TRACKER_DB_URL"] = f"sqlite:///{workdir / 'tracker.db'}"
    os.environ["REST_CHANNEL"] = "local"
    # One replayer sends every conversation from one address, faster than people type: lift the flood limits
    # (bot/server/rate_limit.py) for this private server, as the test fixtures do.
    os.environ["RATE_LIMIT_PER_CONVERSATION"] = "1000"
    os.environ["RATE_LIMIT_PER_ADDRESS"] = "100000"
    load_directory()
    action_port, rasa_port = _free_port(), _free_port()
    os.environ["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    devnull = open(os.devnull, "wb")  # noqa: SIM115 - open for the servers' lifetime
    processes = [start_action_server(action_port, output=devnull)]
    wait_until_up(f"http://127.0.0.1:{action_port}/health", processes)
    processes.append(start_rasa_server(str(ensure_model()), rasa_port, "*", output=devnull))
    wait_until_up(f"http://127.0.0.1:{rasa_port}/ready", processes)
    return f"http://127.0.0.1:{rasa_port}", processes


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an assistant already running (its Rasa server's base URL)")
    parser.add_argument(
        "--dev", action="store_true", help="replay the development sets and print every failed turn"
    )
    args = parser.parse_args(argv)
    processes: List[subprocess.Popen] = []
    url = args.url
    with tempfile.TemporaryDirectory() as workdir:
        try:
            if url is None:
                url, processes = _start(Path(workdir))

            def say(sender: str, text: str) -> Reply:
                response = requests.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                )
                response.raise_for_status()
                return list(response.json())

            results: List[TurnResult] = []
            if args.dev:
                for path in sorted(DEV_CONVERSATIONS.glob("*.yml")):
                    if path.name.endswith(".manifest.yml"):
                        continue
                    document = yaml.safe_load(path.read_text(encoding="utf-8"))
                    results += list(replay(say, document, keep_text=True))
                print("\n".join(failure_lines(results)))
                print()
            else:
                for manifest in manifests():
                    if manifest.kind == "conversations":
                        document = yaml.safe_load(manifest.path.read_text(encoding="utf-8"))
                        results += list(replay(say, document))
            print("\n".join(report(results)))
        finally:
            stop(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
