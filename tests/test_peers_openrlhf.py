"""rewardkit under OpenRLHF 0.11's own `SingleTurnAgentExecutor`: over HTTP to a real `rewardkit serve` on
loopback, and in its Python-file mode (`--remote_rm_url file.py`). The executor's own prompt truncation and
decoding produce the query; a correct answer must score 1.0 however the prompt came back. Skipped when OpenRLHF
is not installed (`.ci/run` installs it in .venv/peers/openrlhf)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, peer

torch = pytest.importorskip("torch")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
agent = peer("openrlhf", "openrlhf.utils.agent")

RECIPE = [{"use": "exact_match", "weight": 1.0}, {"use": "think_format", "weight": 0.1}]
TEMPLATE = "A conversation between User and Assistant. User: {q} Assistant:"
RESPONSE = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer><|im_end|>"


class NormalisingTokenizer:
    """One token per character; decoding NFC-normalises, as real tokenizers do to decomposed accents."""

    def __call__(self, text, add_special_tokens=False, return_tensors="pt"):
        return {"input_ids": torch.tensor([[ord(c) for c in text]])}

    def decode(self, ids, skip_special_tokens=False):
        return unicodedata.normalize("NFC", "".join(chr(i) for i in ids))


class Engine:
    async def generate(self, prompt_token_ids, params, multi_modal_data=None):
        out = SimpleNamespace(token_ids=[ord(c) for c in RESPONSE], finish_reason="stop", logprobs=None)
        return SimpleNamespace(outputs=[out])


# (case, prompt, max_length): the prompt comes back verbatim, NFC-normalised, or cut from the left by OpenRLHF
CASES = [
    ("verbatim", TEMPLATE.format(q="What is 2 + 3 * 4?"), 4096),
    ("normalised accents", TEMPLATE.format(q="Cafe\u0301 bill: what is 2 + 3 * 4?"), 4096),
    ("cut from the left", TEMPLATE.format(q="What is 2 + 3 * 4?"), len(RESPONSE) + 40),
]


def _execute(executor, prompt: str, max_length: int) -> dict:
    params = SimpleNamespace(max_tokens=len(RESPONSE), logprobs=None)
    return asyncio.run(executor.execute(prompt, "14", params, max_length, NormalisingTokenizer(), Engine()))


def _as_openrlhf_info(output: dict) -> dict:
    """What OpenRLHF's experience maker does with the executor's output (samples_generator.py)."""
    info = {"reward": torch.tensor([output["reward"]]).flatten()}
    for key, value in output["extra_logs"].items():
        if isinstance(value, torch.Tensor):
            value = value.flatten()[0].item()
        info[key] = torch.tensor([value]).flatten()
    return info


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    recipe = tmp_path_factory.mktemp("openrlhf") / "recipe.json"
    recipe.write_text(json.dumps(RECIPE))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "rewardkit", "serve", "-r", str(recipe), "--port", "0",
                             "--workers", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "ready on http://" not in line:
        proc.kill()
        pytest.fail(f"server did not start: {proc.stderr.read()[-2000:]}")
    yield line.split("ready on ", 1)[1].split()[0]
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.parametrize(("case", "prompt", "max_length"), CASES, ids=[c[0] for c in CASES])
def test_executor_over_http_scores_a_correct_answer(server, case, prompt, max_length):
    output = _execute(agent.SingleTurnAgentExecutor(f"{server}/get_reward"), prompt, max_length)
    info = _as_openrlhf_info(output)
    assert info["reward"].tolist() == pytest.approx([1.1])
    assert info["exact_match"].tolist() == [1.0] and info["rewardkit_scored"].tolist() == [1.0]


@pytest.mark.parametrize(("case", "prompt", "max_length"), CASES, ids=[c[0] for c in CASES])
def test_executor_python_file_mode(tmp_path, monkeypatch, case, prompt, max_length):
    import rewardkit.integrations.openrlhf as module

    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(RECIPE))
    monkeypatch.setenv("REWARDKIT_RECIPE", str(recipe))
    generated = module.write_reward_file(str(recipe), str(tmp_path / "reward_func.py"))
    for path in (module.__file__, generated):  # the module itself (recipe from the environment), a generated file
        output = _execute(agent.SingleTurnAgentExecutor(path), prompt, max_length)
        info = _as_openrlhf_info(output)
        assert info["reward"].tolist() == pytest.approx([1.1]), path
        assert info["rewardkit_scored"].tolist() == [1.0]


def test_generated_file_names_the_recipe_and_refuses_a_bad_one(tmp_path):
    from rewardkit.errors import ConfigError
    from rewardkit.integrations.openrlhf import write_reward_file

    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(RECIPE))
    path = Path(write_reward_file(str(recipe), str(tmp_path / "rf.py")))
    assert str(recipe.resolve()) in path.read_text()
    (tmp_path / "bad.json").write_text(json.dumps([{"use": "exact_match", "wieght": 1}]))
    with pytest.raises(ConfigError):
        write_reward_file(str(tmp_path / "bad.json"), str(tmp_path / "rf2.py"))
