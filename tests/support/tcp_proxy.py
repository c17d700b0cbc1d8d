"""A TCP forwarder a test can cut and restore, to make a shared service unreachable for one deployment only.

The PostgreSQL server on this machine is shared, so a test cannot stop it. A deployment under test reaches it
through this proxy instead; `cut()` closes the listening socket and every open connection (clients see a
dropped connection, then "connection refused"), `restore()` listens again on the same port.
"""

from __future__ import annotations

import socket
import threading
from typing import List, Optional, Tuple

from tests.support.servers import free_port


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `target`, one pair of threads per connection."""

    def __init__(self, target: Tuple[str, int], port: Optional[int] = None) -> None:
        self.target = target
        self.port = port or free_port()
        self._listener: Optional[socket.socket] = None
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def up(self) -> bool:
        return self._listener is not None

    def restore(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # close() alone leaves a thread blocked in accept() holding the socket, so the port stays bound and
            # restore() fails with "Address already in use"; shutdown() wakes accept() with an error first.
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            _close(connection)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    _close(client)
                    _close(upstream)
                    return
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
