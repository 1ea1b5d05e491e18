"""Tool schemas: the row's `tools` (OpenAI function format) as name -> JSON Schema, validated with `jsonschema`.

Accepted shapes of one tool: `{"type": "function", "function": {"name", "description", "parameters"}}` (OpenAI
chat), `{"name", "parameters"}` (BFCL, Hermes), `{"name", "input_schema"}` (Anthropic). BFCL's function docs
use Python type names (`"dict"`, `"float"`, `"tuple"`, `"any"`); they are read as `object`, `number`, `array`
and no constraint, as BFCL's own OpenAI converter does. Validators are compiled once per distinct schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_TYPE_NAMES = {"dict": "object", "float": "number", "tuple": "array", "list": "array", "int": "integer",
               "str": "string", "bool": "boolean"}


class SchemaProblem(ValueError):
    """The row's `tools` or schema is unusable: the reference data is wrong, not the completion."""


def _openai_types(schema: Any) -> Any:
    """A copy of `schema` with BFCL's Python type names turned into JSON Schema ones."""
    if isinstance(schema, list):
        return [_openai_types(s) for s in schema]
    if not isinstance(schema, Mapping):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, str):
            if value == "any":
                continue
            out[key] = _TYPE_NAMES.get(value, value)
        elif key == "type" and isinstance(value, list):
            out[key] = [_TYPE_NAMES.get(v, v) for v in value if v != "any"]
        else:
            out[key] = _openai_types(value)
    return out


def tool_schemas(tools: Any) -> dict[str, dict[str, Any]]:
    """Map each tool's name to its parameters schema. Raises SchemaProblem on an unusable `tools` value.
    Rows of one dataset share their tools, so the result is cached per distinct `tools` (callers must not
    change it): checking a schema against the metaschema costs milliseconds, the cache lookup microseconds."""
    if isinstance(tools, str):
        try:
            tools = json.loads(tools)
        except ValueError as exc:
            raise SchemaProblem(f"tools is not JSON: {exc}") from None
    try:
        key = json.dumps(tools, sort_keys=True)
    except (TypeError, ValueError):  # not JSON data at all (a dataframe's NaN, an object)
        raise SchemaProblem(f"tools must be JSON data, got {type(tools).__name__}") from None
    return _tool_schemas(key)


@lru_cache(maxsize=256)
def _tool_schemas(key: str) -> dict[str, dict[str, Any]]:
    tools = json.loads(key)
    if isinstance(tools, Mapping):
        tools = [tools]
    if not isinstance(tools, list):
        raise SchemaProblem(f"tools must be a list of tool definitions, got {type(tools).__name__}")
    schemas: dict[str, dict[str, Any]] = {}
    for i, tool in enumerate(tools):
        spec = tool.get("function", tool) if isinstance(tool, Mapping) else None
        name = spec.get("name") if isinstance(spec, Mapping) else None
        if not isinstance(name, str) or not name:
            raise SchemaProblem(f"tools[{i}] has no name")
        params = spec.get("parameters", spec.get("input_schema", {"type": "object", "properties": {}}))
        if not isinstance(params, Mapping):
            raise SchemaProblem(f"tools[{i}] ({name}): parameters must be a JSON Schema object")
        schemas[name] = _openai_types(params)
        check_schema(schemas[name], f"tools[{i}] ({name})")
    return schemas


_KEYS: dict[int, tuple[Mapping[str, Any], str]] = {}  # id -> (the schema, kept alive so the id stays its own; key)


def _key(schema: Mapping[str, Any]) -> str:
    """The schema as canonical JSON, the cache key of its validator; memoised by identity, because the
    schemas of `tool_schemas` are shared objects validated again on every row."""
    hit = _KEYS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    key = json.dumps(schema, sort_keys=True)
    if len(_KEYS) >= 4096:
        _KEYS.clear()
    _KEYS[id(schema)] = (schema, key)
    return key


@lru_cache(maxsize=1024)
def _validator(key: str) -> Any:
    import jsonschema  # imported on first use: `import rewardkit` stays light

    schema = json.loads(key)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check_schema(schema: Any, where: str = "schema") -> None:
    """Raise SchemaProblem when `schema` is not a valid JSON Schema (verdicts cached per distinct schema)."""
    if not isinstance(schema, Mapping):
        raise SchemaProblem(f"{where} must be a JSON Schema object, got {type(schema).__name__}")
    try:
        why = _schema_problem(_key(schema))
    except (TypeError, ValueError):
        why = "it is not JSON data"
    if why:
        raise SchemaProblem(f"{where} is not a valid JSON Schema: {why}"[:300])


@lru_cache(maxsize=1024)
def _schema_problem(key: str) -> str:
    import jsonschema  # imported on first use: `import rewardkit` stays light

    schema = json.loads(key)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return exc.message
    return ""


def schema_error(value: Any, schema: Mapping[str, Any]) -> str:
    """'' when `value` validates against `schema`, else the first error, located (`unit: 'K' is not one of ...`)."""
    from referencing.exceptions import Unresolvable

    try:
        error = min(_validator(_key(schema)).iter_errors(value), key=lambda e: list(map(str, e.path)), default=None)
    except Unresolvable as exc:  # a `$ref` to somewhere unreachable: the schema is at fault, not the value
        raise SchemaProblem(f"schema reference cannot be resolved: {exc}"[:200]) from None
    if error is None:
        return ""
    where = ".".join(str(p) for p in error.path)
    return f"{where}: {error.message}"[:200] if where else error.message[:200]


def property_errors(value: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, str]:
    """For an object `value`: each required property that is missing or does not fit its own schema -> why."""
    properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    problems = {}
    for key in schema.get("required", []) if isinstance(schema, Mapping) else []:
        if key not in value:
            problems[key] = "missing"
        elif isinstance(properties.get(key), Mapping):
            # the root's definitions go along, so a property written as a local `$ref` still resolves
            sub = {**{k: schema[k] for k in ("$defs", "definitions") if k in schema}, **properties[key]}
            if why := schema_error(value[key], sub):
                problems[key] = why
    return problems


def defaults(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Each top-level property's `default`, where the schema gives one."""
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        return {}
    return {k: p["default"] for k, p in properties.items() if isinstance(p, Mapping) and "default" in p}


def required(schema: Mapping[str, Any]) -> frozenset[str]:
    names = schema.get("required", [])
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()
