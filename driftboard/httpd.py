"""The scheduler's HTTP endpoint: /metrics, /healthz, and any WSGI app mounted under a prefix.

Other modules add routes with `Router.mount("/reports/", app)`; the mounted app sees
SCRIPT_NAME set to the prefix and PATH_INFO relative to it, as WSGI expects.
"""

import json
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A health check returns (healthy, details); details end up in the JSON body.
HealthCheck = Callable[[], tuple[bool, dict[str, str]]]


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found\n"]


def health_app(check: HealthCheck) -> WSGIApp:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        healthy, details = check()
        start_response(
            "200 OK" if healthy else "503 Service Unavailable", [("Content-Type", "application/json")]
        )
        return [json.dumps({"healthy": healthy, **details}).encode() + b"\n"]

    return app


class Router:
    """Dispatch on the longest matching path prefix."""

    def __init__(self) -> None:
        self.routes: dict[str, WSGIApp] = {}

    def mount(self, prefix: str, app: WSGIApp) -> None:
        self.routes[prefix] = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        for prefix in sorted(self.routes, key=len, reverse=True):
            exact = path == prefix.rstrip("/") or path == prefix
            if exact or (prefix.endswith("/") and path.startswith(prefix)):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix.rstrip("/")
                environ["PATH_INFO"] = path[len(prefix.rstrip("/")) :]
                return self.routes[prefix](environ, start_response)
        return _not_found(environ, start_response)


def standard_routes(registry: CollectorRegistry, check: HealthCheck) -> dict[str, WSGIApp]:
    return {"/metrics": make_wsgi_app(registry), "/healthz": health_app(check)}


def standard_router(registry: CollectorRegistry, check: HealthCheck) -> Router:
    router = Router()
    for prefix, app in standard_routes(registry, check).items():
        router.mount(prefix, app)
    return router


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow client or download never holds up shutdown


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # scrapes every few seconds: no access log
        pass


class HttpServer:
    def __init__(self, host: str, port: int, app: WSGIApp) -> None:
        self.server = make_server(host, port, app, ThreadingServer, _QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
