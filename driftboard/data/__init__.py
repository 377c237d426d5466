"""A run's data: sources (files, globs, SQL), the window cut on the timestamp column, the
per-column quality checks, and the reference fingerprint.
"""
