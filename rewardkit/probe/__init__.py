"""Reward-hacking probes: `rewardkit probe RECIPE` and `rewardkit.probe.run(recipe, rows)`.

    from rewardkit import probe
    report = probe.run("examples/recipes/r1_zero.yaml")           # the R1 worked example as the honest row
    report.found, report.groups()                                  # findings per family, smallest first

A family (see `Family`) turns an honest row into adversarial variants; the probe scores them with the recipe
and reports every variant whose reward reaches the honest completion's (or its own control's, or a bound).
Families live in a registry (`register`, `get`, `names`) and plugins add theirs through the entry-point
group `rewardkit.probes`. Nothing here is imported by `import rewardkit`.
"""

from rewardkit.probe.family import MAX_CHARS, Family, ProbeContext, Variant
from rewardkit.probe.registry import ENTRY_POINT_GROUP, get, names, refresh_entry_points, register, unregister
from rewardkit.probe.report import SCHEMA_ID, FamilyResult, Finding, ProbeReport, RowResult
from rewardkit.probe.runner import DEFAULT_LIMIT, R1_ROWS, run

__all__ = [
    "DEFAULT_LIMIT", "ENTRY_POINT_GROUP", "MAX_CHARS", "R1_ROWS", "SCHEMA_ID", "Family", "FamilyResult", "Finding",
    "ProbeContext", "ProbeReport", "RowResult", "Variant", "get", "names", "refresh_entry_points", "register",
    "run", "unregister",
]
