"""One registry style for everything users extend by name: scorers (rewardkit.registry) and probe families
(rewardkit.probe.registry).

A `PluginRegistry` maps short lower_snake_case names to classes: built-ins listed by import path and loaded on
first use (so importing rewardkit stays light), plugins from an entry-point group (entry-point name = the
class's `name`, value = `package.module:Class`), and classes registered at run time. Duplicates and wrong
types are refused; an unknown name gets the closest known ones as a hint.
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any, Generic, TypeVar

from rewardkit.errors import RegistryError

T = TypeVar("T")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginRegistry(Generic[T]):
    """Names -> subclasses of `base`. `kind` names an entry in messages ("scorer", "probe family");
    `unknown(message)` builds the error for an unknown name; `check(cls, name)` adds the kind's own rules."""

    def __init__(self, kind: str, base: type, group: str, builtins: Mapping[str, str],
                 unknown: Callable[[str], Exception], listing: str,
                 check: Callable[[type, str], None] | None = None, missing_extra: str | None = None) -> None:
        self.kind, self.base, self.group, self.builtins = kind, base, group, builtins
        self._unknown, self._listing, self._check, self._missing_extra = unknown, listing, check, missing_extra
        self._loaded: dict[str, type[T]] = {}
        self._entry_points: dict[str, metadata.EntryPoint] | None = None

    def validate(self, cls: Any, name: str) -> type[T]:
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise RegistryError(f"{self.kind} '{name}' must be a subclass of {self.base.__module__}."
                                f"{self.base.__qualname__}, got {cls!r}")
        if not _NAME.match(name):
            raise RegistryError(f"{self.kind} name {name!r} must be lower_snake_case (letters, digits, underscores)")
        if cls.name != name:
            raise RegistryError(f"{self.kind} class {cls.__qualname__} has name {cls.name!r} but is registered "
                                f"as {name!r}")
        if self._check is not None:
            self._check(cls, name)
        return cls

    def register(self, cls: type[T]) -> type[T]:
        """Register a class under its `name` (usable as a class decorator). Duplicates are refused."""
        name = getattr(cls, "name", "")
        self.validate(cls, name)
        existing = self._loaded.get(name)
        if existing is not None and existing is not cls:
            raise RegistryError(f"a {self.kind} named '{name}' is already registered ({existing.__module__}."
                                f"{existing.__qualname__}); pick another name")
        if existing is None and (name in self.builtins or name in self.entry_points()):
            raise RegistryError(f"'{name}' is the name of a built-in or installed {self.kind}; pick another name")
        self._loaded[name] = cls
        return cls

    def unregister(self, name: str) -> None:
        """Remove a class registered at run time (for tests and notebooks)."""
        if name in self.builtins:
            raise RegistryError(f"cannot unregister built-in {self.kind} '{name}'")
        self._loaded.pop(name, None)

    def entry_points(self) -> dict[str, metadata.EntryPoint]:
        if self._entry_points is None:
            self._entry_points = {ep.name: ep for ep in metadata.entry_points(group=self.group)}
        return self._entry_points

    def refresh_entry_points(self) -> None:
        """Forget discovered plugins so newly installed distributions are seen."""
        self._entry_points = None
        for name in [n for n in self._loaded if n not in self.builtins]:
            del self._loaded[name]

    def names(self) -> list[str]:
        """Built-ins first, in their listed order, then plugins and run-time registrations, sorted."""
        return [*self.builtins, *sorted({*self.entry_points(), *self._loaded} - set(self.builtins))]

    def get(self, name: str) -> type[T]:
        """The class registered under `name`; an unknown name raises with the closest matches."""
        if name in self._loaded:
            return self._loaded[name]
        if name in self.builtins:
            cls = self._builtin(name)
        elif name in self.entry_points():
            ep = self.entry_points()[name]
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken plugin (any error at import) is reported, not a traceback
                raise RegistryError(f"plugin {self.kind} '{name}' ({ep.value}) failed to import: "
                                    f"{type(exc).__name__}: {exc}") from exc
            cls = self.validate(loaded, name)
        else:
            close = difflib.get_close_matches(str(name), self.names(), n=3)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise self._unknown(f"unknown {self.kind} {name!r}{hint} (see `{self._listing}`)")
        self._loaded[name] = cls
        return cls

    def _builtin(self, name: str) -> type[T]:
        module_name, _, attr = self.builtins[name].partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            if self._missing_extra is None:
                raise
            raise RegistryError(f"{self.kind} '{name}' needs a package that is not installed ({exc}); "
                                f"{self._missing_extra}") from exc
        return self.validate(getattr(module, attr), name)
