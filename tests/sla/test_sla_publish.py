"""After a refresh, a Pushgateway that cannot be reached costs the push only: the results stay
stored, the command warns once and succeeds."""

from pathlib import Path

from tests.sla.test_sla_labels import NOW, job, stored, traffic
from tests.support.cli_helpers import invoke, store_env
from tests.support.realstack import free_port


def test_an_unreachable_pushgateway_warns_and_keeps_the_results(tmp_path: Path, sqlite_url: str) -> None:
    spec = job(tmp_path, traffic({10: 1.0}), threshold=0.6)
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": closed}
    result = invoke(["labels", str(spec), "--at", NOW.isoformat()], env)
    assert result.code == 0, result.stderr
    (warning,) = result.stderr.strip().splitlines()
    assert warning.startswith("warning: push of performance to the Pushgateway failed after 3 attempts: ")
    assert {hour for hour, _ in stored(sqlite_url)} == {10}
