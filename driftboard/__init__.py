"""driftboard: scheduled drift monitoring for ML models, wired to Grafana and Prometheus."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("driftboard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
