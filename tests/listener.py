"""A canary listener: a raw TCP socket on loopback that records every byte anyone sends it.

It answers each connection with a plain 200 so a client that does reach it goes on talking (and leaks what it
would leak); the tests then assert it heard nothing at all, or nothing carrying a token.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"


class Listener:
    """Accept connections on 127.0.0.1 and keep what each one sent."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        """Return the listener's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def heard(self) -> bytes:
        """Return everything received so far, joined."""
        return b"\n".join(self.received)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1.0)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    conn.sendall(ANSWER)
                except OSError:
                    pass
                if data:  # a connection closed before sending anything carried nothing to leak
                    self.received.append(data)

    def start(self) -> None:
        """Start accepting in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting and close the socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@contextmanager
def listening() -> Iterator[Listener]:
    """Run a listener for the duration of the block."""
    listener = Listener()
    listener.start()
    try:
        yield listener
    finally:
        listener.stop()
