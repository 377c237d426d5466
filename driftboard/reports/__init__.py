"""Evidently HTML reports on disk, and the read-only server the dashboards link to."""
