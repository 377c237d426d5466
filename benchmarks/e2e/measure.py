"""Whole processes timed from outside: wall seconds from start to exit, CPU seconds and peak
resident memory from the kernel's own accounting of that child (wait4)."""

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    output: str
    code: int

    def json(self) -> Any:
        return json.loads(self.output.strip().splitlines()[-1])


def run(command: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> Run:
    with tempfile.TemporaryFile("w+") as out:
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        while True:  # wait4 here, not Popen.wait: it gives this child's own rusage
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                child.kill()
                os.wait4(child.pid, 0)
                out.seek(0)
                return Run(float("inf"), float("nan"), float("nan"), out.read(), -9)
            time.sleep(0.005)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output, child.returncode)


def in_turn(
    commands: dict[str, tuple[list[str], dict[str, str] | None]],
    repeat: int,
    prepare: dict[str, Callable[[], None]] | None = None,
) -> dict[str, list[Run]]:
    """Every command once per round, rounds in a row: ratios taken round by round share the load.
    `prepare[name]`, if given, runs (untimed) before each of that command's runs."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, env) in commands.items():
            (prepare or {}).get(name, lambda: None)()
            done = run(command, env)
            if done.code != 0:
                raise RuntimeError(f"{name} failed ({done.code}): {done.output[-2000:]}")
            runs[name].append(done)
    return runs


def med(runs: list[Run], attr: str) -> float:
    return float(median(getattr(r, attr) for r in runs))


def ratio(a: list[Run], b: list[Run], attr: str = "wall") -> float:
    return float(median(getattr(x, attr) / getattr(y, attr) for x, y in zip(a, b, strict=True)))
