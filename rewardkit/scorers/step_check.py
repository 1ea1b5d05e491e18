"""The `step_check` scorer: are the claims made in each reasoning step true?

Steps come from `rewardkit.steps.split_steps` (the same steps the trainer's process advantages credit);
claims from `rewardkit.scorers.claims.find_claims`; each link `a op b` of a claim is judged by the math engine
(`parse` + `verify`): exact rationals in this process, anything that needs sympy in the killable worker pool of
`rewardkit.runtime.pool`, bounded by `timeout_s` (no signals, so it is safe in threads and servers).

What counts as checkable: a relation between two numeric sides (`3 * 4 = 12`, `7 > 5`), or an equality whose
two sides use the same variables (`x^2 - 1 = (x-1)(x+1)`, read as an identity). A side with a variable against
a number (`x = 5`, `2x + 3 = 7`) states a solution or a definition and is not judged; nor are inequalities
between irrational values, links with identical sides (`5 = 5`) or a link repeated earlier in the trace.
A written decimal with d places holds when it is the other side rounded to d places (`1/3 = 0.33`);
`≈` also accepts a rounded integer. Step checks see each step alone: "2 + 3 = 5, 5 * 4 = 20" is two true
claims even though it evaluates 2 + 3 * 4 in the wrong order (the outcome reward catches that).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.scorers.claims import find_claims
from rewardkit.scorers.math.parse import Node, ParseError, parse
from rewardkit.scorers.math.verify import NeedsSymbolic, Options, TooLarge, Verdict, exact, too_large, verify
from rewardkit.steps import RegionName, SplitMode, split_steps

_SYMBOLIC_JOB = "rewardkit.scorers.math.symbolic:verify_job"
_DECIMAL = re.compile(r"^-?\s*\d[\d,]*(?:\.(\d+))?$")
_POOL_LOCK = threading.Lock()
_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b, "!=": lambda a, b: a != b}


class StepCheckParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    aggregate: Literal["share", "min", "first_error"] = Field(
        "share", description="share = checked claims that hold / checked claims; min = the worst step's share; "
        "first_error = share of checked steps before the first step with a false claim (1.0 if none)")
    split: SplitMode = Field(
        "auto", description="how the reasoning is cut into steps (see rewardkit.steps)")
    region: RegionName = Field(
        "think", description="think = the <think> block when there is one, else the completion")
    algebra: bool = Field(True, description="judge equalities between expressions in the same variables as "
                          "identities (an equation to solve with the unknown on both sides then reads as false)")
    decimals: Literal["rounded", "exact"] = Field(
        "rounded", description="rounded: a written decimal holds when it is the other side rounded to its places")
    max_claims: int = Field(64, ge=1, le=1000, description="claim links judged per completion (later ones are "
                            "ignored), bounding the work")
    max_symbolic: int = Field(8, ge=0, le=1000, description="claim links per completion that may go to the "
                              "symbolic pool (the rest are not judged): the worst case is about "
                              "max_symbolic * timeout_s / workers")
    timeout_s: float = Field(5.0, gt=0, le=600, description="bound on one symbolic check (s)")
    workers: int = Field(2, ge=1, le=64, description="worker processes for the symbolic checks")


@dataclass(slots=True)
class _Link:
    """One relation `lhs op rhs` of a claim, with its verdict once known (holds None: not judged)."""

    text: str
    holds: bool | None = None
    rule: str = ""
    job: tuple[Any, ...] | None = None  # (golds, preds, options) for the symbolic pool


def _symbols(node: Any) -> frozenset[str]:
    if not isinstance(node, tuple) or not node:
        return frozenset()
    if node[0] == "sym":
        return frozenset({node[1]})
    return frozenset().union(*(_symbols(child) for child in node[1:]))


def _rational(node: Node) -> Fraction | None:
    try:
        value = exact(node)
    except (TooLarge, RecursionError, ZeroDivisionError, OverflowError, ValueError):
        return None
    return value if isinstance(value, Fraction) else None


class StepCheck(Scorer):
    """Share of the checkable claims in the reasoning steps that are true (or the `min` / `first_error` view)."""

    name = "step_check"
    description = "Process reward: the arithmetic and algebraic claims in each reasoning step are verified " \
                  "with the math engine; per-step verdicts in details['steps']."
    Params = StepCheckParams
    _transient = ("_pool",)
    examples = (
        {"sample": {"completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"}, "value": 1.0},
        {"sample": {"completion": "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>"}, "value": 1.0},
        {"sample": {"completion": "<think>3 * 4 = 11, 2 + 11 = 13</think> <answer>13</answer>"}, "value": 0.5},
        {"sample": {"completion": "<think>x^2 - 1 = (x-1)(x+1). So 3^2 - 1 = 8.</think>"}, "value": 1.0},
        {"params": {"aggregate": "min", "split": "clauses"},
         "sample": {"completion": "<think>3 * 4 = 11, 2 + 11 = 13</think>"}, "value": 0.0},
        {"sample": {"completion": "<think>Let x = 5. Then we are done.</think>"}, "value": None},
    )

    def close(self) -> None:
        """Stop the symbolic worker processes (they also stop when the scorer is garbage collected)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    # -- scoring --------------------------------------------------------------------------------------
    def _score(self, sample: Sample) -> Score:
        return self._score_batch([sample])[0]

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        prepared = [self._prepare(s.completion_text) for s in samples]
        self._run_jobs([link for steps in prepared for _, links in steps for link in links if link.job])
        return [self._aggregate(steps) for steps in prepared]

    def _prepare(self, text: str) -> list[tuple[dict[str, Any], list[_Link]]]:
        """Each step's span and its claim links, judged where exact arithmetic suffices."""
        seen: set[str] = set()
        budget = self.params.max_claims
        out = []
        for step in split_steps(text, self.params.split, self.params.region):
            links = []
            for claim in find_claims(step.text):
                for lhs, op, rhs in zip(claim.sides, claim.ops, claim.sides[1:], strict=False):
                    key = f"{lhs} {op} {rhs}"
                    if (lhs == rhs and op in ("=", "~")) or key in seen or budget <= 0:
                        continue
                    seen.add(key)
                    budget -= 1
                    links.append(self._judge(lhs, op, rhs))
            out.append((step.as_dict(), links))
        symbolic = [link for _, links in out for link in links if link.job]
        for link in symbolic[self.params.max_symbolic:]:  # bounds the worst case at max_symbolic * timeout_s
            link.job, link.rule = None, "over the symbolic-check budget"
        return out

    def _judge(self, lhs: str, op: str, rhs: str) -> _Link:
        link = _Link(f"{lhs} {op} {rhs}")
        try:
            a, b = parse(lhs), parse(rhs)
        except (ParseError, RecursionError):
            link.rule = "not parseable"
            return link
        if too_large(a) or too_large(b):
            link.rule = "too large to evaluate"
            return link
        syms_a, syms_b = _symbols(a), _symbols(b)
        if syms_a or syms_b:
            if op == "=" and syms_a == syms_b and self.params.algebra:
                return self._equal(link, a, b, Options(percent="strict"))
            link.rule = "equation or definition (a variable against a value)"
            return link
        if op in _COMPARE:
            x, y = _rational(a), _rational(b)
            if x is None or y is None:
                link.rule = "inequality between non-rational values"
                return link
            link.holds, link.rule = _COMPARE[op](x, y), "rational comparison"
            return link
        return self._numeric_equal(link, a, b, lhs, rhs, op)

    def _numeric_equal(self, link: _Link, a: Node, b: Node, lhs: str, rhs: str, op: str) -> _Link:
        """`=` / `≈` between numeric sides: exact rationals here (a percent is hundredths), a written decimal
        against the other side rounded to its places, anything irrational through `verify`."""
        places = {side: _places(text, approx=op == "~") for side, text in (("l", lhs), ("r", rhs))}
        rounded = self.params.decimals == "rounded" or op == "~"
        literal = ("r" if places["r"] is not None else "l" if places["l"] is not None else None) if rounded else None
        value, written = (b, a) if literal == "l" else (a, b)
        x, y = _rational(value), _rational(written)
        half = Fraction(1, 2 * 10 ** places[literal]) if literal else Fraction(0)
        if x is not None and y is not None:
            link.holds = abs(x - y) <= half
            link.rule = f"rounded to {places[literal]} places" if literal else "exact arithmetic"
            return link
        if literal and y:
            return self._equal(link, value, written, Options(float_rel_tol=min(float(half / abs(y)), 0.5),
                                                             percent="strict"))
        if op == "~":
            link.rule = "approximation without a written decimal"
            return link
        return self._equal(link, a, b, Options(percent="strict"))

    def _equal(self, link: _Link, a: Node, b: Node, opts: Options) -> _Link:
        try:
            verdict = verify(a, b, opts)
        except NeedsSymbolic:
            link.job = ((a,), (b,), opts)
            return link
        except (RecursionError, TooLarge):
            link.rule = "could not evaluate"
            return link
        link.holds, link.rule = verdict.equal, verdict.rule
        return link

    def _run_jobs(self, links: list[_Link]) -> None:
        if not links:
            return
        from rewardkit.runtime.pool import PoolTimeout

        for link, result in zip(links, self._get_pool().map(_SYMBOLIC_JOB, [lk.job for lk in links]), strict=True):
            link.job = None
            if isinstance(result, Verdict) and not result.rule.startswith("could not"):
                link.holds, link.rule = result.equal, result.rule
            elif isinstance(result, PoolTimeout):
                link.rule = "timeout"
            else:
                link.rule = f"symbolic check failed: {result}"[:200]

    def _aggregate(self, steps: list[tuple[dict[str, Any], list[_Link]]]) -> Score:
        details, shares, verdicts = [], [], []
        for span, links in steps:
            judged = [lk.holds for lk in links if lk.holds is not None]
            value = sum(judged) / len(judged) if judged else None
            details.append({**span, "value": value,
                            "claims": [{"text": lk.text[:200], "holds": lk.holds, "rule": lk.rule} for lk in links]})
            verdicts += judged
            if value is not None:
                shares.append(value)
        info = {"steps": details}
        if not verdicts:
            timed_out = any(c["rule"] == "timeout" for step in details for c in step["claims"])
            if timed_out:
                return Score(None, Status.TIMEOUT, reason="every checkable claim timed out", details=info)
            return Score(None, Status.NOT_APPLICABLE, reason="no checkable claim in the reasoning", details=info)
        if self.params.aggregate == "share":
            value = sum(verdicts) / len(verdicts)
        elif self.params.aggregate == "min":
            value = min(shares)
        else:
            first_bad = next((i for i, share in enumerate(shares) if share < 1.0), len(shares))
            value = first_bad / len(shares)
        wrong = len(verdicts) - sum(verdicts)
        return Score(value, reason=f"{sum(verdicts)}/{len(verdicts)} checked claims hold"
                     f"{f' ({wrong} false)' if wrong else ''} over {len(shares)} checked steps", details=info)

    def _get_pool(self) -> Any:
        with _POOL_LOCK:
            if self._pool is None:
                from rewardkit.runtime.pool import ProcessPool

                self._pool = ProcessPool(size=self.params.workers, timeout=self.params.timeout_s,
                                         preload=("rewardkit.scorers.math.symbolic",))
            return self._pool


def _places(text: str, approx: bool) -> int | None:
    """Decimal places of a side written as a plain number ('0.33' -> 2); integers count only for `≈`."""
    match = _DECIMAL.match(text.replace(" ", ""))
    if match is None:
        return None
    if match.group(1):
        return len(match.group(1))
    return 0 if approx else None
