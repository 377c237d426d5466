"""The results store, the single home of database access: engine and URL handling, the
schema (Alembic), the tables, every query on runs and results, the daily rollup, monthly
partitions and retention, window locks and Grafana's read-only role.
"""
