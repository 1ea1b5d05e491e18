"""Math answer verification: `parse` (answer text -> value), `verify` (equivalence rules), the `math` scorer
and self-consistency voting. sympy is imported only inside the symbolic worker processes."""

from rewardkit.scorers.math.scorer import MathScorer, gold_texts

__all__ = ["MathScorer", "gold_texts"]
