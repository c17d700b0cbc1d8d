"""Privacy of the running service: nothing people type reaches the logs, nothing leaves the machine, the action
server shows nothing but its two routes.

Messages carry made-up marker words (a name, a worry) no log line could contain by chance, plus an age and a
borough; the logs of both replicas and the action server are searched for them after normal turns, a crisis,
and turns that fail (action server down, directory cut off), because error paths are where text leaks.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from typing import List

import pytest
import requests

from tests.ops.conftest import ProductionLike
from tests.support.servers import dump, services_payload, texts

pytestmark = [pytest.mark.model, pytest.mark.server, pytest.mark.postgres, pytest.mark.redis, pytest.mark.ops]

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


def markers() -> List[str]:
    return [f"Zq{uuid.uuid4().hex[:8]}" for _ in range(4)]


def test_nothing_people_type_reaches_the_logs(production_like: ProductionLike) -> None:
    assistant = production_like.assistant
    name, worry, failing, crisis_word = markers()
    sender = assistant.new_sender()
    turns = [
        f"hi my name is {name}",
        '/inform{"role":"young_person"}',
        "I am 14",
        "I live in Lewisham",
        f"i feel {worry} and anxious all the time",
    ]
    replies = [assistant.say(sender, message, replica=n % 2) for n, message in enumerate(turns)]
    assert services_payload(replies[-1]) is not None, dump(replies[-1])
    assistant.say(assistant.new_sender(), f"i want to kill myself {crisis_word}")

    second = assistant.new_sender()
    assistant.say(second, "hi")
    assistant.say(second, '/inform{"role":"young_person"}')
    assistant.stop_action_server()
    try:
        assistant.say(second, f"i am 13 {failing}")  # the form's validation fails: errors are logged
    finally:
        assistant.start_action_server()
    production_like.directory_proxy.cut()
    try:
        third = assistant.new_sender()
        degraded = assistant.say(third, f"I'm 15, live in Lewisham and feel low {worry}")
        assert services_payload(degraded) is not None
    finally:
        production_like.directory_proxy.restore()

    logs = production_like.logs()
    assert re.search(r" INFO ", logs) and "ERROR" in logs, (
        "the logs searched are the real ones, errors included"
    )
    for word in (name, worry, failing, crisis_word):
        assert word not in logs, f"marker {word} found in the logs"
    for phrase in ("Lewisham", "I am 14", "i am 13", "kill myself", "young_teen", "'age': 1"):
        assert phrase not in logs, f"{phrase!r} found in the logs"
    assert not re.search(r"\bDEBUG\b", logs), "production runs at INFO"


def test_servers_connect_to_nothing_outside_this_machine(production_like: ProductionLike) -> None:
    """Every Python process of the deployment recorded each host it resolved or connected to (sitecustomize
    audit hook). With telemetry off and no remote services configured, all of them are local.

    The hook sees sockets opened from Python: requests, urllib3, http.client and redis-py, which is what
    Rasa's telemetry (Segment) and error reporting (Sentry) would use. It does not see connections made in
    C: libpq (PostgreSQL) and uvloop (Rasa's aiohttp calls to the action server); those only go where the
    configuration points, which is this machine here."""
    assistant = production_like.assistant
    sender = assistant.new_sender()
    for message in ("hi", '/inform{"role":"young_person"}', "15", "hackney", "low mood"):
        assistant.say(sender, message)
    records = production_like.egress_file.read_text().splitlines()
    assert any(line.endswith(f"connect 127.0.0.1 {production_like.redis.port}") for line in records), (
        f"the audit sees the servers' own connections (Redis): {records}"
    )
    hosts = {line.split()[2] for line in records}
    remote = {host for host in hosts if not _is_local(host)}
    assert not remote, f"connections outside this machine: {sorted(remote)}"


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_action_server_answers_only_webhook_and_health(production_like: ProductionLike) -> None:
    url = f"http://127.0.0.1:{production_like.assistant.action_port}"
    assert requests.get(f"{url}/health", timeout=10).json() == {"status": "ok"}
    for method, path in (
        ("GET", "/actions"),
        ("GET", "/webhook"),
        ("GET", "/"),
        ("POST", "/actions"),
        ("GET", "/docs"),
        ("DELETE", "/webhook"),
    ):
        assert requests.request(method, f"{url}{path}", timeout=10).status_code == 404, (method, path)
    marker = markers()[0]
    broken_call = {
        "next_action": "action_find_services",
        "version": "3.6.21",
        "tracker": {"latest_message": {"text": marker}},
        "domain": {},
    }  # no sender_id: fails
    response = requests.post(f"{url}/webhook", json=broken_call, timeout=10)
    assert response.status_code == 500
    assert marker not in response.text, "an error answer never echoes the conversation back"
    assert marker not in production_like.logs()


def test_rasa_http_api_is_not_started(production_like: ProductionLike) -> None:
    """No --enable-api: no route reads a conversation or replaces the model, with or without a token."""
    url = production_like.assistant.url
    for path in ("/conversations/someone/tracker", "/status", "/domain", "/model"):
        assert requests.get(f"{url}{path}", timeout=10).status_code == 404, path
    assert texts(production_like.assistant.say(production_like.assistant.new_sender(), "hi"))
