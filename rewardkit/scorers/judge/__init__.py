"""LLM-as-judge: the `judge` scorer (pointwise rubric or position-swapped pairwise), its verdict parser, reply
cache, cost counters, and the OpenAI-compatible and in-process Hugging Face backends (loaded lazily)."""

from rewardkit.scorers.judge.parse import parse_score, parse_winner
from rewardkit.scorers.judge.scorer import Judge, JudgeParams
from rewardkit.scorers.judge.stats import summarize

__all__ = ["Judge", "JudgeParams", "parse_score", "parse_winner", "summarize"]
