"""The tests computed natively, by Evidently id; any other id runs Evidently's function."""

from collections.abc import Callable

from driftboard.drift.fast import binned, counts, ecdf
from driftboard.drift.fast.current import Current, NumCurrent


def _numerical_only(test: Callable[[NumCurrent], float]) -> Callable[[Current], float]:
    def run(cur: Current) -> float:
        if not isinstance(cur, NumCurrent):
            raise TypeError(f"{test.__name__} applies to numerical columns only")
        return test(cur)

    return run


NATIVE: dict[str, Callable[[Current], float]] = {
    "ks": _numerical_only(ecdf.ks),
    "wasserstein": _numerical_only(ecdf.wasserstein),
    "jensenshannon": binned.jensenshannon,
    "psi": binned.psi,
    "kl_div": binned.kl_div,
    "hellinger": binned.hellinger,
    "chisquare": counts.chi_square,
    "z": counts.z_test,
}
