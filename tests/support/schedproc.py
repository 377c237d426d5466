"""Helpers for tests that run `python -m driftboard scheduler` as real processes.

Every wait has a deadline and fails with what it waited for; nothing asserts on speed.
Each scheduler gets its own session, so cleanup can kill exactly its process group.
"""

import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from tests.support.repo import REPO


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_data(folder: Path, minutes: int = 15) -> None:
    """Reference and current CSVs; current data covers `minutes` around now, 5 rows a second."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)}).to_csv(
        folder / "ref.csv", index=False
    )
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)
    n = minutes * 2 * 60 * 5
    stamps = [(start + timedelta(seconds=i / 5)).isoformat() for i in range(n)]
    frame = pd.DataFrame({"ts": stamps, "x": rng.normal(size=n), "y": rng.normal(size=n)})
    frame.to_csv(folder / "cur.csv", index=False)


def spec_text(model: str, interval: str, data: Path, current: str | None = None) -> str:
    """A spec on the CSVs of `write_data`; `current` replaces the current source (YAML)."""
    current = current or f"{{path: {data / 'cur.csv'}}}"
    return (
        f"model: {model}\nschedule: {{interval: {interval}}}\ntimestamp_column: ts\n"
        f"reference: {{path: {data / 'ref.csv'}}}\ncurrent: {current}\n"
        "columns: {numerical: [x, y]}\ndrift: {min_reference_rows: 30}\n"
    )


class Scheduler:
    def __init__(self, jobs: Path, db_url: str, log: Path, **settings: str) -> None:
        self.port, self.log = free_port(), log
        env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
        env |= {"PYTHONPATH": str(REPO), "DRIFTBOARD_DATABASE_URL": db_url, "DRIFTBOARD_KEEP_REPORTS": "none"}
        env |= {"DRIFTBOARD_SCHEDULER_PORT": str(self.port), "DRIFTBOARD_SCHEDULER_WORKERS": "2"}
        env |= {f"DRIFTBOARD_{k.upper()}": v for k, v in settings.items()}
        command = [sys.executable, "-m", "driftboard", "scheduler", "--jobs", str(jobs)]
        with log.open("ab") as out:
            self.proc = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
        self.started = datetime.now(UTC)
        wait_for(
            "the scheduler's HTTP endpoint", lambda: self.get("/healthz")[0] in (200, 503) or self.exited()
        )

    def exited(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(
                f"scheduler exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}"
            )
        return False

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            return 0, ""

    def metric(self, name: str, **labels: str) -> float | None:
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        pattern = "^" + re.escape(f"{name}{{{wanted}}}" if labels else name) + r" (\S+)$"
        found = re.search(pattern, self.get("/metrics")[1], re.MULTILINE)
        return float(found.group(1)) if found else None

    def lines(self, message: str | None = None) -> list[str]:
        lines = self.log.read_text().splitlines()
        return [
            line
            for line in lines
            if message is None or f"msg={message} " in line or f'msg="{message}"' in line
        ]

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill_group(self) -> None:
        """Cleanup: the scheduler, its fork server and its workers share its process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(10)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True


def field(line: str, key: str) -> str | None:
    found = re.search(rf'(?:^| ){key}=("(?:[^"\\]|\\.)*"|\S+)', line)
    return found.group(1).strip('"') if found else None


def stored_per_window(*schedulers: Scheduler, model: str) -> Counter[str]:
    """How many times each window of `model` was stored, across the schedulers' logs."""
    return Counter(
        field(line, "window") or ""
        for s in schedulers
        for line in s.lines("stored")
        if field(line, "model") == model
    )


def sleeping_query_in_flight(engine: Engine) -> bool:
    """A scheduler's source query (a pg_sleep over cur_rows) is running on this test's database
    now: the server is shared, and another test may be running the same query in its own.

    PostgreSQL sources are read through a server-side cursor (driftboard/data/sqlread.py): the
    query itself runs while its rows are fetched, so the active statement is the FETCH."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND datname = current_database() "
        "AND (query LIKE '%FROM cur_rows, pg_sleep%' OR query LIKE 'FETCH FORWARD % FROM driftboard_source') "
        "AND pid <> pg_backend_pid()"
    )
    with engine.connect() as conn:
        return bool(conn.execute(text(query)).scalar_one())


def runs(engine: Engine, model: str) -> list[dict[str, Any]]:
    query = text("SELECT * FROM runs WHERE model = :m ORDER BY window_end")
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query, {"m": model})]


def window_key(row: dict[str, Any]) -> str:
    """The log's spelling of a stored row's window."""
    return "/".join(
        t.astimezone(UTC).isoformat().replace("+00:00", "Z") for t in (row["window_start"], row["window_end"])
    )


def consecutive(rows: list[dict[str, Any]], step: timedelta) -> bool:
    ends = [row["window_end"] for row in rows]
    return all(b - a == step for a, b in itertools.pairwise(ends))


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Cluster:
    """A throwaway PostgreSQL server of the test's own (initdb/pg_ctl as the postgres user),
    to stop at will: stopping the machine's shared server would break everyone's tests."""

    def __init__(self, password: str | None = None) -> None:
        """With a password, every login is checked (scram-sha-256) as on a real server."""
        self.root = Path(tempfile.mkdtemp(prefix="driftboard-pg-"))
        user = pwd.getpwnam("postgres")
        os.chown(self.root, user.pw_uid, user.pw_gid)
        self.port = free_port()
        login = f"postgres:{password}" if password else "postgres"
        self.url = f"postgresql+psycopg2://{login}@127.0.0.1:{self.port}/postgres"
        auth = ["-A", "trust"]
        if password:
            (self.root / "pwfile").write_text(password)
            auth = ["-A", "scram-sha-256", f"--pwfile={self.root / 'pwfile'}"]
        self.pg(PG_BIN / "initdb", "-D", self.root / "data", *auth, "-U", "postgres", "--no-sync")

    def pg(self, *args: object) -> None:
        command = ["runuser", "-u", "postgres", "--", *map(str, args)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def ctl(self, action: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        args = ["-D", self.root / "data", "-l", self.root / "log", "-o", options, "-m", "fast", "-w"]
        self.pg(PG_BIN / "pg_ctl", action, *args)

    def remove(self) -> None:
        pid_file = self.root / "data" / "postmaster.pid"
        if pid_file.exists():
            self.ctl("stop")
        shutil.rmtree(self.root, ignore_errors=True)
