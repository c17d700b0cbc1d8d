"""The action server, exposing only what Rasa needs: `POST /webhook` and `GET /health`.

`python -m rasa_sdk` also serves `GET /actions` (the names of every custom action: a map of the bot for
anyone who can reach the port), allows any web origin (CORS `*`), and on an exception in an action answers
500 with `request_body` set to the whole request: the conversation's tracker, every message the person
typed. Rasa then logs that body, inside its error, at ERROR level. This wrapper builds the SDK's own app
and closes those three gaps:

* every other path answers 404 before any SDK code runs;
* no CORS: only Rasa calls this server, never a browser;
* an action that raises is logged by action name and exception type with the traceback's frames, never its
  message or the tracker, and the answer is `{"error": "internal error"}`.

Run it as `python -m actions.server [--port 5055] [--actions actions]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import traceback
from typing import Any, FrozenSet, List, Optional, Tuple

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

#: The only requests the action server answers.
ALLOWED_ROUTES: FrozenSet[Tuple[str, str]] = frozenset({("POST", "/webhook"), ("GET", "/health")})


def create_app(actions_package: str = "actions") -> Sanic:
    """The rasa-sdk app for `actions_package`, with only the webhook and health routes reachable."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    app: Sanic = create_sdk_app(actions_package, cors_origins="")  # rasa-sdk is untyped: its app is a Sanic

    @app.on_request  # type: ignore[untyped-decorator]  # Sanic 21.12 leaves its decorators unannotated
    async def only_webhook_and_health(request: Request) -> Optional[HTTPResponse]:
        if (request.method, request.path) not in ALLOWED_ROUTES:
            return response.json({"error": "not found"}, status=404)
        return None

    async def on_exception(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if status < 500:  # Sanic's own 4xx (bad JSON body, wrong method): nothing went wrong in an action
            return response.json({"error": type(exception).__name__}, status=status)
        log.error(
            "action %s failed with %s (message withheld: it may quote the conversation)\n%s",
            _action_name(request),
            type(exception).__name__,
            "".join(traceback.format_tb(exception.__traceback__)),
        )
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, on_exception)  # replaces the SDK's handler, which echoes the tracker
    return app


def _action_name(request: Request) -> str:
    try:
        body: Any = request.json
        return str(body.get("next_action")) if isinstance(body, dict) else "?"
    except Exception:  # the body itself may be what failed
        return "?"


def configure_logging(level: str) -> None:
    """The SDK's log format at `level`; Sanic's access log stays off (it would list every call); SQLAlchemy
    error parameters (which could hold what someone typed) are cut from every line (bot.server.log_privacy)."""
    from rasa_sdk import utils

    from bot.server import log_privacy

    utils.configure_colored_logging(level)
    utils.update_sanic_log_level()
    log_privacy.install_sql_filter(logging.getLogger())


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--actions", default="actions", help="package with the custom actions")
    args = parser.parse_args(argv)
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    app = create_app(args.actions)
    # This machine only unless the deployment says otherwise (containers: BIND_HOST=0.0.0.0).
    host = os.environ.get("BIND_HOST") or os.environ.get("SANIC_HOST") or "127.0.0.1"
    log.info("action server on %s:%d (POST /webhook, GET /health)", host, args.port)
    app.run(host=host, port=args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
