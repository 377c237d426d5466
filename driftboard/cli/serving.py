"""Long-running commands and the Pushgateway: the scheduler, the report server, decommission."""

from pathlib import Path
from typing import Annotated

import typer

from driftboard.cli.options import app, fail, load_settings
from driftboard.errors import StoreError


@app.command()
def scheduler(
    jobs: Annotated[Path | None, typer.Option(help="Folder of job specs; default: jobs_dir setting.")] = None,
) -> None:
    """Run every job spec on its schedule until SIGTERM; SIGHUP reloads the specs."""
    from driftboard.reports.server import MOUNT, ReportApp
    from driftboard.scheduler import daemon

    settings = load_settings()
    reports = ReportApp(settings.reports_dir)  # the dashboards' report links, read-only
    try:
        code = daemon.serve(settings, jobs or settings.jobs_dir, mounts={f"{MOUNT}/": reports})
    except StoreError as exc:
        fail(str(exc), 3)
    except daemon.ListenError as exc:
        fail(str(exc), 2)
    raise typer.Exit(code)


@app.command("serve-reports")
def serve_reports(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    reports_dir: Annotated[Path | None, typer.Option(help="Default: DRIFTBOARD_REPORTS_DIR.")] = None,
) -> None:
    """Serve the Evidently reports read-only under /reports/ for the dashboards' links."""
    from driftboard.reports.server import MOUNT, make_report_server

    root = reports_dir or load_settings().reports_dir
    if not root.is_dir():
        fail(f"reports directory {root} does not exist", 2)
    server = make_report_server(root, host, port)
    typer.echo(f"serving {root} at http://{host}:{server.server_port}{MOUNT}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def decommission(model: Annotated[str, typer.Argument(help="Model name as in its spec.")]) -> None:
    """Delete a model's metrics from the Pushgateway so its alerts resolve; history stays in the database."""
    from urllib.error import URLError

    from driftboard.prometheus import performance_series, push

    url = load_settings().pushgateway_url
    if not url:
        fail("DRIFTBOARD_PUSHGATEWAY_URL is not set", 2)
    try:
        push.delete(url, model)
        performance_series.delete(url, model)  # its performance group, if it has labels
    except (URLError, OSError) as exc:
        fail(f"could not delete {model!r} from the Pushgateway: {getattr(exc, 'reason', exc)}")
    typer.echo(f"deleted the Pushgateway groups of {model}")
