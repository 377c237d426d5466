"""Grafana dashboards as code (grafana-foundation-sdk), rendered to dashboards/generated/.

One module per dashboard, one function per panel; `common` holds what they share.
Regenerate with `python -m driftboard.dashboards` (or `driftboard dashboards build`).
"""
