"""/healthz: the scheduler is running and its store answers, checked afresh on each request."""

from driftboard.store.connect import Probe


class StoreHealth:
    def __init__(self, url: str) -> None:
        self.probe = Probe(url)

    def check(self, running: bool) -> tuple[bool, dict[str, str]]:
        database = self.probe.check()
        return running and database == "ok", {
            "scheduler": "running" if running else "stopped",
            "database": database,
        }

    def close(self) -> None:
        self.probe.close()
