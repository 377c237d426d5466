"""The scheduler service: APScheduler jobs per spec, the worker process pool, catch-up,
retries, backfill, delayed-label jobs, store upkeep, self-monitoring, health, logs.
"""
