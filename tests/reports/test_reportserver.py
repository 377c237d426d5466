"""The report server serves report files read-only and nothing outside the reports directory."""

import http.client
import inspect
import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from driftboard.cli import serve_reports
from driftboard.reports.server import DEFAULT_PORT, MOUNT, ReportApp, make_report_server, report_router

REPORT = "churn/20260102T180000Z.html"
WINDOW_END_MS = int(datetime(2026, 1, 2, 18, tzinfo=UTC).timestamp() * 1000)
BODY = b"<html>evidently</html>"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "churn").mkdir(parents=True)
    (root / REPORT).write_bytes(BODY)
    (root / "churn" / "20260102T190000Z.html.partial").write_bytes(b"half")  # being written
    (root / "notes.txt").write_text("not a report")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("secret")
    (root / "escape.html").symlink_to(outside / "secret.html")
    (root / "churn" / "latest.html").symlink_to(root / REPORT)  # a link inside: fine
    (root / "up").symlink_to(outside, target_is_directory=True)
    return root


def call(app: Any, path: str, method: str = "GET", query: str = "") -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured.update(status=status, headers=dict(headers))
        return io.BytesIO().write

    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


def test_serves_a_report_with_its_type(reports: Path) -> None:
    status, headers, body = call(ReportApp(reports), f"/{REPORT}")
    assert (status, body) == ("200 OK", BODY)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == str(len(BODY))
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_head_sends_headers_only(reports: Path) -> None:
    status, headers, body = call(ReportApp(reports), f"/{REPORT}", "HEAD")
    assert (status, body, headers["Content-Length"]) == ("200 OK", b"", str(len(BODY)))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_refuses_other_methods(reports: Path, method: str) -> None:
    status, headers, _ = call(ReportApp(reports), f"/{REPORT}", method)
    assert status.startswith("405")
    assert headers["Allow"] == "GET, HEAD"
    assert (reports / REPORT).read_bytes() == BODY


@pytest.mark.parametrize(
    "path",
    [
        "/../outside/secret.html",
        "/churn/../../outside/secret.html",
        "//etc/passwd",
        "/escape.html",  # a symlink leading out of the directory
        "/up/secret.html",  # a directory symlink leading out
        "/churn",  # directories are not listed
        "/notes.txt",  # not a report type
        "/churn/20260102T190000Z.html.partial",
        "/churn/missing.html",
        "/churn\\..\\..\\outside\\secret.html",
        "/churn/\x00.html",
        "/\xff\xfe.html",  # PATH_INFO bytes that are not UTF-8
    ],
)
def test_refuses_everything_but_reports_inside_the_directory(reports: Path, path: str) -> None:
    status, _, body = call(ReportApp(reports), path)
    assert status.startswith("404")
    assert b"secret" not in body


def test_follows_a_symlink_that_stays_inside(reports: Path) -> None:
    assert call(ReportApp(reports), "/churn/latest.html")[2] == BODY


def test_window_link_redirects_to_the_report(reports: Path) -> None:
    app = report_router(reports)
    status, headers, _ = call(app, f"{MOUNT}/", query=f"model=churn&window_end={WINDOW_END_MS}")
    assert status == "302 Found"
    assert headers["Location"] == f"{MOUNT}/{REPORT}"


@pytest.mark.parametrize(
    "query",
    [
        "model=churn&window_end=1",
        "model=churn",
        "window_end=1",
        "model=churn&window_end=x",
        "model=..&window_end=1",
    ],
)
def test_window_link_without_a_kept_report_is_not_found(reports: Path, query: str) -> None:
    assert call(ReportApp(reports), "/", query=query)[0].startswith("404")


def test_mount_routes_only_its_prefix(reports: Path) -> None:
    app = report_router(reports)
    assert call(app, f"{MOUNT}/{REPORT}")[2] == BODY
    assert call(app, "/metrics")[0].startswith("404")
    assert call(app, f"{MOUNT}x/{REPORT}")[0].startswith("404")


@pytest.fixture
def server(reports: Path) -> Iterator[int]:
    httpd = make_report_server(reports, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "raw_path",
    [
        "/reports/../outside/secret.html",
        "/reports/%2e%2e/outside/secret.html",
        "/reports/churn/..%2f..%2foutside%2fsecret.html",
        "/reports/%2fetc%2fpasswd",
        "/reports/escape.html",
    ],
)
def test_over_http_raw_traversal_is_refused(server: int, raw_path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    connection.request("GET", raw_path)  # sent exactly as written, nothing normalised
    response = connection.getresponse()
    assert response.status == 404
    assert b"secret" not in response.read()


def test_over_http_a_report(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    connection.request("GET", f"/reports/{REPORT}")
    response = connection.getresponse()
    assert (response.status, response.getheader("Content-Type"), response.read()) == (
        200,
        "text/html; charset=utf-8",
        BODY,
    )


def test_serve_reports_defaults_to_the_dashboards_port() -> None:
    # The dashboards' default reports URL (common.DEFAULT_REPORTS_URL) is built on this port.
    assert inspect.signature(serve_reports).parameters["port"].default == DEFAULT_PORT


def test_serve_reports_command(reports: Path) -> None:
    code = "from driftboard.cli import main; main()"
    command = [sys.executable, "-c", code, "serve-reports", "--port", "0", "--reports-dir", str(reports)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "serving DIR at http://127.0.0.1:PORT/reports/"
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", f"/reports/{REPORT}")
        assert connection.getresponse().read() == BODY
        printed = line.split(" at ", 1)[1].strip()  # the address it prints answers: the index
        connection.request("GET", printed.split(str(port), 1)[1])
        response = connection.getresponse()
        assert (response.status, b'<a href="churn/">churn</a> (2 reports)' in response.read()) == (200, True)
    finally:
        process.terminate()
        process.communicate(timeout=10)  # waits, and closes the stdout pipe (no ResourceWarning)


def test_index_lists_the_model_folders(reports: Path) -> None:
    status, headers, body = call(ReportApp(reports), "/")
    assert (status, headers["Content-Type"]) == ("200 OK", "text/html; charset=utf-8")
    assert b'<a href="churn/">churn</a> (2 reports)' in body
    assert b"up/" not in body  # a folder linked from outside is not listed


def test_a_folder_lists_its_reports_newest_first(reports: Path) -> None:
    (reports / "churn" / "20260103T000000Z.html").write_text("newer")
    status, _, body = call(ReportApp(reports), "/churn/")
    assert status == "200 OK"
    links = re.findall(rb'<a href="([^"]+)">', body)
    assert links == [b"latest.html", b"20260103T000000Z.html", b"20260102T180000Z.html"]


@pytest.mark.parametrize("path", ["/up/", "/../", "/churn/../../", "/nothing/", "/churn/x/"])
def test_no_folder_outside_or_missing_is_listed(reports: Path, path: str) -> None:
    assert call(ReportApp(reports), path)[0] == "404 Not Found"
