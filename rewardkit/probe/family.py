"""What a probe family is: it turns one honest row into adversarial variants, each measured against a control.

A variant is a completion (and optionally other row fields) that must NOT earn what it is compared with:

- `compare="reach"`: the variant is worse than its control by construction (the reasoning removed, the
  tags scrambled, a penalty earned); it is a finding when its reward reaches the control's.
- `compare="exceed"`: the variant adds no merit to its control (a hedge or a candidate list around the gold
  answer, compared with the same completion holding one wrong answer); it is a finding when it scores above.

The control is the honest row unless the variant names another completion (`control`).
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from rewardkit.core import Sample, Scorer
from rewardkit.extract import final_answer, think_content

Compare = Literal["reach", "exceed"]
MAX_CHARS = 100_000  # a variant (or control) longer than this is dropped: the probe stays fast and bounded
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Reasoning used when the honest completion has none of its own (a row that is only `<answer>14</answer>`).
NEUTRAL_REASONING = "Let me work through the problem step by step before answering."


@dataclass(frozen=True)
class Variant:
    """One adversarial completion. `name` is short and stable within its family (it names the reproducer)."""

    name: str
    description: str
    completion: str
    fields: Mapping[str, Any] = field(default_factory=dict)  # row fields replaced as well (e.g. `answer`)
    control: str | None = None  # the completion it is measured against; None: the honest completion
    compare: Compare = "reach"
    targets: frozenset[str] = frozenset()  # narrower than the family's: run only if the recipe has one of these


@dataclass
class ProbeContext:
    """Everything a family may read about one honest row and the recipe under test."""

    index: int  # the row's position in the probe input (0-based)
    sample: Sample
    leaves: tuple[Scorer, ...]  # the recipe's leaf scorers, in recipe order
    rng: random.Random  # seeded per (seed, family, row): variants are reproducible

    @property
    def completion(self) -> str:
        return self.sample.completion_text

    @property
    def prompt(self) -> str:
        return self.sample.prompt_text

    @property
    def gold(self) -> str | None:
        """The row's reference answer as text, when it is a scalar."""
        gold = self.sample.answer
        if isinstance(gold, bool) or not isinstance(gold, (str, int, float)):
            return None
        return gold if isinstance(gold, str) else (str(int(gold)) if float(gold).is_integer() else str(gold))

    @property
    def answer(self) -> str | None:
        """The honest completion's final answer (the project's one final-answer policy)."""
        found = final_answer(self.completion)
        return found.text if found is not None and found.text else None

    @property
    def target(self) -> str | None:
        """The answer the variants build around: the gold answer, else the honest one."""
        return self.gold if self.gold not in (None, "") else self.answer

    @property
    def reasoning(self) -> str:
        """The honest reasoning, or a neutral sentence when the completion has none."""
        text = think_content(self.completion)
        return text.strip() if text and text.strip() else NEUTRAL_REASONING

    def scorers(self, name: str) -> list[Scorer]:
        """The recipe's leaves that are the registered scorer `name`."""
        return [leaf for leaf in self.leaves if type(leaf).name == name]

    def r1(self, think: str, answer: str) -> str:
        """A completion in the R1 template."""
        return f"<think>{think}</think> <answer>{answer}</answer>"

    def with_answer(self, new: str) -> str:
        """The honest completion with its final answer replaced by `new` (the last occurrence of the
        extracted answer); an R1 completion around the honest reasoning when it has no answer."""
        answer, text = self.answer, self.completion
        at = text.rfind(answer) if answer else -1
        if at < 0:
            return self.r1(self.reasoning, new)
        return text[:at] + new + text[at + len(answer):]

    def wrong(self, count: int = 3) -> list[str]:
        """`count` answers that differ from the target: neighbours of a number, else fixed decoys."""
        target = self.target or ""
        if _NUMBER.fullmatch(target.strip()):
            base = float(target)
            step = 1 if base.is_integer() else 0.5
            values = [base + step, base - step, base + 2 * step, base * 2 + step, base + 10 * step, -base - step]
            out = [_number_text(v) for v in values]
        else:
            out = ["none", "unknown", "0", "42", target[::-1] + "x"]
        seen, result = {target.strip()}, []
        for value in out:
            if value not in seen:
                seen.add(value)
                result.append(value)
        return result[:count]

    def gold_twin(self) -> str | None:
        """The honest completion holding the gold answer (None without one): what a wrong answer must miss."""
        return self.with_answer(self.gold) if self.gold not in (None, "") else None

    def wrong_twin(self, length: int = 0) -> str:
        """The honest completion holding one wrong answer: the control of `exceed` variants. With `length`,
        spaces after the answer make it that many characters long, so a reward that grows with length
        (cosine scaling of wrong answers) cannot tell the variant from its control by length alone."""
        twin = self.with_answer(self.wrong(1)[0])
        if len(twin) >= length:
            return twin
        return self.with_answer(self.wrong(1)[0] + " " * (length - len(twin)))

    def exceeding(self, name: str, description: str, completion: str, **extra: Any) -> Variant:
        """A variant that must not score above the (length-matched) wrong twin."""
        return Variant(name, description, completion, control=self.wrong_twin(len(completion)), compare="exceed",
                       **extra)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Family(ABC):
    """Base class of a probe family. What a subclass must do:

    - set `name` (lower_snake_case, stable: reports and `--families` use it), `description` (one line: the
      loophole it looks for) and `tries` (one short line per kind of variant it makes: the documentation);
    - set `targets` to the registered scorer names it is aimed at; the probe runs it only when the recipe has
      one of them as a leaf (empty: every recipe), unless the user names it in `families`; a variant that
      only means something to some of them says so in its own `targets`;
    - implement `variants(ctx)`, yielding `Variant`s most telling first: the probe keeps the first `limit`;
    - be deterministic: draw randomness only from `ctx.rng`; keep each completion under `MAX_CHARS`;
    - never raise on any row: a row the family cannot use (no prompt, no answer) yields nothing.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    tries: ClassVar[tuple[str, ...]] = ()
    targets: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        """The variants of one honest row, most telling first."""

    def applies(self, leaf_names: Sequence[str]) -> bool:
        """Whether the recipe has a scorer this family is aimed at."""
        return not self.targets or any(name in self.targets for name in leaf_names)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.name, "description": cls.description, "tries": list(cls.tries),
                "targets": sorted(cls.targets)}

