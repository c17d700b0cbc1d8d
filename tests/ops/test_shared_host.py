"""Issue 16 on the host and in the production shape: what `make run` shows other users of the machine, and
ending a chat on PostgreSQL with two replicas.

`make run` is started as the Makefile starts it (`python -m bot.server.launcher run`) on free ports, with
its own directory and tracker store files. Other users of the host can read every process's command line
(`ps`): none may carry a secret, and Rasa's HTTP API must not be started. The servers that need no public
address listen on 127.0.0.1 only, and the files that hold conversations are the owner's only.
"""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

from bot.server.settings import ROOT
from tests.ops.conftest import ProductionLike
from tests.server.socket_client import WidgetClient
from tests.support.servers import free_port

SECRET = "never-on-a-command-line-" + "k" * 24


def descendants(pid: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def listening_addresses(port: int) -> List[str]:
    """The local addresses of sockets listening on `port` (IPv4 and IPv6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Dict[str, object]]:
    workdir = tmp_path_factory.mktemp("make_run")
    ports = {
        name: str(free_port()) for name in ("RASA_PORT", "ACTION_PORT", "DIRECTORY_API_PORT", "DEMO_PORT")
    }
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RATE_LIMIT", "REST_CHANNEL", "BIND_HOST"))
        },
        **ports,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}/webhook",
        "TRACKER_DB_URL": f"sqlite:///{workdir / 'conversations' / 'tracker.db'}",
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        "CONVERSATION_ID_SECRET": SECRET,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot.server.launcher", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output: List[str] = []
    deadline = time.monotonic() + 400
    try:
        assert launcher.stdout is not None
        while time.monotonic() < deadline:
            line = launcher.stdout.readline().decode(errors="replace")
            if not line and launcher.poll() is not None:
                pytest.fail("make run stopped:\n" + "".join(output[-40:]))
            output.append(line)
            if "Press Ctrl-C to stop" in line:
                break
        else:
            pytest.fail("make run did not start in time")

        # Keep reading: the servers write to this pipe and would block on a full one.
        def keep_reading() -> None:
            for raw in iter(launcher.stdout.readline, b""):
                output.append(raw.decode(errors="replace"))

        threading.Thread(target=keep_reading, daemon=True).start()
        yield {"pid": launcher.pid, "ports": ports, "workdir": workdir, "output": output}
    finally:
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()


def test_no_process_of_make_run_has_a_secret_or_the_admin_api_on_its_command_line(make_run: Dict) -> None:
    lines = [command_line(pid) for pid in descendants(make_run["pid"])]
    assert any(" rasa run " in f" {line} " for line in lines), lines
    for line in lines:
        assert SECRET not in line
        assert "--enable-api" not in line and "--auth-token" not in line and "token" not in line.lower(), line


def test_the_servers_without_a_public_role_listen_on_127_0_0_1_only(make_run: Dict) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for name in ("ACTION_PORT", "DEMO_PORT", "DIRECTORY_API_PORT"):
        addresses = listening_addresses(int(make_run["ports"][name]))
        assert addresses and set(addresses) <= loopback, (name, addresses)


def test_the_tracker_store_and_the_key_are_the_owners_only(make_run: Dict) -> None:
    url = f"http://127.0.0.1:{make_run['ports']['RASA_PORT']}"
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": "local", "message": "hi"}, timeout=60
    )
    assert response.status_code == 200, "the REST channel answers on this machine under make run"
    database = make_run["workdir"] / "conversations" / "tracker.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((ROOT / ".rasa").stat().st_mode) == 0o700


# ---------------------------------------------------------------------------------------------------- PostgreSQL
def test_end_chat_deletes_the_conversation_from_postgresql_for_every_replica(
    production_like: ProductionLike,
) -> None:
    assistant = production_like.assistant

    async def scenario() -> Dict[str, object]:
        client = WidgetClient(assistant.url_of(0))
        session_id = await client.connect()
        await client.say("/greet")
        await client.say("I'm 16 and I live in Lambeth")
        before = len(production_like.stored_events(session_id))
        ended = await client.end()
        await client.close()
        other = WidgetClient(assistant.url_of(1))  # another replica: the ended id is refused there too
        try:
            again = await other.connect(session_id)
        finally:
            await other.close()
        return {"id": session_id, "before": before, "ended": ended, "again": again}

    result = asyncio.run(scenario())
    assert result["before"] > 0
    assert production_like.stored_events(str(result["id"])) == []
    assert result["again"] != result["id"]


def test_the_model_is_reloaded_by_a_host_command_not_an_http_api(make_run: Dict) -> None:
    """`python -m ops reload-model` signals the Rasa process `make run` started; it keeps answering."""
    result = subprocess.run(
        [sys.executable, "-m", "ops", "reload-model"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not any("model reloaded" in line for line in make_run["output"]):
        time.sleep(1)
    assert any("model reloaded" in line for line in make_run["output"]), "Rasa logs the reload"
    url = f"http://127.0.0.1:{make_run['ports']['RASA_PORT']}"
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": "after", "message": "hi"}, timeout=60
    )
    assert response.status_code == 200 and response.json()
