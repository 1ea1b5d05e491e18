"""The `json_schema` scorer: the reply's JSON parses strictly and validates against a JSON Schema.

Where the JSON is read (`source`): `all` the whole reply; `answer` the answer region (`<answer>` tag, else the
text after `</think>`, as every rewardkit scorer reads it); `fence` the last ```json (or untagged) block;
`auto` (default) the answer tag if there is one, else the last JSON fence, else the answer region. The
schema is the recipe's `schema`, else the row's field named by `schema_field` (default `schema`).

Credit: `strict` (default) is 1 for a valid document and 0 otherwise. `required` gives part marks: with n
required top-level fields, (fields present and valid against their own schema + 1 if the whole document is
valid) / (n + 1), so only a valid document earns 1. JSON with duplicate keys, NaN, or past the size and depth
caps is 0 with the reason, as in tool calls (`strict_json`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rewardkit.core import Sample, Score, Scorer, Status
from rewardkit.extract import answer_tag, code_blocks, region
from rewardkit.scorers.tools import strict_json
from rewardkit.scorers.tools.schema import SchemaProblem, check_schema, property_errors, schema_error


class JsonSchemaParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: dict[str, Any] | None = Field(None, alias="schema", description="the JSON Schema (else the row's)")
    schema_field: str = Field("schema", description="row field holding the schema when the recipe gives none")
    source: Literal["auto", "all", "answer", "fence"] = Field("auto", description="where the JSON is read")
    credit: Literal["strict", "required"] = Field("strict", description="strict: 1/0; required: part marks by "
                                                  "required fields present and valid")
    max_chars: int = Field(strict_json.MAX_CHARS, gt=0, description="cap on the JSON, in characters")
    max_depth: int = Field(strict_json.MAX_DEPTH, gt=0, description="cap on JSON nesting")

    @field_validator("schema_")
    @classmethod
    def _valid(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is not None:
            try:
                check_schema(schema)
            except SchemaProblem as exc:
                raise ValueError(str(exc)) from None
        return schema


def json_text(text: str, source: str) -> str:
    """The part of a reply that should be the JSON document (see the module docstring)."""
    if source == "all":
        return text.strip()
    if source in ("fence", "auto"):
        if source == "auto" and (tagged := answer_tag(text)) is not None:
            return tagged.strip()
        fences = [code for language, code in code_blocks(text) if language in ("json", "jsonc", "")]
        if fences or source == "fence":
            return fences[-1].strip() if fences else ""
    return region(text, "answer").strip()


class JsonSchema(Scorer):
    """The reply's JSON validates against the schema; see the module docstring."""

    name = "json_schema"
    description = "The reply (or its answer region / JSON fence) is JSON valid against a JSON Schema."
    Params = JsonSchemaParams
    examples = (
        {"params": {"schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
         "sample": {"completion": '```json\n{"city": "Paris"}\n```'}, "value": 1.0},
        {"params": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}},
         "sample": {"completion": '{"n": "1"}'}, "value": 0.0},
        {"params": {"credit": "required", "schema": {
            "type": "object", "required": ["a", "b", "c"],
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "integer"}}}},
         "sample": {"completion": '<answer>{"a": 1, "b": 2}</answer>'}, "value": 0.5},
    )

    def _schema(self, sample: Sample) -> Mapping[str, Any]:
        if self.params.schema_ is not None:
            return self.params.schema_
        schema = sample.get(self.params.schema_field)
        if schema is None:
            raise SchemaProblem(f"no schema: neither the recipe's `schema` nor the row's `{self.params.schema_field}`")
        if isinstance(schema, str):
            try:
                schema = json.loads(schema)
            except ValueError:
                raise SchemaProblem(f"the row's `{self.params.schema_field}` is not JSON") from None
        check_schema(schema, f"the row's `{self.params.schema_field}`")
        return schema

    def _score(self, sample: Sample) -> Score:
        try:
            schema = self._schema(sample)
        except SchemaProblem as exc:
            return Score.skip(str(exc), Status.INVALID_INPUT)
        text = json_text(sample.completion_text, self.params.source)
        if not text:
            return Score(0.0, reason=f"no JSON found ({self.params.source})")
        try:
            value = strict_json.loads(text, self.params.max_chars, self.params.max_depth)
        except strict_json.JSONProblem as exc:
            return Score(0.0, reason=str(exc))
        try:
            why = schema_error(value, schema)
        except SchemaProblem as exc:
            return Score.skip(str(exc), Status.INVALID_INPUT)
        if not why:
            return Score(1.0, reason="valid against the schema")
        required = schema.get("required", [])
        if self.params.credit == "strict" or not isinstance(value, Mapping) or not required:
            return Score(0.0, reason=f"invalid: {why}")
        problems = property_errors(value, schema)
        good = len(required) - len(problems)
        return Score(good / (len(required) + 1),
                     reason=f"invalid ({why}); {good}/{len(required)} required fields present and valid"[:300])
