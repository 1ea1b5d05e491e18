"""Recipes: build a scorer tree from a dict or a JSON / YAML / TOML file.

A node is a leaf `{use: NAME, weight: W, name: ALIAS, ...params}` or a combiner
`{combine: sum|mean|min|max|product|gate, weight: W, name: ALIAS, components: [nodes]}`.
A bare list of nodes means `{combine: sum, components: [...]}`.

How a combiner reduces its components (each contributes weight * value):
- sum: the sum; mean: the weighted mean sum(w*v) / sum(w); min / max / product: of the weighted values;
- gate: the first component must reach `threshold` (default 1.0) for the rest to count (their sum);
  otherwise the value is `fail_value` (default 0.0). The gate's own value is reported but not added.
A component whose value is None is skipped when its status is `not_applicable` or `invalid_input` (as TRL
skips a None reward); it is never turned into 0. If every component is skipped the result is None.
A component that failed (`error`, `infra_error`, or `timeout` without a value) makes the whole result None
with that status: a reward computed from the remaining parts would silently mean something else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rewardkit import registry
from rewardkit.core import SKIPPABLE, Sample, Score, Scorer, Status
from rewardkit.errors import ConfigError

COMBINERS = ("sum", "mean", "min", "max", "product", "gate")
_NODE_KEYS = {"use", "combine", "weight", "name", "components"}
_GATE_KEYS = {"threshold", "fail_value"}


class Combination(Scorer):
    """Combines the scores of its components; see the module docstring for the rules."""

    name = "combination"
    description = "Weighted combination of component scorers (sum, mean, min, max, product, gate)."

    def __init__(self, op: str, children: Sequence[tuple[Scorer, float]], name: str | None = None,
                 threshold: float = 1.0, fail_value: float = 0.0, named: bool = False) -> None:
        super().__init__(name=name or op)
        self.op = op
        self.children = list(children)
        self.threshold = threshold
        self.fail_value = fail_value
        self.named = named  # an explicitly named combiner also reports its own value in components

    def __repr__(self) -> str:
        inner = ", ".join(f"{w}*{c!r}" for c, w in self.children)
        return f"Combination({self.op}: {inner})"

    def leaves(self) -> list[Scorer]:
        return [leaf for child, _ in self.children for leaf in child.leaves()]

    def _score(self, sample: Sample) -> Score:
        return self._combine([child.score(sample) for child, _ in self.children])

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        per_child = [child.score_batch(samples) for child, _ in self.children]
        return [self._combine(list(row)) for row in zip(*per_child, strict=True)]

    def _combine(self, scores: list[Score]) -> Score:
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

    def _reduce(self, scores: list[Score]) -> Score:
        for (child, _), s in zip(self.children, scores, strict=True):
            if s.value is None and s.status not in SKIPPABLE:
                return Score(None, s.status, reason=f"{child.name}: {s.status.value}: {s.reason}")
        weighted = [(w, s.value) for (_, w), s in zip(self.children, scores, strict=True) if s.value is not None]
        reasons = "; ".join(f"{c.name}={_fmt(s.value)}" for (c, _), s in zip(self.children, scores, strict=True))
        if self.op == "gate":
            return self._gate(scores, reasons)
        if not weighted:
            return Score(None, Status.NOT_APPLICABLE, reason=f"no component applies ({reasons})")
        values = [w * v for w, v in weighted]
        if self.op == "sum":
            value = math.fsum(values)
        elif self.op == "mean":
            total_weight = math.fsum(w for w, _ in weighted)
            value = math.fsum(values) / total_weight if total_weight else 0.0
        elif self.op == "min":
            value = min(values)
        elif self.op == "max":
            value = max(values)
        else:
            value = math.prod(values)
        return Score(value, Status.OK, reason=reasons)

    def _gate(self, scores: list[Score], reasons: str) -> Score:
        gate, rest = scores[0], scores[1:]
        if gate.value is None:
            return Score(None, Status.NOT_APPLICABLE, reason=f"gate {self.children[0][0].name} did not apply")
        if gate.value < self.threshold:
            return Score(self.fail_value, Status.OK,
                         reason=f"gate {self.children[0][0].name}={_fmt(gate.value)} < {self.threshold}")
        weighted = [w * s.value for (_, w), s in zip(self.children[1:], rest, strict=True) if s.value is not None]
        if not weighted:
            return Score(None, Status.NOT_APPLICABLE, reason=f"gate passed but no component applies ({reasons})")
        return Score(math.fsum(weighted), Status.OK, reason=f"gate passed; {reasons}")


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
    if isinstance(recipe, (str, Path)):
        text = str(recipe)
        if isinstance(recipe, Path) or Path(text).suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
            recipe = load_recipe(recipe)
        else:
            recipe = {"use": text}
    scorer, weight = _build_node(recipe, "")
    if weight != 1.0:
        scorer = Combination("sum", [(scorer, weight)], name=scorer.name)
    _check_unique_names(scorer)
    return scorer


def _build_node(node: Any, path: str) -> tuple[Scorer, float]:
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
    if "use" in node:
        return _build_leaf(node, path, name), float(weight)
    return _build_combiner(node, path, name), float(weight)


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
        return cls(name=name, **params)
    except ConfigError as exc:
        raise exc.at(path) if path else exc from None


def _build_combiner(node: Mapping[str, Any], path: str, name: str | None) -> Scorer:
    op = node["combine"]
    if op not in COMBINERS:
        raise ConfigError(f"unknown combiner {op!r}; choose one of {', '.join(COMBINERS)}", _join(path, "combine"))
    unknown = set(node) - _NODE_KEYS - (_GATE_KEYS if op == "gate" else set())
    if unknown:
        raise ConfigError(f"unknown key for combiner '{op}'", _join(path, sorted(unknown)[0]))
    components = node.get("components")
    if not isinstance(components, list) or not components:
        raise ConfigError("a combiner needs a non-empty list 'components'", _join(path, "components"))
    if op == "gate" and len(components) < 2:
        raise ConfigError("gate needs a gate component and at least one more", _join(path, "components"))
    children = [_build_node(child, f"{_join(path, 'components')}[{i}]") for i, child in enumerate(components)]
    extra = {k: node[k] for k in _GATE_KEYS & set(node)}
    for key, value in extra.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{key} must be a finite number, got {value!r}", _join(path, key))
    return Combination(op, children, name=name, named=name is not None, **extra)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _reported(scorer: Scorer) -> list[Scorer]:
    """Every scorer that reports a component: the leaves and the named combiners."""
    if isinstance(scorer, Combination):
        inner = [s for child, _ in scorer.children for s in _reported(child)]
        return [*inner, scorer] if scorer.named else inner
    return [scorer]


def _check_unique_names(scorer: Scorer) -> None:
    seen: set[str] = set()
    for leaf in _reported(scorer):
        if leaf.name in seen:
            raise ConfigError(f"two components are named {leaf.name!r}; give one an alias with `name: ...` "
                              "so each reward component keeps its own column")
        seen.add(leaf.name)
