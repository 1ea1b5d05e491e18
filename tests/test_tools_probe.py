"""The tool-use probe families: `tool_call` and `json_schema` withstand them on the bundled rows, and a lenient
matcher of the kind peers ship (last duplicate key wins, values compared as text, tags found anywhere) is caught."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from rewardkit import probe
from rewardkit.core import Sample, Score, Scorer
from rewardkit.registry import register, unregister

ROWS = [json.loads(line) for line in (ROOT / "examples" / "data" / "tool_use.jsonl").read_text().splitlines()]
# rows whose honest completion is right: what every variant must fall short of
SINGLE = [r for r in ROWS if r["id"] in ("call-openai", "call-hermes", "call-llama", "parallel-mistral",
                                         "irrelevance-declines")]
PERSON = {"type": "object", "required": ["name", "age"], "additionalProperties": False,
          "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}


class _LenientToolMatch(Scorer):
    """A tool-call reward with the usual shortcuts: regex over `<tool_call>` anywhere, json.loads (the last
    duplicate key wins), values compared as strings, extra keys ignored."""

    name = "lenient_tool_match"

    def _score(self, sample: Sample) -> Score:
        made = []
        for body in re.findall(r"<tool_call>(.*?)</tool_call>", sample.completion_text, re.DOTALL):
            try:
                made.append(json.loads(body))
            except ValueError:
                continue
        want = sample.get("tool_calls")
        ok = len(made) >= len(want) and all(
            any(m.get("name") == w["name"] and all(str(m.get("arguments", {}).get(k)) == str(v)
                                                   for k, v in w["arguments"].items()) for m in made) for w in want)
        return Score(1.0 if ok else 0.0)


class _LenientJson(Scorer):
    """A JSON reward with the usual shortcuts: the text from the first `{` to the last `}`, json.loads, and only
    the required keys checked."""

    name = "lenient_json"

    def _score(self, sample: Sample) -> Score:
        text = sample.completion_text
        try:
            value = json.loads(text[text.find("{"): text.rfind("}") + 1])
        except ValueError:
            return Score(0.0)
        return Score(float(isinstance(value, dict) and all(k in value for k in PERSON["required"])))


@pytest.fixture
def lenient():
    register(_LenientToolMatch)
    register(_LenientJson)
    yield
    unregister(_LenientToolMatch.name)
    unregister(_LenientJson.name)


def test_tool_call_withstands_its_family():
    report = probe.run({"use": "tool_call"}, SINGLE, families=["tool_call_tricks"])
    (family,) = report.families
    assert family.status == "ran" and family.variants >= 25 and family.compared == family.variants
    assert report.findings == []


def test_json_schema_withstands_its_family():
    row = {"completion": '```json\n{"name": "Ada", "age": 36}\n```'}
    report = probe.run({"use": "json_schema", "schema": PERSON}, [row], families=["json_output_tricks"])
    assert report.families[0].variants == 6 and report.findings == []
    partial = probe.run({"use": "json_schema", "schema": PERSON, "credit": "required"}, [row],
                        families=["json_output_tricks"])
    assert partial.findings == []


def test_the_families_catch_a_lenient_matcher(lenient):
    rows = [r for r in SINGLE if r["id"] == "call-hermes"]
    found = {hit.variant for hit in probe.run({"use": "lenient_tool_match"}, rows,
                                              families=["tool_call_tricks"]).findings}
    assert {"duplicate_city_right_last", "every_tool", "extra_argument", "think_only", "twice"} <= found
    assert "in_prose" not in found  # the lenient matcher does need the tags
    row = {"completion": '{"name": "Ada", "age": 36}', "schema": PERSON}
    json_found = {hit.variant for hit in probe.run({"use": "lenient_json"}, [row],
                                                   families=["json_output_tricks"]).findings}
    assert {"duplicate_key", "type_confusion", "think_only"} <= json_found


def test_rows_without_calls_or_json_get_one_variant_each():
    report = probe.run("examples/recipes/r1_zero.yaml", families=["tool_call_tricks", "json_output_tricks"])
    assert [(f.name, f.variants, f.found) for f in report.families] == [("tool_call_tricks", 2, 0),
                                                                         ("json_output_tricks", 2, 0)]
