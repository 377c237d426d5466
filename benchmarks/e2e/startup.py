"""Where a `driftboard run`'s fixed start-up cost goes: the import time of each top-level
package (Python's own `-X importtime`, self time summed per package, median of the runs), for
one warm run of a spec whose window is small enough that the imports dominate:

    PYTHONPATH=. .venv/bin/python benchmarks/e2e/startup.py /tmp/driftboard-e2e/rows-20000 \
        [--runs 5] [--tree PATH]

The folder is one benchmarks/e2e/data.py wrote (its job.yaml); the first run warms its
profile cache and store and is not counted. `--tree` runs the driftboard source tree at PATH
(e.g. an exported older commit) with this interpreter, for a before/after comparison.
"""

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.e2e.data import END  # noqa: E402

SHOWN = 14  # packages listed; the rest are summed as "other"
MODULES = " modules"  # the count of modules imported, kept beside the packages' times


def _env(folder: Path, tree: Path) -> dict[str, str]:
    return os.environ | {
        "PYTHONPATH": str(tree),
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{folder / 'startup-store.db'}",
        "DRIFTBOARD_CACHE_DIR": str(folder / "startup-cache"),
        "DRIFTBOARD_KEEP_REPORTS": "none",
    }


def _imports(folder: Path, tree: Path) -> Counter[str]:
    """Self import time (ms) per top-level package of one run."""
    command = [sys.executable, "-X", "importtime", "-m", "driftboard", "run", str(folder / "job.yaml")]
    command += ["--at", END.isoformat(), "--json"]
    # Run from the data folder: `-m` puts the working folder first on sys.path, before --tree.
    done = subprocess.run(
        command, env=_env(folder, tree), cwd=folder, capture_output=True, text=True, check=True
    )
    spent: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            spent[name.strip().split(".")[0]] += int(own) / 1000
            spent[MODULES] += 1
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args()
    _imports(args.folder, args.tree)  # warms the profile cache and the store
    runs = [_imports(args.folder, args.tree) for _ in range(args.runs)]
    modules = median(run.pop(MODULES) for run in runs)
    names = {name for run in runs for name in run}
    typical = Counter({name: median(run[name] for run in runs) for name in names})
    shown = typical.most_common(SHOWN)
    print(f"# load average {os.getloadavg()}, {args.runs} runs, tree {args.tree}, {modules:.0f} modules")
    print("| package | import ms (median) |\n| --- | --- |")
    for name, ms in shown:
        print(f"| {name} | {ms:.0f} |")
    rest = sum(typical.values()) - sum(ms for _, ms in shown)
    print(f"| other ({len(names) - len(shown)} packages) | {rest:.0f} |")
    print(f"| **all imports** | **{sum(typical.values()):.0f}** |")


if __name__ == "__main__":
    main()
