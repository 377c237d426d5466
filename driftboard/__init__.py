"""driftboard: scheduled drift monitoring for ML models, wired to Grafana and Prometheus.

From Python, `driftboard.score(reference, current)` and `driftboard.run_spec(path, at=...)`
(driftboard/api.py, docs/python-api.md). They are imported on first use: `import
driftboard` (and so every `driftboard` command) does not pay for pandas and Evidently.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("driftboard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from driftboard.api import DriftScores, run_spec, score

__all__ = ["DriftScores", "__version__", "run_spec", "score"]
API = {"DriftScores", "run_spec", "score"}


def __getattr__(name: str) -> Any:
    if name in API:
        from driftboard import api

        return getattr(api, name)
    raise AttributeError(f"module 'driftboard' has no attribute {name!r}")
