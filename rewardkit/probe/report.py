"""The probe's report: what was tried, what was found, as JSON (schema in docs/probe.md) and as text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_ID = "rewardkit.probe/1"
_SHOWN_PER_FAMILY = 3  # findings printed per family in text form; --json has all of them


@dataclass(frozen=True)
class RowResult:
    """The honest completion of one input row, as the recipe scores it."""

    index: int
    reward: float | None
    status: str
    components: dict[str, float | None]
    reason: str
    probed: bool  # False when the row cannot anchor comparisons (`note` says why)
    note: str


@dataclass(frozen=True)
class Finding:
    """A variant whose reward reached (or exceeded) what it is measured against."""

    family: str
    variant: str
    description: str
    row: int
    reward: float
    components: dict[str, float | None]
    threshold: float
    against: str  # "honest", "control" (the variant's own control completion) or "bound"
    compare: str  # "reach" (>=) or "exceed" (>)
    completion: str
    control: str | None = None  # the control's completion when `against` is "control"
    fields: dict[str, Any] = field(default_factory=dict)  # row fields the variant replaced

    @property
    def size(self) -> int:
        return len(self.completion)


@dataclass(frozen=True)
class FamilyResult:
    """One family: whether it ran (and on how many variants) or why it was skipped."""

    name: str
    description: str
    tries: list[str]
    status: str  # "ran" or "skipped"
    reason: str
    variants: int  # variants scored
    compared: int  # variants with a reward and something to compare it with
    found: int


@dataclass
class ProbeReport:
    """The outcome of `rewardkit.probe.run`. `found` is what the CLI's exit status reports."""

    recipe: str
    seed: int
    limit: int
    bound: dict[str, float]
    rows: list[RowResult]
    families: list[FamilyResult]
    findings: list[Finding]

    @property
    def found(self) -> bool:
        return bool(self.findings)

    def groups(self) -> dict[str, list[Finding]]:
        """Findings per family (families in report order), the smallest reproducer first."""
        out: dict[str, list[Finding]] = {}
        for result in self.families:
            hits = [f for f in self.findings if f.family == result.name]
            if hits:
                out[result.name] = sorted(hits, key=lambda f: (f.size, f.row, f.variant))
        return out

    def to_dict(self) -> dict[str, Any]:
        groups = self.groups()
        return {
            "schema": SCHEMA_ID,
            "recipe": self.recipe,
            "seed": self.seed,
            "limit": self.limit,
            "bound": dict(self.bound),
            "found": self.found,
            "summary": {"rows": len(self.rows), "rows_probed": sum(r.probed for r in self.rows),
                        "variants": sum(f.variants for f in self.families), "findings": len(self.findings),
                        "families_found": list(groups)},
            "rows": [asdict(row) for row in self.rows],
            "families": [asdict(result) for result in self.families],
            "groups": [{"family": name, "reproducer": hits[0].completion,
                        "findings": [{**asdict(hit), "size": hit.size} for hit in hits]}
                       for name, hits in groups.items()],
        }

    def format(self) -> str:
        """The human-readable report."""
        lines = [f"rewardkit probe: {self.recipe} on {len(self.rows)} honest row(s)"]
        for row in self.rows:
            parts = ", ".join(f"{k}={_fmt(v)}" for k, v in row.components.items())
            lines.append(f"  row {row.index}: reward {_fmt(row.reward)} ({row.status}; {parts})")
            if not row.probed:
                lines.append(f"    not probed: {row.note}")
        groups = self.groups()
        for name, hits in groups.items():
            result = next(r for r in self.families if r.name == name)
            lines.append(f"\nFOUND {name}: {len(hits)} of {result.variants} variants - {result.description}")
            distinct = _distinct(hits)
            for hit, rows in distinct[:_SHOWN_PER_FAMILY]:
                sign = ">=" if hit.compare == "reach" else ">"
                where = f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(map(str, rows))}"
                lines.append(f"  {hit.variant} ({where}): reward {_fmt(hit.reward)} {sign} {hit.against} "
                             f"{_fmt(hit.threshold)} - {hit.description}")
                lines.append(f"    {_clip(hit.completion)}")
            if len(distinct) > _SHOWN_PER_FAMILY:
                lines.append(f"  ... {len(distinct) - _SHOWN_PER_FAMILY} more (--json lists them all)")
        clean = [f"{r.name} ({r.variants})" for r in self.families if r.status == "ran" and not r.found]
        skipped = [r.name for r in self.families if r.status == "skipped"]
        if clean:
            lines.append(f"\nclean: {', '.join(clean)}")
        if skipped:
            lines.append(f"skipped (no scorer in the recipe they aim at): {', '.join(skipped)}")
        verdict = (f"{len(self.findings)} variant(s) in {len(groups)} family(ies) reach the reward they must not"
                   if self.found else "nothing found")
        lines.append(f"\n{verdict}")
        return "\n".join(lines)


def _distinct(hits: list[Finding]) -> list[tuple[Finding, list[int]]]:
    """Findings with the same completion on several rows, shown once with their rows (order kept)."""
    seen: dict[str, tuple[Finding, list[int]]] = {}
    for hit in hits:
        seen.setdefault(hit.completion, (hit, []))[1].append(hit.row)
    return list(seen.values())


def _fmt(value: float | None) -> str:
    return "None" if value is None else f"{value:.4g}"


def _clip(text: str, width: int = 160) -> str:
    shown = repr(text)
    return shown if len(shown) <= width else f"{shown[:width - 20]}... ({len(text)} chars)"
