"""rewardkit under verl 0.9's own reward managers (legacy `verl.workers.reward_manager` and the reward loop's
registry), on real DataProto batches: which managers work, with which entry point, and that the reward each
gives equals the Python API's. Skipped when verl is not installed (`.ci/run` installs it in .venv/peers/verl)."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest
from conftest import R1_GOLD, R1_OUTPUTS, peer

from rewardkit.integrations import verl as rk_verl
from rewardkit.recipe import build

torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")
peer("verl", "verl")
legacy = pytest.importorskip("verl.workers.reward_manager")
from omegaconf import OmegaConf  # noqa: E402 - verl brings omegaconf
from verl import DataProto  # noqa: E402

RECIPE = [{"use": "exact_match", "weight": 1.0}, {"use": "think_format", "weight": 0.1}]
EXPECTED = [s.value for s in build(RECIPE).score_batch([{"completion": o, "answer": R1_GOLD} for o in R1_OUTPUTS])]


class CharTokenizer:
    """One token per character: decoding gives back exactly the text the test put in."""

    eos_token = "</s>"

    def decode(self, ids, skip_special_tokens=True):
        return "".join(chr(int(i)) for i in ids if int(i))

    def batch_decode(self, rows, skip_special_tokens=True):
        return [self.decode(r) for r in rows]


def _batch(responses: list[str], answers: list[str | None]) -> DataProto:
    prompt = [ord(c) for c in "Q: 2+3*4?"]
    width = max(map(len, responses))
    resp = torch.tensor([[ord(c) for c in r] + [0] * (width - len(r)) for r in responses])
    mask = torch.tensor([[1] * len(prompt) + [1] * len(r) + [0] * (width - len(r)) for r in responses])
    n = len(responses)
    return DataProto.from_dict(
        tensors={"prompts": torch.tensor([prompt] * n), "responses": resp, "attention_mask": mask},
        non_tensors={"data_source": np.array(["r1"] * n, dtype=object),
                     "reward_model": np.array([{"ground_truth": a} for a in answers], dtype=object),
                     "extra_info": np.array([{"index": i} for i in range(n)], dtype=object)})


def _last_token_rewards(reward_tensor) -> list[float]:
    return [float(row[row.nonzero()[-1]]) if row.any() else 0.0 for row in reward_tensor]


def _with_kwargs(fn, **kwargs):
    from verl.trainer.ppo.reward import _call_with_kwargs  # how verl binds custom_reward_function.reward_kwargs

    return partial(_call_with_kwargs, fn, {"recipe": RECIPE, **kwargs})


@pytest.mark.parametrize(("manager", "entry", "kwargs"), [
    ("NaiveRewardManager", "compute_score", {}),
    ("DAPORewardManager", "compute_score", {}),
    ("BatchRewardManager", "compute_score_batch", {}),
])
def test_legacy_managers_give_the_python_api_reward(manager, entry, kwargs):
    cls = getattr(legacy, manager)
    fn = _with_kwargs(getattr(rk_verl, entry), **kwargs)
    extra = {"max_resp_len": 4096} if manager == "DAPORewardManager" else {}
    mgr = cls(tokenizer=CharTokenizer(), num_examine=0, compute_score=fn, **extra)
    out = mgr(_batch(R1_OUTPUTS, [R1_GOLD] * 4), return_dict=True)
    assert _last_token_rewards(out["reward_tensor"]) == pytest.approx(EXPECTED)
    assert list(out["reward_extra_info"]["scored"]) == [1.0] * 4


def test_prime_needs_as_float_and_then_matches():
    """PRIME's scorer path indexes the result (`result[0]`): a dict fails there and PRIME writes 0.0 for the whole
    batch. With `as_float: true` the total comes back as a number. (PrimeRewardManager.verify starts 64 processes;
    its scoring function is called here with 2.)"""
    from verl.workers.reward_manager.prime import run_reward_scoring

    args = dict(completions=R1_OUTPUTS, references=[R1_GOLD] * 4, tasks=["r1"] * 4, extra_info=[{}] * 4,
                num_processes=2)
    with pytest.raises(KeyError):  # what PrimeRewardManager.verify catches before writing 0.0 for every row
        run_reward_scoring(_with_kwargs(rk_verl.compute_score), **args)
    assert run_reward_scoring(_with_kwargs(rk_verl.compute_score, as_float=True), **args) == pytest.approx(EXPECTED)


@pytest.fixture(autouse=True)
def fresh_event_loop():
    """verl's managers keep `asyncio.get_event_loop()` from their construction and run on it (a loop another test
    closed would stay closed)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    loop.close()
    asyncio.set_event_loop(None)


def _loop_config(**reward_kwargs):
    return OmegaConf.create({"reward": {"custom_reward_function": {"reward_kwargs": {"recipe": RECIPE,
                                                                                        **reward_kwargs}}}})


def _run_loop(manager, data: DataProto) -> list[dict]:
    async def run():  # what verl's RewardLoopWorker.compute_score_batch does: one task per sample
        return await asyncio.gather(*[manager.run_single(data[i:i + 1]) for i in range(len(data))])

    return manager.loop.run_until_complete(run())


def test_reward_loop_registry_has_no_batch_manager():
    from verl.experimental.reward_loop.reward_manager import get_reward_manager_cls

    with pytest.raises(ValueError, match="Unknown reward manager: batch"):
        get_reward_manager_cls("batch")


def test_rewardkit_manager_loads_through_verls_importlib_path_and_batches(monkeypatch):
    from verl.trainer.ppo.reward import resolve_reward_manager_cls

    from rewardkit.integrations.verl_loop import RewardkitRewardManager

    config = OmegaConf.create({"reward": {"reward_manager": {"source": "importlib", "name": "RewardkitRewardManager",
                                                             "module": {"path": "pkg://rewardkit.integrations.verl_loop"}}}})
    assert resolve_reward_manager_cls(config) is RewardkitRewardManager
    manager = RewardkitRewardManager(_loop_config(), CharTokenizer(), None)
    calls = []
    real = manager.scorer.score_batch
    monkeypatch.setattr(manager.scorer, "score_batch", lambda samples: calls.append(len(samples)) or real(samples))
    out = _run_loop(manager, _batch(R1_OUTPUTS, [R1_GOLD] * 4))
    assert calls == [4]  # four concurrent run_single calls, one score_batch
    assert [o["reward_score"] for o in out] == pytest.approx(EXPECTED)
    assert set(out[0]["reward_extra_info"]) == {"score", "exact_match", "think_format", "scored"}
    # verl's reward loop then packs the scores with the manager's classmethod
    rm = RewardkitRewardManager.assemble_rm_scores(_batch(R1_OUTPUTS, [R1_GOLD] * 4), [o["reward_score"] for o in out])
    assert _last_token_rewards(rm) == pytest.approx(EXPECTED)


def test_rewardkit_manager_missing_answer_is_not_scored():
    from rewardkit.integrations.verl_loop import RewardkitRewardManager

    manager = RewardkitRewardManager(_loop_config(none_score=-1.0), CharTokenizer(), None)
    out = _run_loop(manager, _batch(R1_OUTPUTS[1:3], [R1_GOLD, None]))
    assert [o["reward_score"] for o in out] == [pytest.approx(1.1), -1.0]
    assert [o["reward_extra_info"]["scored"] for o in out] == [1.0, 0.0]


def test_async_compute_score_is_awaited_by_the_reward_loops_naive_manager():
    from verl.experimental.reward_loop.reward_manager.naive import NaiveRewardManager
    from verl.trainer.ppo.reward import get_custom_reward_fn

    config = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": "pkg://rewardkit.integrations.verl", "name": "compute_score_async",
        "reward_kwargs": {"recipe": RECIPE}}}})
    manager = NaiveRewardManager(config, CharTokenizer(), get_custom_reward_fn(config))
    assert manager.is_async_reward_score  # awaited on the loop, not sent to its thread pool
    out = _run_loop(manager, _batch(R1_OUTPUTS, [R1_GOLD] * 4))
    assert [o["reward_score"] for o in out] == pytest.approx(EXPECTED)
