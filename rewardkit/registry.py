"""The scorer registry: short names -> Scorer classes.

Built-in scorers are listed here by import path and loaded on first use, so `import rewardkit` stays light
(the language model, torch and sandboxes load only when a recipe asks for them). Third-party packages add
scorers through the entry-point group `rewardkit.scorers` (entry-point name = scorer name, value =
`package.module:ScorerClass`); user code can also call `register(cls)` directly.
"""

from __future__ import annotations

import difflib
import importlib
import re
from importlib import metadata
from typing import Any

from rewardkit.core import Scorer
from rewardkit.errors import RegistryError, UnknownScorerError

ENTRY_POINT_GROUP = "rewardkit.scorers"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# name -> "module:Class"; the class's own `name` must match (checked on load).
BUILTINS: dict[str, str] = {
    "think_format": "rewardkit.scorers.format:ThinkFormat",
    "tag_count": "rewardkit.scorers.format:TagCount",
    "soft_overlong": "rewardkit.scorers.length:SoftOverlong",
    "cosine_length": "rewardkit.scorers.length:CosineLength",
    "repetition": "rewardkit.scorers.length:Repetition",
    "exact_match": "rewardkit.scorers.match:ExactMatch",
    "regex_match": "rewardkit.scorers.match:RegexMatch",
    "language_consistency": "rewardkit.scorers.language.scorer:LanguageConsistency",
    "code": "rewardkit.scorers.code.scorer:Code",
    "math": "rewardkit.scorers.math:MathScorer",
    "step_check": "rewardkit.scorers.step_check:StepCheck",
    "reward_model": "rewardkit.scorers.reward_model:RewardModelScorer",
    "process_reward_model": "rewardkit.scorers.process_reward_model:ProcessRewardModel",
    "judge": "rewardkit.scorers.judge:Judge",
    "tool_call": "rewardkit.scorers.tools.scorer:ToolCallScorer",
    "json_schema": "rewardkit.scorers.tools.json_schema:JsonSchema",
    "tool_plan": "rewardkit.scorers.tools.trajectory:ToolPlan",
    "tool_errors": "rewardkit.scorers.tools.trajectory:ToolErrors",
    "turn_budget": "rewardkit.scorers.tools.trajectory:TurnBudget",
}

_loaded: dict[str, type[Scorer]] = {}
_entry_points: dict[str, metadata.EntryPoint] | None = None


def _validate(cls: Any, name: str) -> type[Scorer]:
    if not (isinstance(cls, type) and issubclass(cls, Scorer)):
        raise RegistryError(f"scorer '{name}' must be a subclass of rewardkit.Scorer, got {cls!r}")
    if not _NAME.match(name):
        raise RegistryError(f"scorer name {name!r} must be lower_snake_case (letters, digits, underscores)")
    if cls.name != name:
        raise RegistryError(f"scorer class {cls.__qualname__} has name {cls.name!r} but is registered as {name!r}")
    return cls


def register(cls: type[Scorer]) -> type[Scorer]:
    """Register a Scorer subclass under its `name` (usable as a class decorator). Duplicates are refused."""
    name = getattr(cls, "name", "")
    _validate(cls, name)
    existing = _loaded.get(name)
    if existing is not None and existing is not cls:
        raise RegistryError(f"a scorer named '{name}' is already registered ({existing.__module__}."
                            f"{existing.__qualname__}); pick another name")
    if existing is None and (name in BUILTINS or name in _discover_entry_points()):
        raise RegistryError(f"'{name}' is the name of a built-in or installed scorer; pick another name")
    _loaded[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a scorer registered at run time (for tests and notebooks)."""
    if name in BUILTINS:
        raise RegistryError(f"cannot unregister built-in scorer '{name}'")
    _loaded.pop(name, None)


def _discover_entry_points() -> dict[str, metadata.EntryPoint]:
    global _entry_points
    if _entry_points is None:
        _entry_points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    return _entry_points


def refresh_entry_points() -> None:
    """Forget discovered plugins so newly installed distributions are seen."""
    global _entry_points
    _entry_points = None
    for name in [n for n in _loaded if n not in BUILTINS]:
        del _loaded[name]


def _load_path(target: str, name: str) -> type[Scorer]:
    module_name, _, attr = target.partition(":")
    try:
        return _validate(getattr(importlib.import_module(module_name), attr), name)
    except ImportError as exc:
        raise RegistryError(f"scorer '{name}' needs a package that is not installed ({exc}); "
                            f"install the matching extra, e.g. pip install 'rewardkit[all]'") from exc


def names() -> list[str]:
    """Every known scorer name: built-ins, plugins and run-time registrations."""
    return sorted({*BUILTINS, *_discover_entry_points(), *_loaded})


def get(name: str) -> type[Scorer]:
    """The Scorer class registered under `name`; an unknown name raises with the closest matches."""
    if name in _loaded:
        return _loaded[name]
    if name in BUILTINS:
        cls = _load_path(BUILTINS[name], name)
    elif name in _discover_entry_points():
        ep = _discover_entry_points()[name]
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin (any error at import) must not break `rewardkit list`
            raise RegistryError(f"plugin scorer '{name}' ({ep.value}) failed to import: "
                                f"{type(exc).__name__}: {exc}") from exc
        cls = _validate(loaded, name)
    else:
        close = difflib.get_close_matches(str(name), names(), n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownScorerError(f"unknown scorer {name!r}{hint} (see `rewardkit list`)")
    _loaded[name] = cls
    return cls


def describe_all() -> list[dict[str, Any]]:
    """`describe()` of every scorer; a scorer whose extra is missing is listed with the import error."""
    rows = []
    for name in names():
        try:
            rows.append(get(name).describe())
        except RegistryError as exc:
            rows.append({"name": name, "description": f"(unavailable: {exc})", "params": {}})
    return rows
