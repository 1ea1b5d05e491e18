"""The probe-family registry: short names -> Family classes, with the scorers' registry machinery (rewardkit.plugins).

Built-in families are listed by import path and loaded on first use. Third-party packages add families
through the entry-point group `rewardkit.probes` (entry-point name = family name, value =
`package.module:FamilyClass`); user code can also call `register(cls)` directly.
"""

from __future__ import annotations

from rewardkit.errors import ConfigError, RegistryError
from rewardkit.plugins import PluginRegistry
from rewardkit.probe.family import Family

ENTRY_POINT_GROUP = "rewardkit.probes"
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

def _documented(cls: type, name: str) -> None:
    if not cls.description or not cls.tries:
        raise RegistryError(f"probe family '{name}' must document itself: set `description` and `tries`")


FAMILIES: PluginRegistry[Family] = PluginRegistry(
    "probe family", Family, ENTRY_POINT_GROUP, BUILTINS,
    lambda message: ConfigError(message, "families"), "rewardkit probe --list", check=_documented)
register = FAMILIES.register
unregister = FAMILIES.unregister
refresh_entry_points = FAMILIES.refresh_entry_points
names = FAMILIES.names
get = FAMILIES.get
