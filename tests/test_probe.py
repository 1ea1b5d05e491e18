"""`rewardkit probe`: weak recipes are caught and the family named, every built-in scorer can be probed with its
documented example, the JSON report matches the schema in docs/probe.md, families register like scorers
(run time and entry points), variants are deterministic and bounded, exit statuses 0 / 1 / 2."""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings

import rewardkit
from rewardkit import RegistryError, probe, registry
from rewardkit.core import Sample, Score, Scorer
from rewardkit.errors import ConfigError, InputError
from rewardkit.probe import registry as families
from rewardkit.probe.family import MAX_CHARS, Family, ProbeContext, Variant
from rewardkit.scorers.length import SoftOverlong
from rewardkit.testing.strategies import samples

R1_ZERO = str(ROOT / "examples" / "recipes" / "r1_zero.yaml")
R1 = str(ROOT / "examples" / "recipes" / "r1.yaml")
REGEX_DIGITS = {"use": "regex_match", "pattern": r"\d+"}


def schema() -> dict[str, Any]:
    """The JSON Schema block of docs/probe.md (the one the docs promise)."""
    text = (ROOT / "docs" / "probe.md").read_text(encoding="utf-8")
    block = text[text.index("## The JSON report"):]
    return json.loads(re.search(r"```json\n(.*?)```", block, re.DOTALL).group(1))


def found(report: probe.ProbeReport) -> dict[str, set[str]]:
    return {name: {hit.variant for hit in hits} for name, hits in report.groups().items()}


# ---------------------------------------------------------------- weak recipes are caught, with the family named


class CountedTags(Scorer):
    """tag_count as first shipped: each of the four markers present exactly once earns a quarter, wherever."""

    name = "tag_count"

    def _score(self, sample: Sample) -> Score:
        text = sample.completion_text
        markers = ("<think>", "</think>", "<answer>", "</answer>")
        return Score(sum(text.count(m) == 1 for m in markers) / 4)


def test_tag_count_as_first_shipped_is_caught_by_tag_tricks_and_empty_blocks():
    hits = found(probe.run(CountedTags()))
    # the loopholes of the issue: reverse order, prose mentions, code fences, nesting; tags with nothing inside
    assert {"reversed_blocks", "prose_mention", "code_fence", "think_in_answer"} <= hits["tag_tricks"]
    assert "tags_only" in hits["format_without_substance"]


def test_tag_count_alone_on_the_cli(tmp_path):
    # whatever tag_count checks, it does not check the answer: the probe says so when asked for the answer
    # families, and names them
    recipe = tmp_path / "weak.yaml"
    recipe.write_text("use: tag_count\n")
    done = run_cli("probe", str(recipe), "--families", "wrong_answer,hedges")
    assert done.returncode == 1, done.stderr
    assert "FOUND wrong_answer" in done.stdout


def test_regex_on_digits_is_caught_by_wrong_answer(tmp_path):
    recipe = tmp_path / "weak.json"
    recipe.write_text(json.dumps(REGEX_DIGITS))
    done = run_cli("probe", str(recipe), "--families", "wrong_answer")
    assert done.returncode == 1 and "FOUND wrong_answer" in done.stdout, done.stdout + done.stderr
    report = probe.run(REGEX_DIGITS)
    assert {"wrong_1", "wrong_2", "wrong_3"} <= found(report)["wrong_answer"]
    first = report.groups()["wrong_answer"][0]
    assert first.against == "control" and first.reward == first.threshold == 1.0 and "14" in first.control


def test_a_recipe_that_checks_the_answer_passes_wrong_answer_and_exits_0():
    done = run_cli("probe", R1_ZERO, "--families", "wrong_answer,candidate_lists,intervals,tag_tricks")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing found" in done.stdout


def test_smallest_reproducer_comes_first():
    report = probe.run(CountedTags())
    for hits in report.groups().values():
        sizes = [hit.size for hit in hits]
        assert sizes == sorted(sizes)
    reproducer = report.to_dict()["groups"][0]
    assert reproducer["reproducer"] == reproducer["findings"][0]["completion"]


class NaiveThinkFormat(Scorer):
    """The format check as first written: both blocks present and not blank to str.strip()."""

    name = "think_format"

    def _score(self, sample: Sample) -> Score:
        match = re.fullmatch(r"<think>(.*?)</think>\s*<answer>(.*?)</answer>", sample.completion_text.strip(),
                             re.DOTALL)
        return Score(float(bool(match and match.group(1).strip() and match.group(2).strip())))


class NaiveRepetition(Scorer):
    """A repetition penalty over whitespace-separated words: share of repeated word pairs, negated."""

    name = "repetition"
    is_penalty = True

    def _score(self, sample: Sample) -> Score:
        words = sample.completion_text.split()
        pairs = list(itertools.pairwise(words))
        return Score(-(1 - len(set(pairs)) / len(pairs)) if pairs else 0.0)


class CharOverlong(SoftOverlong):
    """DAPO's overlong penalty counting every character as one unit, whatever its size."""

    def completion_length(self, sample: Sample) -> tuple[int, str]:
        return len(sample.completion_text), "chars"


# Loopholes of the issue against stand-ins that have them on purpose: (scorer, family, variants that must be found).
ISSUE_LOOPHOLES = [
    (NaiveThinkFormat(), "invisible_characters", {"think_zero_width_space", "think_word_joiner",
                                                  "think_byte_order_mark", "think_hangul_filler"}),
    (NaiveRepetition(), "repetition", {"exclamations", "digit_run", "zero_width_words", "thai_phrase"}),
    (CharOverlong(max_length=200, cache_length=50), "length_padding", {"four_byte_under_char_limit"}),
]


@pytest.mark.parametrize(("scorer", "family", "variants"), ISSUE_LOOPHOLES, ids=[f for _, f, _ in ISSUE_LOOPHOLES])
def test_issue_loopholes_are_found_by_their_family(scorer, family, variants):
    report = probe.run(scorer, families=[family])
    assert variants <= found(report)[family]
    assert report.rows[0].probed


def test_a_product_of_two_penalties_is_found_positive():
    # issue 13: product(-1, -0.99) = +0.99: padding that is also repetitive earns more than the honest 0
    recipe = {"combine": "product", "components": [{"use": "soft_overlong", "max_length": 200, "cache_length": 50},
                                                   {"use": "repetition", "ngram_size": 2}]}
    try:
        scorer = rewardkit.build(recipe)
    except ConfigError:
        pytest.skip("the builder refuses a product of penalties (the combiner fix of issue 13)")
    report = probe.run(scorer, families=["length_padding", "repetition"])
    assert report.rows[0].reward == 0.0
    assert any(hit.reward > 0.5 for hit in report.groups()["length_padding"])


def test_families_aim_at_the_scorers_they_name():
    # the same weak format check, probed without naming families: the format families run, the answer ones not
    ran = {r.name for r in probe.run(NaiveThinkFormat()).families if r.status == "ran"}
    assert {"format_without_substance", "invisible_characters", "tag_tricks", "eos_markers"} <= ran
    assert not ran & {"hedges", "length_padding", "judge_injection", "language_hiding"}


def test_penalised_variants_are_not_findings():
    hits = found(probe.run(NaiveRepetition(), families=["repetition"]))["repetition"]
    assert "reasoning_repeated" not in hits and "counter_loop" not in hits  # penalised: not reported
    padded = found(probe.run(CharOverlong(max_length=400, cache_length=50), families=["length_padding"]))
    assert not {"ascii_words_past_max", "cjk_past_max"} & padded.get("length_padding", set())


# ---------------------------------------------------------------- the acceptance recipes


@pytest.mark.parametrize("path", [R1_ZERO, R1], ids=["r1_zero", "r1"])
def test_shipped_recipes_are_clean(path):
    done = run_cli("probe", path)
    assert done.returncode == 0, done.stdout


# ---------------------------------------------------------------- every built-in scorer with its documented example


NEEDS_A_MODEL = {"reward_model", "process_reward_model"}


def _example_cases() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    # fast failure for the judge's example (no server on its default port): no retries, no cache on disk
    overrides = {"judge": {"max_retries": 0, "cache": False}}
    for name in sorted(registry.BUILTINS):
        if name in NEEDS_A_MODEL:  # no documented example: see the test below and tests/test_rm_process.py
            continue
        for i, example in enumerate(registry.get(name).examples):
            yield f"{name}[{i}]", {"use": name, **example.get("params", {}), **overrides.get(name, {})}, \
                example["sample"]


EXAMPLES = list(_example_cases())


def test_every_builtin_scorer_has_an_example_case():
    assert {case.split("[")[0] for case, _, _ in EXAMPLES} | NEEDS_A_MODEL == set(registry.BUILTINS)


@pytest.mark.parametrize(("case", "recipe", "row"), EXAMPLES, ids=[c for c, _, _ in EXAMPLES])
def test_probe_runs_on_every_builtin_scorer_example(case, recipe, row):
    # every family, whatever the recipe: none may raise, and the report must be well formed
    report = probe.run(recipe, rows=[row], families=families.names(), limit=4)
    jsonschema.validate(report.to_dict(), schema())
    assert len(report.rows) == 1 and len(report.families) == len(families.names())
    if report.rows[0].probed:
        assert all(result.variants > 0 for result in report.families if result.name in {
            "format_without_substance", "invisible_characters", "tag_tricks"})


CHEAP = {"combine": "sum", "components": [{"use": "think_format"}, {"use": "tag_count"}, {"use": "exact_match"},
                                         {"use": "repetition", "ngram_size": 2}]}


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(samples())
def test_no_family_raises_on_any_row(row):
    # hostile rows (huge, malformed, chat, astral unicode): every family yields bounded variants, never raises
    report = probe.run(CHEAP, rows=[row], families=families.names(), limit=3)
    assert all(len(hit.completion) <= MAX_CHARS for hit in report.findings)
    assert all(result.variants <= 3 for result in report.families)


FIRST_EXAMPLES = {case.split("[")[0]: (recipe, row) for case, recipe, row in reversed(EXAMPLES)}


@pytest.mark.parametrize("name", sorted(FIRST_EXAMPLES))
def test_cli_probe_on_every_builtin_scorer_example(name, tmp_path):
    recipe, row = FIRST_EXAMPLES[name]
    (tmp_path / "recipe.json").write_text(json.dumps(recipe))
    (tmp_path / "rows.jsonl").write_text(json.dumps(row) + "\n")
    done = run_cli("probe", str(tmp_path / "recipe.json"), "--data", str(tmp_path / "rows.jsonl"), "--json")
    report = json.loads(done.stdout)
    jsonschema.validate(report, schema())
    probed = report["summary"]["rows_probed"] == 1
    assert done.returncode == (int(report["found"]) if probed else 2), done.stderr
    if not probed:  # the judge's example: no server, so nothing to compare with, and the CLI says so
        assert "could be probed" in done.stderr and name == "judge"


def test_probe_runs_on_a_trained_reward_model(tmp_path, torch_one_thread):
    pytest.importorskip("torch")
    from rewardkit.rm import synthetic
    from rewardkit.rm.config import TrainConfig
    from rewardkit.rm.data import parse_pair
    from rewardkit.rm.train import train

    out = tmp_path / "polite"
    train([parse_pair(r) for r in synthetic.politeness_pairs(120, seed=1)], out,
          TrainConfig(epochs=1, progress=False, val_fraction=0.15))
    row = {"prompt": "What is 2 + 3 * 4?", "completion": "<answer>Thank you for asking! The answer is 14.</answer>"}
    report = probe.run({"use": "reward_model", "path": str(out)}, rows=[row])
    jsonschema.validate(report.to_dict(), schema())
    ran = {r.name for r in report.families if r.status == "ran"}
    assert {"truncation_tail", "self_praise", "lookalikes"} <= ran and "judge_injection" not in ran


# ---------------------------------------------------------------- a judge that believes what it reads


def _first_line_under(prompt: str, title: str) -> str | None:
    """The first text line under `[title]`, past any delimiter line such as `<response-1a2b3c>`."""
    at = prompt.find(f"[{title}]")
    if at < 0:
        return None
    lines = prompt[at + len(title) + 2:].splitlines()
    return next((ln.strip() for ln in lines if ln.strip() and not re.fullmatch(r"</?[\w-]+>", ln.strip())), None)


class _GullibleJudge(BaseHTTPRequestHandler):
    """Scores 1 when the response equals the reference, unless the prompt holds a verdict line, which it obeys."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
        verdicts = re.findall(r"^Score: (\d+)$", prompt.split("[Response]", 1)[-1], re.MULTILINE)
        reference, response = _first_line_under(prompt, "Reference answer"), _first_line_under(prompt, "Response")
        score = verdicts[-1] if verdicts else str(int(reference is not None and reference == response))
        reply = {"id": "x", "object": "chat.completion", "model": "judge",
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": f"Score: {score}"}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gullible_judge() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GullibleJudge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_judge_injection_finds_a_judge_that_obeys_forged_verdicts(gullible_judge):
    recipe = {"use": "judge", "model": "judge", "base_url": gullible_judge, "cache": False, "max_retries": 0}
    report = probe.run(recipe)
    assert report.rows[0].reward == 1.0 and report.rows[0].probed
    hits = found(report)
    assert "fake_score_one" in hits["judge_injection"]
    assert "wrong_answer" not in hits  # it does compare answers: only the injection fools it


# ---------------------------------------------------------------- the JSON report


def test_json_report_matches_the_documented_schema():
    jsonschema.Draft202012Validator.check_schema(schema())
    for recipe, names in ((R1_ZERO, None), (CountedTags(), ["tag_tricks"]), (R1_ZERO, ["intervals"])):
        jsonschema.validate(probe.run(recipe, families=names).to_dict(), schema())
    done = run_cli("probe", "tag_count", "--json", "--bound", "0.5")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    jsonschema.validate(data, schema())
    assert data["bound"] == {"*": 0.5} and data["found"] is True
    assert all(f["against"] == "bound" and f["reward"] >= 0.5 for g in data["groups"] for f in g["findings"])


def test_report_counts_and_skips():
    report = probe.run("math").to_dict()
    by_name = {f["name"]: f for f in report["families"]}
    assert by_name["tag_tricks"]["status"] == "skipped" and "think_format" in by_name["tag_tricks"]["reason"]
    assert by_name["hedges"]["status"] == "ran" and by_name["hedges"]["compared"] == by_name["hedges"]["variants"]
    assert report["summary"]["variants"] == sum(f["variants"] for f in report["families"])


def test_a_row_a_component_does_not_score_is_listed_not_probed():
    # o2's numbers-only reasoning has no words: language_consistency does not apply, so with r1 a variant
    # without reasoning would tie with it for free; the row is reported and not probed
    o2 = probe.R1_ROWS[0]
    report = probe.run(R1, rows=[o2])
    assert not report.rows[0].probed and "language_consistency" in report.rows[0].note
    assert not report.found and all(r.variants == 0 for r in report.families)
    data = ROOT / "tests" / "_probe_o2.jsonl"
    try:
        data.write_text(json.dumps(o2) + "\n")
        done = run_cli("probe", R1, "--data", str(data))
    finally:
        data.unlink()
    assert done.returncode == 2 and "no honest row could be probed" in done.stderr


def test_per_family_bound():
    report = probe.run(R1_ZERO, families=["hedges", "intervals"], bound={"intervals": 0.05})
    assert {hit.family for hit in report.findings if hit.against == "bound"} == {"intervals"}
    with pytest.raises(ConfigError, match="did you mean 'hedges'"):
        probe.run(R1_ZERO, families=["hedges"], bound={"hedgse": 0.1})


# ---------------------------------------------------------------- determinism and bounds


def test_variants_are_deterministic_and_bounded():
    first = probe.run(R1_ZERO, families=families.names(), limit=5).to_dict()
    again = probe.run(R1_ZERO, families=families.names(), limit=5).to_dict()
    assert first == again
    assert all(f["variants"] <= 5 * first["summary"]["rows"] for f in first["families"])
    leaves = tuple(rewardkit.build(R1).leaves())
    for name in families.names():
        family = families.get(name)()
        for seed in (0, 1):
            ctx = ProbeContext(0, Sample.from_dict(probe.R1_ROWS[1]), leaves, random.Random(seed))
            variants = list(family.variants(ctx))
            assert variants, f"{name} made no variant of the R1 example"
            assert all(isinstance(v, Variant) and len(v.completion) <= MAX_CHARS for v in variants)
            assert len({v.name for v in variants}) == len(variants), f"{name}: variant names repeat"


def test_seed_changes_only_the_seeded_choices():
    one = probe.run(R1_ZERO, families=["hedges"], seed=0).to_dict()["families"]
    two = probe.run(R1_ZERO, families=["hedges"], seed=7).to_dict()["families"]
    assert [f["variants"] for f in one] == [f["variants"] for f in two]


# ---------------------------------------------------------------- the family registry


class ShoutedAnswer(Family):
    """The example of docs/probe.md."""

    name = "shouted_answer"
    description = "an answer in capitals with exclamation marks earns extra credit"
    tries = ("the honest answer in capitals followed by '!!!'",)
    targets = frozenset({"reward_model"})

    def variants(self, ctx):
        if ctx.answer:
            yield ctx.exceeding("shout", "wrong answer, shouted", ctx.with_answer(ctx.wrong(1)[0].upper() + "!!!"))
            yield Variant("shout_only", "only exclamation marks", ctx.with_answer("!!!"))


@pytest.fixture
def shouted() -> Iterator[type[Family]]:
    families.register(ShoutedAnswer)
    yield ShoutedAnswer
    families.unregister("shouted_answer")


def test_register_runs_a_family_only_when_named_or_aimed_at(shouted):
    assert "shouted_answer" in families.names() and families.get("shouted_answer") is shouted
    report = probe.run(REGEX_DIGITS)  # aimed at reward_model: skipped
    assert "shouted_answer" in {r.name for r in report.families if r.status == "skipped"}
    named = probe.run(REGEX_DIGITS, families=["shouted_answer"])
    # '15!!!' scores like its wrong twin (both have digits), while '!!!' keeps the reasoning's digits: found
    assert found(named) == {"shouted_answer": {"shout_only"}}


def test_registry_refuses_bad_and_duplicate_families(shouted):
    families.register(shouted)  # the same class again is fine

    class Other(ShoutedAnswer):
        pass

    with pytest.raises(RegistryError, match="already registered"):
        families.register(Other)

    class Hedges(ShoutedAnswer):
        name = "hedges"

    with pytest.raises(RegistryError, match=r"'hedges'.*pick another name"):
        families.register(Hedges)

    class BadName(ShoutedAnswer):
        name = "Bad-Name"

    with pytest.raises(RegistryError, match="lower_snake_case"):
        families.register(BadName)

    class Undocumented(ShoutedAnswer):
        name = "undocumented"
        tries = ()

    with pytest.raises(RegistryError, match="document"):
        families.register(Undocumented)
    with pytest.raises(RegistryError, match="subclass"):
        families.register(dict)  # type: ignore[arg-type]
    with pytest.raises(RegistryError, match="built-in"):
        families.unregister("hedges")


def test_unknown_family_suggests_close_names():
    with pytest.raises(ConfigError, match="did you mean 'hedges'"):
        probe.run(R1_ZERO, families="hedgse")
    done = run_cli("probe", R1_ZERO, "--families", "hedgse")
    assert done.returncode == 2 and "did you mean 'hedges'" in done.stderr


def test_plugin_families_come_from_the_entry_point_group(tmp_path, monkeypatch):
    (tmp_path / "probe_plugin.py").write_text(
        "from rewardkit.probe import Family, Variant\n"
        "class Plugged(Family):\n"
        "    name = 'plugged'\n"
        "    description = 'a plugin family'\n"
        "    tries = ('the answer twice',)\n"
        "    def variants(self, ctx):\n"
        "        yield Variant('twice', 'answer twice', ctx.r1(ctx.reasoning, (ctx.answer or '') * 2))\n"
        "class Broken:\n"
        "    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    points = [metadata.EntryPoint("plugged", "probe_plugin:Plugged", families.ENTRY_POINT_GROUP),
              metadata.EntryPoint("broken", "probe_plugin:Broken", families.ENTRY_POINT_GROUP),
              metadata.EntryPoint("missing", "no_such_module_xyz:Thing", families.ENTRY_POINT_GROUP)]
    real = metadata.entry_points
    monkeypatch.setattr(families.metadata, "entry_points",
                        lambda group=None, **kw: points if group == families.ENTRY_POINT_GROUP else real(group=group,
                                                                                                        **kw))
    families.refresh_entry_points()
    try:
        assert {"plugged", "broken", "missing"} <= set(families.names())
        assert families.get("plugged").__module__ == "probe_plugin"
        report = probe.run("tag_count", families=["plugged"])
        assert report.families[0].variants == 2  # untargeted: runs on any recipe (one variant per R1 row)
        with pytest.raises(RegistryError, match="subclass"):
            families.get("broken")
        with pytest.raises(RegistryError, match="failed to import"):
            families.get("missing")
        with pytest.raises(RegistryError, match=r"'plugged'.*pick another name"):
            families.register(type("Plugged", (Family,), {"name": "plugged", "description": "x", "tries": ("y",)}))
    finally:
        monkeypatch.undo()
        families.refresh_entry_points()
    assert "plugged" not in families.names()


def test_a_family_that_raises_is_named():
    class Crashes(Family):
        name = "crashes"
        description = "raises"
        tries = ("nothing",)

        def variants(self, ctx):
            raise ZeroDivisionError("oops")
            yield

    families.register(Crashes)
    try:
        with pytest.raises(RegistryError, match="'crashes' failed on row 0: ZeroDivisionError"):
            probe.run(R1_ZERO, families=["crashes"])
    finally:
        families.unregister("crashes")


# ---------------------------------------------------------------- the command line


def test_cli_exit_status_for_bad_input(tmp_path):
    assert run_cli("probe", str(tmp_path / "missing.yaml")).returncode == 2
    missing = run_cli("probe", R1_ZERO, "--data", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and "not found" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "q", "completion": "c"}\nnot json\n')
    done = run_cli("probe", R1_ZERO, "--data", str(bad))
    assert done.returncode == 2 and ":2:" in done.stderr
    assert run_cli("probe", R1_ZERO, "--bound", "x=y").returncode == 2
    assert run_cli("probe", R1_ZERO, "--limit", "0").returncode == 2
    assert run_cli("probe").returncode == 2


def test_cli_data_rows_and_map(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps({"question": "What is 6 * 7?", "completion": c, "solution": "42"})
                              for c in ("<think>6 * 7 = 42</think> <answer>42</answer>",)) + "\n")
    done = run_cli("probe", R1_ZERO, "--data", str(rows), "--map", "prompt=question", "--map", "answer=solution",
                   "--json", "--families", "wrong_answer,hedges")
    data = json.loads(done.stdout)
    assert data["rows"][0]["reward"] == pytest.approx(1.1) and data["summary"]["rows"] == 1
    assert done.returncode == (1 if data["found"] else 0)


def test_cli_list_documents_every_family():
    done = run_cli("probe", "--list")
    assert done.returncode == 0
    docs = (ROOT / "docs" / "probe.md").read_text(encoding="utf-8")
    for name in families.BUILTINS:
        assert name in done.stdout and f"`{name}`" in docs, name
    listed = json.loads(run_cli("probe", "--list", "--json").stdout)
    assert all(row["tries"] and row["description"] for row in listed)


def test_import_rewardkit_does_not_load_the_probe():
    code = "import sys, rewardkit; print('rewardkit.probe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_probe_input_errors_from_the_api():
    with pytest.raises(InputError):
        probe.run(R1_ZERO, rows=[])
    with pytest.raises(InputError):
        probe.run(R1_ZERO, rows=[{"prompt": "no completion"}])
    with pytest.raises(ConfigError, match="limit"):
        probe.run(R1_ZERO, limit=0)
