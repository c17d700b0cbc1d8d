"""Start everything the assistant needs and keep it running until Ctrl-C.

`python -m bot.server.launcher run` loads the service directory, trains the model if its inputs changed, starts the
action server and the Rasa server (REST and socket.io channels), waits until both answer, and stops both
cleanly on Ctrl-C. `python -m bot.server.launcher test` prepares the same way and runs the test suite.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import IO, Dict, List, Optional

from bot.server.model_cache import ensure_model
from bot.server.settings import ROOT, load_settings

STARTUP_TIMEOUT_S = 180


def _python_env(overrides: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """This environment plus `overrides`, with the project first on PYTHONPATH (an override's path after it)."""
    env = {**os.environ, **(overrides or {})}
    extra = (overrides or {}).get("PYTHONPATH")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), extra] if extra else [str(ROOT)])
    return env


def load_directory() -> None:
    """Load the directory's YAML seed data into its database (all or nothing)."""
    subprocess.run([sys.executable, "-m", "directory", "load"], cwd=ROOT, check=True, env=_python_env())


def purge_old_conversations() -> None:
    """Apply the retention rule at every start (deployments also run it daily: deploy/k8s/jobs.yaml)."""
    subprocess.run([sys.executable, "-m", "ops", "purge"], cwd=ROOT, check=True, env=_python_env())


def start_action_server(
    port: str, env: Optional[Dict[str, str]] = None, output: Optional[IO[bytes]] = None
) -> subprocess.Popen:
    """The rasa-sdk server behind actions.server: only POST /webhook and GET /health answer."""
    return subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", port],
        cwd=ROOT,
        env=_python_env(env),
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


def start_rasa_server(
    model: str, port: str, cors: str, env: Optional[Dict[str, str]] = None, output: Optional[IO[bytes]] = None
) -> subprocess.Popen:
    """Rasa with the REST and socket.io channels, and without its HTTP API (docs/security.md).

    Readiness is the plain route `/ready` (bot/server/channels.py); nothing secret is on the command line
    (everything comes from the environment). `env` adds to this process's environment (tests run several
    differently configured servers); `output` receives the server's log instead of the terminal.
    """
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "--model",
            model,
            "--port",
            port,
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
            "--cors",
            cors,
        ],
        cwd=ROOT,
        env=_python_env(env),
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


def start_directory_api(port: str) -> subprocess.Popen:
    """The service directory's read-only HTTP API (Open Referral UK shaped JSON; docs/directory-api.md)."""
    return subprocess.Popen(
        [sys.executable, "-m", "directory", "serve", "--host", os.environ["BIND_HOST"], "--port", port],
        cwd=ROOT,
        env=_python_env(),
    )


def start_demo_page(port: str, rasa_port: str) -> subprocess.Popen:
    """The demo page with the chat widget (web/), talking to the Rasa server on `rasa_port`."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "web.demo_server",
            "--host",
            os.environ["BIND_HOST"],
            "--port",
            port,
            "--rasa-port",
            rasa_port,
        ],
        cwd=ROOT,
        env=_python_env(),
    )


#: Where the launcher notes the Rasa process's id, for `python -m ops reload-model` (SIGHUP).
RASA_PID_FILE = ROOT / ".rasa" / "rasa.pid"


def rasa_status_url(port: str) -> str:
    """Answers 200 only once the model is loaded (Rasa keeps serving, silently, when loading failed)."""
    return f"http://127.0.0.1:{port}/ready"


def wait_until_up(url: str, processes: List[subprocess.Popen], timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    """Poll `url` until it answers 200; fail early if a process died or the server says it cannot serve."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a server exited during start-up (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as error:
            # Rasa starts listening only after loading the model, so a 409 here means loading failed.
            raise RuntimeError(
                f"server answered {error.code} during start-up: the model did not load "
                f"(see the Rasa log above)"
            ) from None
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    raise RuntimeError(f"server did not answer within {timeout_s:.0f} s")


def stop(processes: List[subprocess.Popen]) -> None:
    """SIGTERM (servers shut down cleanly on it), then SIGKILL for anything still running after 15 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _stop_on_signals() -> None:
    """Ctrl-C and a platform's SIGTERM both end `run` cleanly.

    A launcher started in the background by a script has SIGINT ignored, and Python then installs no
    handler of its own, so both handlers are set explicitly.
    """

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def run() -> int:
    _stop_on_signals()
    os.umask(0o077)  # every file the servers make (tracker store, logs, keys) is this user's only
    settings = load_settings()
    load_directory()
    purge_old_conversations()
    model = str(ensure_model())
    processes: List[subprocess.Popen] = []
    try:
        processes.append(start_action_server(settings["ACTION_PORT"]))
        processes.append(start_rasa_server(model, settings["RASA_PORT"], settings["CORS_ORIGINS"]))
        RASA_PID_FILE.write_text(str(processes[-1].pid))
        wait_until_up(f"http://127.0.0.1:{settings['ACTION_PORT']}/health", processes)
        wait_until_up(rasa_status_url(settings["RASA_PORT"]), processes)
        demo_port = os.environ.get("DEMO_PORT", "8080")
        processes.append(start_demo_page(demo_port, settings["RASA_PORT"]))
        processes.append(start_directory_api(settings["DIRECTORY_API_PORT"]))
        wait_until_up(f"http://127.0.0.1:{settings['DIRECTORY_API_PORT']}/health", processes)
        print(
            f"\nThe assistant is running. Talk to it (REST answers on this machine only) with:\n"
            f"  curl -s -X POST http://localhost:{settings['RASA_PORT']}/webhooks/rest/webhook "
            f'-H \'Content-Type: application/json\' -d \'{{"sender": "me", "message": "hi"}}\'\n'
            f"or open the demo page with the chat widget: http://localhost:{demo_port}\n"
            f"(as on a shared youth-hub computer, in kiosk mode: http://localhost:{demo_port}/kiosk)\n"
            f"The service directory's API: http://localhost:{settings['DIRECTORY_API_PORT']}/services\n"
            f"Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print("a server stopped unexpectedly; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


def shell() -> int:
    """`rasa shell` on the current model, with the same settings as `run` (endpoints.yml needs them).

    Signposting answers need the action server, so start `make run` in another terminal first.
    """
    load_settings()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "shell",
            "--model",
            str(ensure_model()),
            "--endpoints",
            "endpoints.yml",
        ],
        cwd=ROOT,
        env=_python_env(),
    ).returncode


def test(pytest_args: Optional[List[str]] = None) -> int:
    load_settings()
    ensure_model()
    return subprocess.run(
        [sys.executable, "-m", "pytest", *(pytest_args or [])], cwd=ROOT, env=_python_env()
    ).returncode


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "test", "train", "shell"])
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run()
    if args.command == "train":
        load_settings()
        print(ensure_model())
        return 0
    if args.command == "shell":
        return shell()
    return test(args.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
