"""Serve the demo page (the Wellbeing Hub page with the chat widget) and the widget's files.

    python -m web.demo_server --port 8080 --rasa-port 5005

URL paths:
    /                 the demo page (demo/index.html)
    /demo/...         its stylesheet
    /widget/...       the widget (static/): wellbeing-chat.js, wellbeing-chat.css, vendor/socket.io.min.js
    /config.js        the widget's config for this page: the Rasa server on the same host name as the page

The demo page is served with a strict Content-Security-Policy (no inline script or style) to show that the
widget works on sites that have one; `csp=False` leaves it out (the tests that check the widget itself never
runs injected markup do so without a CSP, which would otherwise hide such a bug).
"""

from __future__ import annotations

import argparse
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional
from urllib.parse import urlsplit

WEB = Path(__file__).resolve().parent
MOUNTS: Dict[str, Path] = {"/widget/": WEB / "static", "/demo/": WEB / "demo"}
PAGES: Dict[str, Path] = {"/": WEB / "demo" / "index.html", "/index.html": WEB / "demo" / "index.html"}


class DemoHandler(SimpleHTTPRequestHandler):
    """Static files from MOUNTS and PAGES only (never the Python files next to them), plus /config.js."""

    def __init__(self, *args, rasa_port: str, rasa_url: Optional[str], csp: bool, **kwargs) -> None:
        self.rasa_port = rasa_port
        self.rasa_url = rasa_url
        self.csp = csp
        super().__init__(*args, directory=str(WEB), **kwargs)

    def rasa_origin(self) -> str:
        """The Rasa server as the browser reaches it: on the host name the page was loaded from."""
        if self.rasa_url:
            return self.rasa_url.rstrip("/")
        host = urlsplit(f"//{self.headers.get('Host') or 'localhost'}").hostname or "localhost"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.rasa_port}"

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        path = urlsplit(self.path).path
        if path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        if path == "/config.js":
            config = {"serverUrl": self.rasa_origin()}
            self.send_body(
                f"window.WellbeingChatConfig = {json.dumps(config)};\n".encode(),
                "text/javascript; charset=utf-8",
            )
            return
        super().do_GET()

    def send_body(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path in PAGES:
            return str(PAGES[path])
        for prefix, folder in MOUNTS.items():
            if path.startswith(prefix):
                target = (folder / path[len(prefix) :]).resolve()
                if target.is_relative_to(folder) and target.is_file():
                    return str(target)
        return str(WEB / "not-served")  # answers 404

    def list_directory(self, path):  # noqa: ANN001 - no folder listings
        self.send_error(404)
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        if self.csp and urlsplit(self.path).path in PAGES:
            rasa = self.rasa_origin()
            sockets = rasa.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                f"connect-src 'self' {rasa} {sockets}; base-uri 'none'; form-action 'none'; "
                f"frame-ancestors 'none'",
            )
        super().end_headers()

    def log_request(self, code: "int | str" = "-", size: "int | str" = "-") -> None:
        if str(getattr(code, "value", code)).startswith(("4", "5")):  # quiet: only failures are printed
            super().log_request(code, size)

    def log_error(self, format: str, *args) -> None:  # noqa: A002 - log_request already prints failures
        pass


class DemoServer:
    """The demo page on a port (0: a free one), served from a background thread."""

    def __init__(
        self,
        port: int = 0,
        *,
        rasa_port: str = "5005",
        rasa_url: Optional[str] = None,
        host: str = "127.0.0.1",
        csp: bool = True,
    ) -> None:
        handler = partial(DemoHandler, rasa_port=rasa_port, rasa_url=rasa_url, csp=csp)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-page", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "DemoServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--rasa-port", default="5005")
    parser.add_argument(
        "--rasa-url",
        help="the Rasa server's URL as browsers reach it (default: the page's host name and --rasa-port)",
    )
    args = parser.parse_args()
    server = DemoServer(args.port, rasa_port=args.rasa_port, rasa_url=args.rasa_url, host=args.host)
    print(f"demo page: http://localhost:{args.port}", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
