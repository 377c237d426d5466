"""Data-quality flags of a feature result, judged as DriftboardDataQuality judges them: the
null share rising by `null_ratio_increase` over the reference's, unseen categories above
`unseen_categories_ratio` (alerting/config.yml), or a feature that could not be scored."""

from driftboard import alertconfig
from driftboard.store.runs.timeline import FeaturePoint


def quality_flags(point: FeaturePoint) -> list[str]:
    """What is wrong with this feature's data in this run, in words; empty when nothing is."""
    if point.status != "ok":
        return [f"{point.status}: {point.reason or 'no reason recorded'}"]
    levels = alertconfig.load().thresholds
    flags = []
    nulls, before = point.null_share, point.reference_null_share or 0.0
    if nulls is not None and nulls - before >= levels.null_ratio_increase:
        flags.append(f"nulls {before:.0%} → {nulls:.0%}")
    if point.unseen_share is not None and point.unseen_share > levels.unseen_categories_ratio:
        flags.append(f"unseen categories in {point.unseen_share:.0%} of rows")
    return flags
