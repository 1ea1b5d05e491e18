"""The values `verify` and its numeric backends share: the policy knobs, a verdict, and two walks over nodes.

A module of its own so that `verify.py` (the rules) and `numeric.py` (the in-process numeric rule it asks) do not
import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rewardkit.scorers.math.parse import Node


@dataclass(frozen=True, slots=True)
class Options:
    """Equivalence policy knobs (hashable: results can be cached on them)."""

    float_rel_tol: float = 1e-6  # applies only when the prediction contains a written float
    percent: Literal["strict", "flexible"] = "strict"  # see `_Judge._percent`


@dataclass(frozen=True, slots=True)
class Verdict:
    equal: bool
    rule: str  # which rule decided: "rational", "set", "interval", "text", ...


def children(node: Node) -> list[Node]:
    """The child nodes of a node, including those inside a sequence field (set items, function arguments)."""
    out = []
    for child in node[1:]:
        if isinstance(child, tuple) and child and isinstance(child[0], tuple):
            out.extend(c for c in child if isinstance(c, tuple) and c and isinstance(c[0], str))
        elif isinstance(child, tuple) and child and isinstance(child[0], str):
            out.append(child)
    return out


def has_float(node: object) -> bool:
    if not isinstance(node, tuple) or not node:
        return False
    if node[0] == "num":
        return bool(node[2])
    return any(has_float(child) for child in children(node))
