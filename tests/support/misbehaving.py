"""A service that answers, and services that misbehave, on loopback ports: one that trickles
its answer a byte at a time, one that speaks another protocol (an SSH banner), one that
answers every request with an HTTP error. Each serves in a daemon thread until its `with`
block ends."""

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRICKLE_SECONDS = 30.0  # longer than any deadline under test: only a deadline ends the call early


def _trickle(conn: socket.socket) -> None:
    """A valid status line, then headers one byte every 0.1 s: each read gets data in time."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    end = time.monotonic() + TRICKLE_SECONDS
    while time.monotonic() < end:
        conn.sendall(b"X")
        time.sleep(0.1)
    conn.sendall(b"-Slow: 1\r\nContent-Length: 0\r\n\r\n")


def _ssh_banner(conn: socket.socket) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    conn.recv(65536)


def _http_error(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _silent(conn: socket.socket) -> None:
    """Takes the connection, reads, never answers (a hung server, a firewall that swallows)."""
    while conn.recv(65536):
        pass


BEHAVIOURS: dict[str, Callable[[socket.socket], None]] = {
    "trickle": _trickle,
    "ssh": _ssh_banner,
    "http-error": _http_error,
    "silent": _silent,
}


@contextlib.contextmanager
def misbehaving(kind: str) -> Iterator[str]:
    """The base URL of a server that behaves as `kind` to every connection."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(server, BEHAVIOURS[kind], stop), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        server.close()


def _serve(server: socket.socket, behave: Callable[[socket.socket], None], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            conn, _ = server.accept()
        except OSError:
            return  # closed by the `with` block
        threading.Thread(target=_answer, args=(conn, behave), daemon=True).start()


def _answer(conn: socket.socket, behave: Callable[[socket.socket], None]) -> None:
    # OSError: the client gave up (its deadline), which is what the tests expect of it.
    with conn, contextlib.suppress(OSError):
        behave(conn)


@contextlib.contextmanager
def answering(body: bytes, status: int = 200) -> Iterator[str]:
    """The base URL of a server that answers every request `status` with `body`."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST = _answer  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: object) -> None:
            pass  # no access log in the test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
