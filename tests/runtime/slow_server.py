"""A 127.0.0.1 server that answers as slowly as a test's script says, for the deadline tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

Script = Callable[[socket.socket], None]


@pytest.fixture
def slow_server() -> Iterator[Callable[[Script], str]]:
    """``start(script)`` serves every connection on 127.0.0.1 with ``script`` and gives the
    base URL; the script writes the answer (after the request was read) as slowly as it likes."""
    listeners: list[socket.socket] = []
    stop = threading.Event()

    def start(script: Script) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        listeners.append(listener)

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except (TimeoutError, OSError):
                    continue
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        def handle(conn: socket.socket) -> None:
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                try:
                    script(conn)
                except OSError:  # the client gave up: that is what the tests want
                    pass

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()


def trickle(conn: socket.socket, data: bytes, pause: float = 0.05, until: float = 20.0) -> None:
    """Send ``data`` a byte at a time (giving up after ``until`` seconds)."""
    end = time.monotonic() + until
    for byte in data:
        if time.monotonic() > end:
            return
        conn.sendall(bytes([byte]))
        time.sleep(pause)
