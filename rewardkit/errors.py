"""One exception hierarchy for rewardkit.

Only configuration and usage problems raise: bad model output is always a Score, never an exception.
The CLI is the single boundary that turns these into messages and exit codes.
"""

from __future__ import annotations


class RewardkitError(Exception):
    """Base class of every error rewardkit raises on purpose."""

    exit_code = 1


class ConfigError(RewardkitError, ValueError):
    """A recipe or scorer parameter is wrong. `path` names where in the recipe (e.g. `components[1].weight`)."""

    exit_code = 2

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def at(self, prefix: str) -> ConfigError:
        """The same error, located one level deeper inside `prefix`."""
        joined = f"{prefix}.{self.path}" if self.path and not self.path.startswith("[") else f"{prefix}{self.path}"
        return type(self)(self.message, joined)


class RecipeErrors(ConfigError):
    """Several ConfigErrors found in one recipe, reported together (each names its own place)."""

    def __init__(self, problems: list[ConfigError]) -> None:
        self.problems = problems
        listed = "".join(f"\n  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problems in the recipe:{listed}")

    def at(self, prefix: str) -> ConfigError:
        return RecipeErrors([p.at(prefix) for p in self.problems])


class UnknownScorerError(ConfigError, KeyError):
    """A recipe names a scorer that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return ConfigError.__str__(self)


class RegistryError(RewardkitError):
    """A scorer registration is invalid (duplicate name, not a Scorer subclass, ...)."""


class InputError(RewardkitError):
    """An input file or row cannot be read (missing file, not JSON, missing required field)."""

    exit_code = 3


class MissingExtra(RewardkitError, ImportError):
    """An optional dependency is not installed: names the package and the extra that brings it. An ImportError
    too, so `pytest.importorskip` and `except ImportError` still see it."""


def require(extra: str, what: str, *modules: str) -> None:
    """Raise MissingExtra unless every module in `modules` is importable (checked without importing them), so a
    command fails before it starts, with the `pip install` line instead of a traceback."""
    import importlib.util

    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtra(f"{what} needs {module.split('.')[0]}, which is not installed: "
                               f"pip install 'rewardkit[{extra}]'")


class ScoringUnavailable(RewardkitError):
    """A sample could not be scored because a verifier's infrastructure failed (status infra_error), where the
    caller cannot skip it (verl): failing loudly beats training on a reward of 0."""


class RequestError(RewardkitError):
    """A request the reward server refuses: HTTP `status` with a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
