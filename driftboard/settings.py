"""Process settings, read from the environment (prefix DRIFTBOARD_) or a .env file."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KeepReports = Literal["drifted", "all", "none"]
LogFormat = Literal["logfmt", "json"]
# The one list of drift engines: the setting, DriftOptions and the docs all take it from here.
DriftEngine = Literal["fast", "evidently", "spark"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DRIFTBOARD_", env_file=".env", extra="ignore")

    # SecretStr keeps a password in the URL out of reprs and logs.
    database_url: SecretStr = Field(
        default=SecretStr("sqlite:///driftboard.db"),
        description="SQLAlchemy URL of the results store; SQLite file in the working dir by default.",
    )
    reports_dir: Path = Field(default=Path("reports"), description="Where Evidently HTML goes.")
    keep_reports: KeepReports = Field(
        default="drifted", description="Which runs keep their Evidently HTML report (~4 MB each)."
    )
    pushgateway_url: str | None = Field(default=None, description="Push metrics here when set.")
    prometheus_url: str | None = Field(
        default=None, description="Prometheus to ask for firing alerts (`driftboard status`) when set."
    )
    jobs_dir: Path = Field(default=Path("jobs"), description="Folder of job specs.")
    drift_engine: DriftEngine = Field(
        default="fast",
        description="fast: Evidently's scores from cached reference profiles; evidently: its full report; "
        "spark: the same scores computed in Apache Spark (docs/spark.md).",
    )
    spark_master: str = Field(
        default="local[*]",
        description="The spark engine's Spark: a master URL (local[2], spark://host:7077, yarn) "
        "or a Spark Connect address (sc://host:15002).",
    )
    spark_cache_dir: str | None = Field(
        default=None,
        description="Where the spark engine keeps reference tables: a path Spark writes (on a cluster, "
        "one every executor reaches, e.g. s3a://bucket/driftboard); unset: <cache_dir>/spark.",
    )
    cache_dir: Path = Field(
        default=Path(".driftboard-cache"),
        description="Reference profiles reused across runs (safe to delete; see BENCHMARKS.md).",
    )
    drift_workers: int = Field(
        default=0, ge=0, description="At most this many threads score columns; 0: one per core."
    )
    cache_max_bytes: int = Field(
        default=20 * 2**30,
        ge=0,
        description="The reference-profile cache keeps at most this many bytes, least recently "
        "used profiles going first (none used in the last hour); 0: no bound.",
    )
    max_window_bytes: int | None = Field(
        default=None,
        ge=0,
        description="A window or reference estimated larger than this fails before loading; "
        "unset: a quarter of the machine's memory per worker process; 0: no limit.",
    )
    report_sample_rows: int = Field(
        default=20_000,
        ge=0,
        description="Kept Evidently reports use at most this many rows per side (uniform sample); 0: all.",
    )
    report_max_columns: int = Field(
        default=100,
        ge=0,
        description="Kept Evidently reports show at most this many columns, drifted first; 0: all.",
    )

    # Scheduler (`driftboard scheduler`, `driftboard backfill`); see docs/scheduler.md.
    scheduler_workers: int | None = Field(
        default=None, ge=1, description="Worker processes computing drift; default: the machine's cores."
    )
    scheduler_host: str = Field(default="127.0.0.1", description="Address of /metrics and /healthz.")
    scheduler_port: int = Field(default=9310, ge=0, le=65535, description="Port of /metrics and /healthz.")
    catchup_max_windows: int = Field(
        default=100, ge=1, description="Most missed windows run per model; older ones are recorded skipped."
    )
    retry_attempts: int = Field(default=4, ge=1, description="Attempts per window on transient errors.")
    retry_initial_seconds: float = Field(default=1.0, gt=0, description="First backoff; doubles each retry.")
    retry_max_seconds: float = Field(default=60.0, gt=0, description="Longest single backoff.")
    shutdown_timeout_seconds: float = Field(
        default=60.0, ge=0, description="How long SIGTERM waits for runs in flight before abandoning them."
    )
    log_format: LogFormat = Field(default="logfmt", description="Scheduler log lines: logfmt or json.")

    # Unset: the checkout's alerting/config.yml, else the copy in the wheel (driftboard/alertconfig.py).
    alerting_config: Path | None = Field(
        default=None, description="alerting/config.yml to read alert levels and dashboard uids from."
    )

    # Store upkeep (`driftboard db maintain`, daily in the scheduler); see driftboard/store/partitions.py.
    # 400 days: the month-aligned cutoff then always keeps the 13 months a yearly SLA report needs.
    retention_days: int = Field(
        default=400, ge=0, description="Keep at least this many days of runs and results; 0: forever."
    )
    partition_months_ahead: int = Field(
        default=3, ge=0, description="PostgreSQL: monthly feature_results partitions made ahead of time."
    )

    # The weekly SLA summary (driftboard/sla/delivery.py): unset folder, no delivery.
    sla_reports_dir: Path | None = Field(
        default=None, description="Where the scheduler writes last week's SLA report, daily."
    )
    sla_slack_webhook_url: SecretStr | None = Field(
        default=None, description="Post each week's SLA summary (Markdown) to this Slack webhook."
    )
    sla_slack_webhook_file: Path | None = Field(
        default=None, description="A file holding that webhook URL (a compose or Kubernetes secret)."
    )

    # The retrain hook (driftboard/run/retrain.py): unset URL, no call. Off by default; a model
    # opts in with `retrain: true` in its spec.
    retrain_url: SecretStr | None = Field(
        default=None, description="POST a retrain request here after a live run at critical drift."
    )
    retrain_url_file: Path | None = Field(default=None, description="A file holding that URL.")
    retrain_token: SecretStr | None = Field(
        default=None, description="Bearer token sent with each retrain request."
    )
    retrain_token_file: Path | None = Field(default=None, description="A file holding that token.")
    reports_url: str | None = Field(
        default=None, description="Public base URL of the report server: retrain requests link the report."
    )

    def window_limit(self) -> int:
        """Bytes a run may load (window or reference): the setting, or the machine's share."""
        if self.max_window_bytes is not None:
            return self.max_window_bytes
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return total // 4 // (self.scheduler_workers or os.cpu_count() or 1)

    def sla_slack_webhook(self) -> str | None:
        if self.sla_slack_webhook_file is not None:
            return self.sla_slack_webhook_file.read_text(encoding="utf-8").strip()
        return self.sla_slack_webhook_url.get_secret_value() if self.sla_slack_webhook_url else None

    def retrain_hook(self) -> tuple[str, str | None] | None:
        """URL and token of the retrain hook (a file wins over the variable), or None when off."""
        url = _secret(self.retrain_url_file, self.retrain_url)
        return (url, _secret(self.retrain_token_file, self.retrain_token)) if url else None


def _secret(path: Path | None, value: SecretStr | None) -> str | None:
    if path is not None:
        return path.read_text(encoding="utf-8").strip() or None
    if value is None:
        return None
    return value.get_secret_value().strip() or None


@lru_cache
def get_settings() -> Settings:
    return Settings()
