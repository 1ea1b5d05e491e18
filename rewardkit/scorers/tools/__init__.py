"""Tool use and structured output: parse tool calls from every common model format (`parse`), compare them with
the expected calls (`match`, `schema`), and score them (`tool_call`), JSON output (`json_schema`) and multi-turn
trajectories (`tool_plan`, `tool_errors`, `turn_budget`). See docs/tools.md."""
