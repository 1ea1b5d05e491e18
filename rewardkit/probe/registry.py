"""The probe-family registry: short names -> Family classes, in the style of the scorer registry.

Built-in families are listed by import path and loaded on first use. Third-party packages add families
through the entry-point group `rewardkit.probes` (entry-point name = family name, value =
`package.module:FamilyClass`); user code can also call `register(cls)` directly.
"""

from __future__ import annotations

import difflib
import importlib
import re
from importlib import metadata
from typing import Any

from rewardkit.errors import ConfigError, RegistryError
from rewardkit.probe.family import Family

ENTRY_POINT_GROUP = "rewardkit.probes"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FORMAT = "rewardkit.probe.families.format"
_ANSWERS = "rewardkit.probe.families.answers"
_SHAPE = "rewardkit.probe.families.shape"
_MODELS = "rewardkit.probe.families.models"
_TOOLS = "rewardkit.probe.families.tools"

# name -> "module:Class", in report order; the class's own `name` must match (checked on load).
BUILTINS: dict[str, str] = {
    "format_without_substance": f"{_FORMAT}:FormatWithoutSubstance",
    "invisible_characters": f"{_FORMAT}:InvisibleCharacters",
    "tag_tricks": f"{_FORMAT}:TagTricks",
    "eos_markers": f"{_FORMAT}:EosMarkers",
    "wrong_answer": f"{_ANSWERS}:WrongAnswer",
    "answer_spam": f"{_ANSWERS}:AnswerSpam",
    "candidate_lists": f"{_ANSWERS}:CandidateLists",
    "hedges": f"{_ANSWERS}:Hedges",
    "intervals": f"{_ANSWERS}:Intervals",
    "think_drafts": f"{_ANSWERS}:ThinkDrafts",
    "prompt_echo": f"{_ANSWERS}:PromptEcho",
    "blank_reference": f"{_ANSWERS}:BlankReference",
    "length_padding": f"{_SHAPE}:LengthPadding",
    "repetition": f"{_SHAPE}:Repetition",
    "language_hiding": f"{_SHAPE}:LanguageHiding",
    "judge_injection": f"{_MODELS}:JudgeInjection",
    "truncation_tail": f"{_MODELS}:TruncationTail",
    "self_praise": f"{_MODELS}:SelfPraise",
    "lookalikes": f"{_MODELS}:Lookalikes",
    "tool_call_tricks": f"{_TOOLS}:ToolCallTricks",
    "json_output_tricks": f"{_TOOLS}:JsonOutputTricks",
}

_loaded: dict[str, type[Family]] = {}
_entry_points: dict[str, metadata.EntryPoint] | None = None


def _validate(cls: Any, name: str) -> type[Family]:
    if not (isinstance(cls, type) and issubclass(cls, Family)):
        raise RegistryError(f"probe family '{name}' must be a subclass of rewardkit.probe.Family, got {cls!r}")
    if not _NAME.match(name):
        raise RegistryError(f"probe family name {name!r} must be lower_snake_case (letters, digits, underscores)")
    if cls.name != name:
        raise RegistryError(f"probe family {cls.__qualname__} has name {cls.name!r} but is registered as "
                            f"{name!r}")
    if not cls.description or not cls.tries:
        raise RegistryError(f"probe family '{name}' must document itself: set `description` and `tries`")
    return cls


def register(cls: type[Family]) -> type[Family]:
    """Register a Family subclass under its `name` (usable as a class decorator). Duplicates are refused."""
    name = getattr(cls, "name", "")
    _validate(cls, name)
    existing = _loaded.get(name)
    if existing is not None and existing is not cls:
        raise RegistryError(f"a probe family named '{name}' is already registered ({existing.__module__}."
                            f"{existing.__qualname__}); pick another name")
    if existing is None and (name in BUILTINS or name in _discover_entry_points()):
        raise RegistryError(f"'{name}' is the name of a built-in or installed probe family; pick another name")
    _loaded[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a family registered at run time (for tests and notebooks)."""
    if name in BUILTINS:
        raise RegistryError(f"cannot unregister built-in probe family '{name}'")
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


def names() -> list[str]:
    """Every known family name: built-ins first (in report order), then plugins and registrations."""
    extra = sorted({*_discover_entry_points(), *_loaded} - set(BUILTINS))
    return [*BUILTINS, *extra]


def get(name: str) -> type[Family]:
    """The Family class registered under `name`; an unknown name raises ConfigError with the closest ones."""
    if name in _loaded:
        return _loaded[name]
    if name in BUILTINS:
        module_name, _, attr = BUILTINS[name].partition(":")
        cls = _validate(getattr(importlib.import_module(module_name), attr), name)
    elif name in _discover_entry_points():
        ep = _discover_entry_points()[name]
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin (any error at import) is reported, not a traceback
            raise RegistryError(f"plugin probe family '{name}' ({ep.value}) failed to import: "
                                f"{type(exc).__name__}: {exc}") from exc
        cls = _validate(loaded, name)
    else:
        close = difflib.get_close_matches(str(name), names(), n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ConfigError(f"unknown probe family {name!r}{hint} (see `rewardkit probe --list`)", "families")
    _loaded[name] = cls
    return cls
