"""Serve the reports directory read-only over HTTP, for the dashboards' report links.

A WSGI app, so the scheduler's HTTP server (driftboard.httpd) can mount it under MOUNT next
to /metrics, and `driftboard serve-reports` can run it alone behind the same Router. It
serves only regular files below the directory with a known type; it refuses `..`, absolute
paths, symlinks leading out of the directory, and every method but GET and HEAD (HEAD is
GET without the body: read-only too, and what link checkers use).
"""

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import parse_qs, quote
from wsgiref.simple_server import WSGIServer, make_server

from driftboard.httpd import Router, ThreadingServer
from driftboard.jobs.window import Window
from driftboard.reports import listing
from driftboard.reports.files import relative_path

MOUNT = "/reports"
DEFAULT_PORT = 8090
TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json"}
CHUNK = 64 * 1024

StartResponse = Callable[..., Any]


class ReportApp:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _reply(start_response, "405 Method Not Allowed", "read-only", [("Allow", "GET, HEAD")])
        path = _request_path(environ)
        if path == "" and not environ.get("QUERY_STRING"):
            return _html(start_response, method, listing.index(self.root))
        if path == "":
            return self._redirect_to_window(environ, start_response)
        folder = self.folder(path) if path is not None and path.endswith("/") else None
        if folder is not None:
            return _html(start_response, method, listing.folder_index(folder))
        target = self.resolve(path) if path is not None else None
        try:
            handle = target.open("rb") if target is not None else None
        except OSError:  # deleted or replaced since resolve(): the same as never there
            handle = None
        if target is None or handle is None:
            return _reply(start_response, "404 Not Found", "no such report")
        size = os.fstat(handle.fileno()).st_size
        headers = [("Content-Type", TYPES[target.suffix]), ("Content-Length", str(size)), *_COMMON_HEADERS]
        start_response("200 OK", headers)
        if method == "HEAD":
            handle.close()
            return []
        return _chunks(handle)

    def resolve(self, relative: str) -> Path | None:
        """The file a request path names, or None when it is not a servable report."""
        parts = PurePosixPath(relative).parts
        if not parts or relative.startswith("/") or "\\" in relative or "\0" in relative:
            return None
        if ".." in parts:
            return None
        # resolve() follows symlinks, so a link pointing outside the root ends up outside.
        target = self.root.joinpath(*parts).resolve()
        if not target.is_relative_to(self.root) or target.suffix not in TYPES:
            return None
        return target if target.is_file() else None

    def folder(self, relative: str) -> Path | None:
        """A folder right under the root (a model's), never a way out of it."""
        name = relative.rstrip("/")
        if not name or "/" in name or name in (".", "..") or "\\" in name or "\0" in name:
            return None
        target = (self.root / name).resolve()
        return target if target.parent == self.root and target.is_dir() else None

    def _redirect_to_window(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """`?model=M&window_end=<epoch ms>` → that run's report: a heatmap cell knows only its time."""
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            model, millis = query["model"][0], int(query["window_end"][0])
            end = datetime.fromtimestamp(millis / 1000, UTC)
        except (KeyError, ValueError, OverflowError, OSError):
            return _reply(start_response, "404 Not Found", "expected ?model=...&window_end=<epoch ms>")
        # relative_path names a report by its window's end only; start is irrelevant here.
        relative = relative_path(model, Window(end, end)).as_posix()
        if self.resolve(relative) is None:
            return _reply(start_response, "404 Not Found", "no report was kept for this run")
        location = f"{environ.get('SCRIPT_NAME', '')}/{quote(relative)}"
        return _reply(start_response, "302 Found", location, [("Location", location)])


_COMMON_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache")]


def _html(start_response: StartResponse, method: str, body: bytes) -> list[bytes]:
    headers = [("Content-Type", TYPES[".html"]), ("Content-Length", str(len(body))), *_COMMON_HEADERS]
    start_response("200 OK", headers)
    return [] if method == "HEAD" else [body]


def _request_path(environ: dict[str, Any]) -> str | None:
    """PATH_INFO as text, without its leading slash; None when it is not UTF-8."""
    raw = environ.get("PATH_INFO", "")
    try:
        # PEP 3333: PATH_INFO carries the decoded bytes as latin-1 code points.
        path: str = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None
    return path[1:] if path.startswith("/") else path


def _reply(
    start_response: StartResponse, status: str, text: str, extra: list[tuple[str, str]] | None = None
) -> list[bytes]:
    body = f"{text}\n".encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, [*headers, *(extra or []), *_COMMON_HEADERS])
    return [body]


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def report_router(root: Path) -> Router:
    """MOUNT and everything below it to the reports; any other path is not found."""
    router = Router()
    router.mount(f"{MOUNT}/", ReportApp(root))
    return router


def make_report_server(root: Path, host: str, port: int) -> WSGIServer:
    return make_server(host, port, report_router(root), server_class=ThreadingServer)
