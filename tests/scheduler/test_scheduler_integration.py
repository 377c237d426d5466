"""The scheduler wired to the rest: push failures counted, reports served, removed specs
decommissioned from the real Pushgateway."""

import signal
from pathlib import Path

import pytest

from tests.support.realstack import Stack, http_json
from tests.support.schedproc import Scheduler, free_port, spec_text, wait_for, write_data

pytestmark = pytest.mark.slow  # scheduler processes


def test_push_failures_are_counted_and_reports_served(tmp_path: Path, fresh_store: str) -> None:
    data, jobs, reports = tmp_path / "data", tmp_path / "jobs", tmp_path / "reports"
    write_data(data)
    jobs.mkdir()
    (jobs / "m.yaml").write_text(spec_text("pushfail", "2s", data))
    dead_gateway = f"http://127.0.0.1:{free_port()}"
    sched = Scheduler(
        jobs, fresh_store, tmp_path / "log", pushgateway_url=dead_gateway, keep_reports="all",
        reports_dir=str(reports),
    )  # fmt: skip
    try:
        # /healthz answers before the specs load, and by the time the counter shows the first
        # failed push may have counted: its zero at load is test_selfmon_http's to check.
        wait_for(
            "the model's counter",
            lambda: sched.metric("driftboard_push_failures_total", model="pushfail") is not None,
        )
        wait_for(
            "a counted push failure",
            lambda: (sched.metric("driftboard_push_failures_total", model="pushfail") or 0) >= 1,
        )
        report = wait_for("a kept report", lambda: next(iter(sorted(reports.glob("pushfail/*.html"))), None))
        status, body = sched.get(f"/reports/pushfail/{report.name}")
        assert status == 200
        assert "<html" in body[:2000].lower()
        assert sched.get("/reports/../log")[0] == 404
    finally:
        sched.kill_group()


def test_removing_a_spec_deletes_its_pushgateway_group(
    alerting_stack: Stack, tmp_path: Path, fresh_store: str
) -> None:
    data, jobs = tmp_path / "data", tmp_path / "jobs"
    write_data(data)
    jobs.mkdir()
    (jobs / "m.yaml").write_text(spec_text("retired", "2s", data))
    sched = Scheduler(jobs, fresh_store, tmp_path / "log", pushgateway_url=alerting_stack.pushgateway_url)

    def group() -> bool:
        groups = http_json(f"{alerting_stack.pushgateway_url}/api/v1/metrics")["data"]
        return any(g["labels"].get("model") == "retired" for g in groups)

    try:
        wait_for("the model's pushed group", group)
        (jobs / "m.yaml").unlink()
        sched.signal(signal.SIGHUP)
        wait_for("the group deleted", lambda: not group())
        assert sched.metric("driftboard_scheduler_job_info", model="retired") is None
    finally:
        sched.kill_group()
