"""Environments of the corpus's env-* cases that need more than a URL (tests/reliability/corpus/README.md):
a PostgreSQL server that checks passwords, and a small filesystem that is full."""

import contextlib
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, inspect, text

from tests.support.repo import TESTS
from tests.support.schedproc import Cluster

SECRET = "corpus-scram-secret"  # the cluster's real postgres password
WRONG = "corpus-wrong-password"
NO_GRANT = ("corpus_nogrant", "corpus-nogrant-secret")  # a login granted nothing
DATA = TESTS / "reliability" / "corpus" / "_data"


@contextlib.contextmanager
def scram_cluster() -> Iterator[Cluster]:
    """A throwaway server (the shared one trusts loopback) with an `events` source table."""
    cluster = Cluster(password=SECRET)
    try:
        cluster.ctl("start")
        engine = create_engine(cluster.url)
        with engine.begin() as conn:
            pd.read_csv(DATA / "current.csv").to_sql("events", conn, index=False)
            conn.execute(text(f"CREATE ROLE {NO_GRANT[0]} LOGIN PASSWORD '{NO_GRANT[1]}'"))
        engine.dispose()
        yield cluster
    finally:
        cluster.remove()


def login(cluster: Cluster, kind: str) -> str:
    """The cluster's URL as a case asks for it: `wrong-password` or `no-grant`."""
    if kind == "wrong-password":
        return cluster.url.replace(SECRET, WRONG)
    if kind == "no-grant":
        return cluster.url.replace(f"postgres:{SECRET}", ":".join(NO_GRANT))
    raise ValueError(f"unknown PostgreSQL login {kind!r}")


def driftboard_tables(cluster: Cluster) -> list[str]:
    engine = create_engine(cluster.url)
    names = [n for n in inspect(engine).get_table_names() if n != "events"]
    engine.dispose()
    return names


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A filesystem of `size` at `path` (we run as root), always unmounted afterwards."""
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def fill(path: Path) -> Path:
    """Write a file until the filesystem says ENOSPC; deleting it frees the space again."""
    filler = path / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler
