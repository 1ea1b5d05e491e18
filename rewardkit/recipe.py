"""Recipes: build a scorer tree from a dict or a JSON / YAML / TOML file.

A node is a leaf `{use: NAME, weight: W, name: ALIAS, ...params}` or a combiner
`{combine: sum|mean|min|max|product|gate, weight: W, name: ALIAS, components: [nodes]}`.
A bare list of nodes means `{combine: sum, components: [...]}`.

How a combiner reduces its components (each contributes weight * value):
- sum: the sum; mean: the weighted mean sum(w*v) / sum(w); min / max / product: of the weighted values;
- gate: the first component must reach `threshold` (default 1.0) for the rest to count (their sum);
  otherwise the value is `fail_value` (default 0.0). The gate's own value is reported but not added.
A component whose value is None is skipped when its status is `not_applicable` or `invalid_input` (as TRL
skips a None reward); it is never turned into 0. If every component is skipped the result is None. A
combiner's `missing: zero` counts such a component as 0 instead, `missing: fail` makes the result None: under
`skip`, making a component inapplicable can be a way to a better reward.
A component whose row lacks a field it requires (`Scorer.required_fields`: `math` needs `answer`) makes the
result None / `invalid_input` naming the component and the field, unless the node says `optional: true`:
a reward whose main part cannot be computed must not silently become the format reward alone.
A component that failed (`error`, `infra_error`, or `timeout` without a value) makes the whole result None
with that status: a reward computed from the remaining parts would silently mean something else.
`product` refuses a component whose `value_range` includes negatives (two penalties multiply into a bonus)
unless the combiner says `allow_negative: true`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from rewardkit import registry
from rewardkit.core import SKIPPABLE, FieldSpec, Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError, RecipeErrors

COMBINERS = ("sum", "mean", "min", "max", "product", "gate")
MISSING_POLICIES = ("skip", "zero", "fail")
_NODE_KEYS = {"use", "combine", "weight", "name", "components", "optional", "max_chars"}
_COMBINER_KEYS = {"missing", "allow_negative"}
_GATE_KEYS = {"threshold", "fail_value"}


class Combination(Scorer):
    """Combines the scores of its components; see the module docstring for the rules."""

    name = "combination"
    description = "Weighted combination of component scorers (sum, mean, min, max, product, gate)."
    max_chars = None  # each component applies its own cap, so the others still report theirs

    def __init__(self, op: str, children: Sequence[tuple[Scorer, float]], name: str | None = None,
                 threshold: float = 1.0, fail_value: float = 0.0, named: bool = False,
                 optional: Collection[int] = (), missing: str = "skip", allow_negative: bool = False) -> None:
        super().__init__(name=name or op)
        if missing not in MISSING_POLICIES:
            raise ConfigError(f"missing must be one of {', '.join(MISSING_POLICIES)}, got {missing!r}", "missing")
        self.op = op
        self.children = list(children)
        self.threshold = threshold
        self.fail_value = fail_value
        self.named = named  # an explicitly named combiner also reports its own value in components
        self.optional = frozenset(optional)  # indices of children that are skipped when their row lacks a field
        self.missing = missing  # what a skippable None of a component counts as: skipped, 0, or the whole None
        self.allow_negative = allow_negative
        if op == "product" and not allow_negative:
            self._check_non_negative()
        self.value_range = self._range()
        needed = [f for i, (child, _) in enumerate(self.children) if i not in self.optional
                  for f in child.needed_fields()]
        self._needed = tuple(dict.fromkeys(needed))  # computed once: batch checks every row against it

    def __repr__(self) -> str:
        inner = ", ".join(f"{w}*{c!r}" for c, w in self.children)
        return f"Combination({self.op}: {inner})"

    def _check_non_negative(self) -> None:
        """A product of two penalties is a bonus (-1 x -0.993 = +0.993): refuse factors that can be negative."""
        for i, (child, weight) in enumerate(self.children):
            lo, hi = _weighted(child.value_range, weight)
            if lo < 0:
                declared = "" if math.isfinite(lo) else " (no declared value_range: set one on the scorer class)"
                raise ConfigError(
                    f"product of a component that can be negative: {child.name} ranges over [{lo:g}, {hi:g}]"
                    f"{declared}, and two negative factors multiply into a positive reward; set "
                    f"allow_negative: true on the combiner to accept that", f"components[{i}]")

    def _range(self) -> tuple[float, float]:
        """A bound on the combined value, from the components' declared `value_range` (conservative)."""
        ranges = [_weighted(child.value_range, w) for child, w in self.children]
        if self.op == "gate":
            lo, hi = _subset_sum(ranges[1:])
            lo, hi = min(lo, self.fail_value), max(hi, self.fail_value)
        elif self.op == "sum":
            lo, hi = _subset_sum(ranges)
        elif self.op == "mean":
            raw = [child.value_range for child, _ in self.children]
            positive = all(w > 0 for _, w in self.children)
            lo, hi = (min(r[0] for r in raw), max(r[1] for r in raw)) if positive else (-math.inf, math.inf)
        elif self.op in ("min", "max"):
            lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
        elif self.allow_negative:
            lo, hi = -math.inf, math.inf
        else:  # a product of non-negative factors over any subset of them
            lo = min(min(r[0] for r in ranges), math.prod(min(r[0], 1.0) for r in ranges))
            hi = max(max(r[1] for r in ranges), math.prod(max(r[1], 1.0) for r in ranges))
        if self.missing == "zero":
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        return lo, hi

    def leaves(self) -> list[Scorer]:
        return [leaf for child, _ in self.children for leaf in child.leaves()]

    def reported(self) -> list[Scorer]:
        inner = [s for child, _ in self.children for s in child.reported()]
        return [*inner, self] if self.named else inner

    def spec(self) -> dict[str, Any]:
        return {"combine": self.op, "name": self.name, "threshold": self.threshold, "fail_value": self.fail_value,
                "named": self.named, "optional": sorted(self.optional), "missing": self.missing,
                "allow_negative": self.allow_negative,
                "components": [[child.spec(), weight] for child, weight in self.children]}

    def sum_terms(self) -> list[tuple[Scorer, float]]:
        if self.op != "sum" or self.missing != "skip":  # only skip-sums are what a trainer's nansum computes
            return [(self, 1.0)]
        if len(self.children) == 1:  # `build` wraps a weighted root node in a one-child sum: split the node
            child, weight = self.children[0]
            return [(c, weight * w) for c, w in child.sum_terms()]
        return list(self.children)

    def combine_terms(self, scores: Sequence[Score]) -> Score:
        if self.sum_terms() == [(self, 1.0)]:
            return scores[0]
        if len(self.children) == 1:
            return self.combine([self.children[0][0].combine_terms(scores)])
        return self.combine(scores)

    def needed_fields(self) -> tuple[FieldSpec, ...]:
        return self._needed

    def _score(self, sample: Sample) -> Score:
        return self.combine([child.score(sample) for child, _ in self.children])

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        per_child = [child.score_batch(samples) for child, _ in self.children]
        return [self.combine(list(row)) for row in zip(*per_child, strict=True)]

    def combine(self, scores: Sequence[Score]) -> Score:
        """The combined Score from one Score per component (in `children` order): the rules of this module."""
        components: dict[str, float | None] = {}
        for s in scores:
            components.update(s.components)
        result = self._reduce(scores)
        if self.named:
            components[self.name] = result.value
        result.components = components
        steps = _steps_by_component(self.children, scores)
        if steps:  # step rewards survive the combination (DESIGN.md "Step rewards"), for `advantage: process`
            result.details = {**(result.details or {}), "steps_by_component": steps}
        return result

    def _reduce(self, scores: Sequence[Score]) -> Score:
        values: list[float | None] = []  # each component's value after the `missing` policy
        for i, ((child, _), s) in enumerate(zip(self.children, scores, strict=True)):
            if s.value is not None:
                values.append(s.value)
                continue
            if s.missing_fields and i not in self.optional:
                return Score(None, Status.INVALID_INPUT, reason=s.reason, details={"missing_fields": s.missing_fields})
            if s.status not in SKIPPABLE:
                return Score(None, s.status, reason=f"{child.name}: {s.status.value}: {s.reason}")
            if self.missing == "fail":
                return Score(None, s.status, reason=f"{child.name}: {s.status.value} (missing: fail): {s.reason}")
            values.append(0.0 if self.missing == "zero" else None)
        reasons = "; ".join(f"{c.name}={_fmt(v)}" for (c, _), v in zip(self.children, values, strict=True))
        if self.op == "gate":
            return self._gate(values, reasons)
        weighted = [(w, v) for (_, w), v in zip(self.children, values, strict=True) if v is not None]
        if not weighted:
            return Score(None, Status.NOT_APPLICABLE, reason=f"no component applies ({reasons})")
        terms = [w * v for w, v in weighted]
        if self.op == "sum":
            value = math.fsum(terms)
        elif self.op == "mean":
            total_weight = math.fsum(w for w, _ in weighted)
            value = math.fsum(terms) / total_weight if total_weight else 0.0
        elif self.op == "min":
            value = min(terms)
        elif self.op == "max":
            value = max(terms)
        else:
            value = math.prod(terms)
        return Score(value, Status.OK, reason=reasons)

    def _gate(self, values: Sequence[float | None], reasons: str) -> Score:
        gate, gate_name = values[0], self.children[0][0].name
        if gate is None:
            return Score(None, Status.NOT_APPLICABLE, reason=f"gate {gate_name} did not apply")
        if gate < self.threshold:
            return Score(self.fail_value, Status.OK, reason=f"gate {gate_name}={_fmt(gate)} < {self.threshold}")
        weighted = [w * v for (_, w), v in zip(self.children[1:], values[1:], strict=True) if v is not None]
        if not weighted:
            return Score(None, Status.NOT_APPLICABLE, reason=f"gate passed but no component applies ({reasons})")
        return Score(math.fsum(weighted), Status.OK, reason=f"gate passed; {reasons}")


def _weighted(bounds: tuple[float, float], weight: float) -> tuple[float, float]:
    """The range of weight * value for value in `bounds` (0 * inf is 0: a zero weight silences a component)."""
    if weight == 0:
        return 0.0, 0.0
    a, b = weight * bounds[0], weight * bounds[1]
    return min(a, b), max(a, b)


def _subset_sum(ranges: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The range of a sum over any non-empty subset of the terms (skipped components drop out)."""
    if not ranges:
        return 0.0, 0.0
    negative, positive = [lo for lo, _ in ranges if lo < 0], [hi for _, hi in ranges if hi > 0]
    lo = math.fsum(negative) if negative else min(lo for lo, _ in ranges)
    hi = math.fsum(positive) if positive else max(hi for _, hi in ranges)
    return lo, hi


def _steps_by_component(children: Sequence[tuple[Scorer, float]], scores: list[Score]) -> dict[str, list]:
    """{component name: details["steps"]} of every child (or grandchild) that reported step rewards."""
    found: dict[str, list] = {}
    for (child, _), score in zip(children, scores, strict=True):
        details = score.details or {}
        if isinstance(details.get("steps"), list):
            found[child.name] = details["steps"]
        found.update(details.get("steps_by_component") or {})
    return found


def _fmt(value: float | None) -> str:
    return "None" if value is None else f"{value:g}"


def load_recipe(source: str | Path) -> Any:
    """Read a recipe file (.json, .yaml/.yml, .toml) into plain data."""
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"recipe file not found: {path}")
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        if suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib
            return tomllib.loads(text)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error is a recipe error naming the file
        raise ConfigError(f"cannot parse recipe {path}: {exc}") from None
    raise ConfigError(f"recipe {path} must end in .json, .yaml, .yml or .toml")


def build(recipe: Any) -> Scorer:
    """Build a Scorer from a recipe: a dict, a list of nodes, a file path, a scorer name, or a Scorer."""
    if isinstance(recipe, Scorer):
        return recipe
    if isinstance(recipe, str) and recipe.lstrip()[:1] in ("{", "["):  # inline JSON, as `-r '[{"use": ...}]'`
        try:
            recipe = json.loads(recipe)
        except ValueError as exc:
            raise ConfigError(f"the recipe looks like inline JSON but does not parse: {exc}") from None
    if isinstance(recipe, (str, Path)):
        text = str(recipe)
        if isinstance(recipe, Path) or Path(text).suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
            recipe = load_recipe(recipe)
        else:
            recipe = {"use": text}
    scorer, weight, optional = _build_node(recipe, "")
    if optional:
        raise ConfigError("optional marks a component inside a combiner; the whole recipe cannot be optional",
                          "optional")
    if weight != 1.0:
        scorer = Combination("sum", [(scorer, weight)], name=scorer.name)
    _check_unique_names(scorer)
    return scorer


def _build_node(node: Any, path: str) -> tuple[Scorer, float, bool]:
    """(scorer, weight, optional) of one recipe node."""
    if isinstance(node, list):
        node = {"combine": "sum", "components": node}
    if not isinstance(node, Mapping):
        raise ConfigError(f"a recipe node must be a mapping with 'use' or 'combine', got {type(node).__name__}",
                          path)
    if ("use" in node) == ("combine" in node):
        raise ConfigError("a recipe node needs exactly one of 'use' (a scorer) or 'combine' (a combiner)", path)
    weight = node.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
        raise ConfigError(f"weight must be a finite number, got {weight!r}", _join(path, "weight"))
    name = node.get("name")
    if name is not None and (not isinstance(name, str) or not name):
        raise ConfigError(f"name must be a non-empty string, got {name!r}", _join(path, "name"))
    optional = node.get("optional", False)
    if not isinstance(optional, bool):
        raise ConfigError(f"optional must be true or false, got {optional!r}", _join(path, "optional"))
    if "use" in node:
        return _build_leaf(node, path, name), float(weight), optional
    return _build_combiner(node, path, name), float(weight), optional


def _build_leaf(node: Mapping[str, Any], path: str, name: str | None) -> Scorer:
    use = node["use"]
    if not isinstance(use, str):
        raise ConfigError(f"use must be a scorer name, got {use!r}", _join(path, "use"))
    if "components" in node:
        raise ConfigError("a leaf ('use') cannot have components; use 'combine' for that", _join(path, "components"))
    try:
        cls = registry.get(use)
    except ConfigError as exc:
        raise exc.at(_join(path, "use")) from None
    params = {k: v for k, v in node.items() if k not in _NODE_KEYS}
    try:
        scorer = cls(name=name, **params)
    except ConfigError as exc:
        raise exc.at(path) if path else exc from None
    if "max_chars" in node:  # the size cap every scorer has (Scorer.max_chars); null lifts it
        limit = node["max_chars"]
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ConfigError(f"max_chars must be a positive integer or null, got {limit!r}", _join(path, "max_chars"))
        scorer.max_chars = limit
    return scorer


def _build_combiner(node: Mapping[str, Any], path: str, name: str | None) -> Scorer:
    op = node["combine"]
    if op not in COMBINERS:
        raise ConfigError(f"unknown combiner {op!r}; choose one of {', '.join(COMBINERS)}", _join(path, "combine"))
    unknown = set(node) - _NODE_KEYS - _COMBINER_KEYS - (_GATE_KEYS if op == "gate" else set())
    if unknown:
        raise ConfigError(f"unknown key for combiner '{op}'", _join(path, sorted(unknown)[0]))
    components = node.get("components")
    if not isinstance(components, list) or not components:
        raise ConfigError("a combiner needs a non-empty list 'components'", _join(path, "components"))
    if op == "gate" and len(components) < 2:
        raise ConfigError("gate needs a gate component and at least one more", _join(path, "components"))
    built, problems = [], []
    for i, child in enumerate(components):  # every component is checked: one run reports all its mistakes
        try:
            built.append(_build_node(child, f"{_join(path, 'components')}[{i}]"))
        except ConfigError as exc:
            problems.extend(exc.problems if isinstance(exc, RecipeErrors) else [exc])
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise RecipeErrors(problems)
    extra = {k: node[k] for k in _GATE_KEYS & set(node)}
    for key, value in extra.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{key} must be a finite number, got {value!r}", _join(path, key))
    allow_negative = node.get("allow_negative", False)
    if not isinstance(allow_negative, bool):
        raise ConfigError(f"allow_negative must be true or false, got {allow_negative!r}",
                          _join(path, "allow_negative"))
    missing = node.get("missing", "skip")  # checked by Combination
    children = [(scorer, weight) for scorer, weight, _ in built]
    optional = [i for i, (_, _, is_optional) in enumerate(built) if is_optional]
    try:
        return Combination(op, children, name=name, named=name is not None, optional=optional, missing=missing,
                           allow_negative=allow_negative, **extra)
    except ConfigError as exc:
        raise exc.at(path) if path else exc from None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_unique_names(scorer: Scorer) -> None:
    seen: set[str] = set()
    for leaf in scorer.reported():
        if leaf.name in seen:
            raise ConfigError(f"two components are named {leaf.name!r}; give one an alias with `name: ...` "
                              "so each reward component keeps its own column")
        seen.add(leaf.name)
