"""The GRPO trainer: loss math on hand-computed batches, None handling, padding, smoke runs of every
loss_type x scale_rewards, checkpoint resume, the demo task and the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from rewardkit import ConfigError, build  # noqa: E402
from rewardkit.cli import main  # noqa: E402
from rewardkit.core import Score, Status  # noqa: E402
from rewardkit.train.demo import DEMO_RECIPE, demo_tokenizer, make_tasks, rejection_sample  # noqa: E402
from rewardkit.train.gpt import CharTokenizer, GPTConfig, GPTPolicy  # noqa: E402
from rewardkit.train.grpo import (  # noqa: E402
    GRPOConfig,
    aggregate_loss,
    clipped_surrogate,
    group_advantages,
    grpo_loss,
    importance_log_weights,
    k3_kl,
    reward_table,
    train,
)

pytestmark = pytest.mark.usefixtures("torch_one_thread")

ROOT = Path(__file__).resolve().parents[1]



# ------------------------------------------------------------------------------------------- advantages

def test_r1_worked_example_group_advantages():
    rewards = torch.tensor([0.1, 1.1, 1.0, 0.1])  # o1..o4 of the R1 walk-through
    adv, zero = group_advantages(rewards, 4, "group")
    std = math.sqrt(((0.1 - .575) ** 2 * 2 + (1.1 - .575) ** 2 + (1.0 - .575) ** 2) / 3)  # Bessel, as TRL
    assert std == pytest.approx(0.55)
    expected = [(r - 0.575) / (std + 1e-4) for r in (0.1, 1.1, 1.0, 0.1)]
    assert adv.tolist() == pytest.approx(expected, abs=1e-6)
    assert adv[1] > 0 and adv[2] > 0 and adv[0] < 0 and adv[3] < 0
    assert not zero.any()


def test_textbook_group_without_std_scaling():
    adv, _ = group_advantages(torch.tensor([70.0, 85, 60, 90, 75]), 5, "none")
    assert adv.tolist() == pytest.approx([-6, 9, -16, 14, -1])


def test_batch_scaling_uses_the_std_of_the_whole_batch():
    rewards = torch.tensor([0.0, 1.0, 2.0, 4.0])
    adv, _ = group_advantages(rewards, 2, "batch")
    std = torch.tensor([0.0, 1.0, 2.0, 4.0]).std().item()  # unbiased over the batch
    assert adv.tolist() == pytest.approx([-0.5 / (std + 1e-4), 0.5 / (std + 1e-4), -1 / (std + 1e-4),
                                          1 / (std + 1e-4)], abs=1e-6)


def test_flat_groups_have_zero_advantage_and_are_flagged():
    adv, zero = group_advantages(torch.tensor([1.0, 1.0, 0.0, 1.0]), 2, "group")
    assert adv[:2].tolist() == [0.0, 0.0]
    assert zero.tolist() == [True, True, False, False]


def test_unscorable_rows_stay_out_of_the_baseline_and_get_zero_advantage():
    nan = float("nan")
    adv, zero = group_advantages(torch.tensor([1.0, nan, 0.0, 1.0, nan, nan]), 3, "none")
    assert adv[:3].tolist() == pytest.approx([0.5, 0.0, -0.5])  # mean over the two scored rows only
    assert adv[3:].tolist() == [0.0, 0.0, 0.0] and zero[3:].all()  # one value: no std, no signal
    assert torch.isfinite(adv).all()


def test_none_components_are_skipped_like_trl():
    accuracy, fmt = DEMO_RECIPE["components"]
    reward = build([{**accuracy, "optional": True}, fmt])
    rows = [{"completion": "<think>3*4=12;2+12=14</think><answer>14</answer>", "answer": "14"},
            {"completion": "<think>x</think><answer>14</answer>"}]  # no reference: optional accuracy is skipped
    scores = reward.score_batch(rows)
    rewards, comps = reward_table(scores, ["accuracy", "format"])
    assert rewards.tolist() == pytest.approx([1.1, 0.1])  # TRL's nansum of weighted components
    assert comps[0].tolist() == [1.0, 1.0] and math.isnan(comps[1, 0]) and comps[1, 1] == 1.0
    rewards, _ = reward_table(build(DEMO_RECIPE).score_batch(rows), ["accuracy", "format"])
    assert math.isnan(rewards[1])  # a required accuracy without its reference: the row is unscorable
    failed = [Score(None, Status.INFRA_ERROR, {"accuracy": None, "format": None})]
    rewards, _ = reward_table(failed, ["accuracy", "format"])
    assert math.isnan(rewards[0])  # an infrastructure failure is unscorable, never a reward of 0


# ------------------------------------------------------------------------------------------- the loss

def test_clipping_is_pessimistic_and_asymmetric():
    ratio = torch.tensor([[1.5, 0.5, 0.5, 1.5, 1.25]])
    adv = torch.tensor([[1.0, -1.0, 1.0, -1.0, 1.0]])
    loss, clipped = clipped_surrogate(ratio, adv, 0.2, 0.28)
    assert loss.tolist()[0] == pytest.approx([-1.28, 0.8, -0.5, 1.5, -1.25])
    assert clipped.tolist()[0] == [True, True, False, False, False]
    ratio = ratio.clone().requires_grad_(True)
    clipped_surrogate(ratio, adv, 0.2, 0.28)[0].sum().backward()
    assert ratio.grad.tolist()[0] == pytest.approx([0.0, 0.0, -1.0, 1.0, -1.0])  # no gradient where clipped


def test_k3_kl_is_nonnegative_and_zero_at_identity():
    gen = torch.Generator().manual_seed(0)
    logp, ref = -torch.rand(64, 16, generator=gen) * 5, -torch.rand(64, 16, generator=gen) * 5
    assert (k3_kl(logp, ref) >= 0).all()
    assert k3_kl(logp, logp).abs().max() == 0


HAND_LOSS = torch.tensor([[1.0, 2.0, 3.0, 9.0], [4.0, 9.0, 9.0, 9.0]])
HAND_MASK = torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0]])


@pytest.mark.parametrize(("loss_type", "expected"), [("grpo", (6 / 3 + 4 / 1) / 2), ("bnpo", 10 / 4),
                                                      ("dr_grpo", 10 / (2 * 4)), ("dapo", 10 / 4)])
def test_loss_normalisations_on_a_hand_made_batch(loss_type, expected):
    assert float(aggregate_loss(HAND_LOSS, HAND_MASK, loss_type, max_new_tokens=4)) == pytest.approx(expected)


def test_dapo_normalises_by_the_tokens_of_the_whole_generation_batch():
    total = torch.tensor(8.0)
    assert float(aggregate_loss(HAND_LOSS, HAND_MASK, "dapo", 4, total_tokens=total)) == pytest.approx(10 / 8)


def test_sequence_level_importance_weight_is_the_mean_log_ratio_over_real_tokens():
    logps = torch.tensor([[-1.0, -2.0, -3.0]])
    old = torch.tensor([[-1.5, -2.0, -9.0]])
    mask = torch.tensor([[1, 1, 0]])
    assert importance_log_weights(logps, old, mask, "sequence").flatten().tolist() == pytest.approx([0.25])
    assert importance_log_weights(logps, old, mask, "token").tolist()[0] == pytest.approx([0.5, 0.0, 6.0])


def test_on_policy_loss_is_minus_the_token_weighted_advantage_and_kl_adds():
    logps = torch.tensor([[-1.0, -2.0], [-0.5, -0.1]], requires_grad=True)
    adv = torch.tensor([1.0, -2.0])
    mask = torch.tensor([[1, 1], [1, 0]])
    cfg = GRPOConfig(loss_type="dapo", max_new_tokens=2)
    loss, stats = grpo_loss(logps, logps.detach(), adv, mask, cfg)
    assert loss.item() == pytest.approx(-(1 + 1 - 2) / 3)
    assert stats["clip_fraction"] == 0
    loss.backward()  # d loss / d logp = -A / tokens on real tokens, 0 on padding
    assert logps.grad.flatten().tolist() == pytest.approx([-1 / 3, -1 / 3, 2 / 3, 0.0])
    ref = logps.detach() - 0.3
    kl_cfg = GRPOConfig(loss_type="dapo", max_new_tokens=2, beta=0.5)
    loss_kl, stats = grpo_loss(logps, logps.detach(), adv, mask, kl_cfg, ref)
    assert stats["kl"] == pytest.approx(math.exp(-0.3) + 0.3 - 1, rel=1e-5)
    assert loss_kl.item() == pytest.approx(loss.item() + 0.5 * stats["kl"], rel=1e-5)


def test_bad_knobs_raise_config_errors_naming_the_key():
    with pytest.raises(ConfigError, match="loss_type"):
        GRPOConfig(loss_type="ppo")
    with pytest.raises(ConfigError, match="num_generations"):
        GRPOConfig(num_generations=1)
    with pytest.raises(ConfigError, match="scale_reward"):
        GRPOConfig.from_dict({"scale_reward": "group"})


# ------------------------------------------------------------------------------------------- policies

def tiny_policy(seed: int = 0) -> GPTPolicy:
    torch.manual_seed(seed)
    tok = demo_tokenizer()
    return GPTPolicy(tok, GPTConfig(vocab_size=len(tok.vocab), block_size=48, n_layer=1, n_head=2, n_embd=16),
                     device="cpu")


def test_padding_does_not_change_a_prompts_log_probs():
    policy = tiny_policy()
    prompts = [make_tasks(1, 0)[0]["prompt"], "What is 1 + 1?"]  # very different lengths: heavy left padding
    rollout = policy.generate(prompts, 10, 1.0)
    batched = policy.token_logps(rollout, 1.0)
    for i, prompt in enumerate(prompts):
        alone = policy.generate([prompt], 1, 1.0)
        alone.completion_ids, alone.completion_mask = rollout.completion_ids[i:i + 1], rollout.completion_mask[i:i + 1]
        single = policy.token_logps(alone, 1.0)
        m = rollout.completion_mask[i].bool()
        assert torch.allclose(single[0][m], batched[i][m], atol=1e-5)


def test_generate_masks_after_eos_and_flags_truncation():
    policy = tiny_policy()
    rollout = policy.generate(["What is 1 + 1?"] * 16, 6, 1.0)
    eos = policy.tokenizer.eos_id
    for ids, mask, cut in zip(rollout.completion_ids, rollout.completion_mask, rollout.truncated, strict=True):
        hits = (ids == eos).nonzero()
        if len(hits):
            first = int(hits[0])
            assert mask[:first + 1].all() and not mask[first + 1:].any() and not cut
        else:
            assert mask.all() and cut


def test_tokenizer_keeps_template_and_tags_whole():
    tok = CharTokenizer("0123456789", ("<think>", "</think>"))
    ids = tok.encode("<think>12</think>x")
    assert len(ids) == 5 and tok.decode(ids) == "<think>12</think><unk>"


ALL_COMBOS = [(lt, sr) for lt in ("grpo", "bnpo", "dr_grpo", "dapo") for sr in ("group", "batch", "none")]


@pytest.mark.parametrize(("loss_type", "scale_rewards"), ALL_COMBOS)
def test_smoke_every_loss_type_and_scaling(loss_type, scale_rewards):
    policy = tiny_policy()
    cfg = GRPOConfig(steps=1, prompts_per_step=2, num_generations=3, max_new_tokens=8, learning_rate=1e-3,
                     loss_type=loss_type, scale_rewards=scale_rewards, seed=1)
    history = train(policy, DEMO_RECIPE, make_tasks(8, 0), cfg, progress=False)
    assert [row["step"] for row in history] == [1]
    for row in history:
        assert math.isfinite(row["loss"]) and math.isfinite(row["grad_norm"])
        assert {"reward", "accuracy", "format", "kl", "clip_fraction", "zero_std_groups"} <= set(row)


@pytest.mark.parametrize("knobs", [
    {"beta": 0.04}, {"num_iterations": 2}, {"importance_sampling_level": "sequence", "loss_type": "grpo"},
    {"mask_truncated_completions": True}, {"drop_zero_std_groups": True}, {"shuffle_rewards": True},
    {"epsilon_high": 0.28, "temperature": 0.7},
])
def test_smoke_other_knobs(knobs):
    policy = tiny_policy()
    cfg = GRPOConfig(steps=2, prompts_per_step=2, num_generations=3, max_new_tokens=8, learning_rate=1e-3,
                     **knobs)
    history = train(policy, DEMO_RECIPE, make_tasks(8, 0), cfg, progress=False)
    assert len(history) == 2 and all(row["loss"] is None or math.isfinite(row["loss"]) for row in history)
    if knobs.get("num_iterations") == 2 or knobs.get("beta"):
        assert history[-1]["loss"] is not None


def test_checkpoint_resume_continues_exactly(tmp_path):
    cfg = GRPOConfig(steps=4, prompts_per_step=2, num_generations=3, max_new_tokens=8, learning_rate=1e-3,
                     checkpoint_every=2)
    rows = make_tasks(16, 0)
    straight = train(tiny_policy(), DEMO_RECIPE, rows, cfg, output_dir=tmp_path / "a", progress=False)
    half = GRPOConfig(**{**cfg.__dict__, "steps": 2})
    train(tiny_policy(), DEMO_RECIPE, rows, half, output_dir=tmp_path / "b", progress=False)
    resumed_policy = tiny_policy(seed=123)  # different initial weights: the checkpoint must overwrite them
    resumed = train(resumed_policy, DEMO_RECIPE, rows, cfg, output_dir=tmp_path / "b", resume=True,
                    progress=False)
    assert [r["reward"] for r in resumed] == [r["reward"] for r in straight]
    assert [r["loss"] for r in resumed] == pytest.approx([r["loss"] for r in straight], rel=1e-4)
    lines = (tmp_path / "b" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in lines] == [1, 2, 3, 4]
    assert (tmp_path / "b" / "rewards.png").stat().st_size > 10_000


# ------------------------------------------------------------------------------------------- demo + CLI

def test_every_demo_solution_scores_full_marks():
    reward = build(DEMO_RECIPE)
    tasks = make_tasks(300, 7)
    scores = reward.score_batch([{"completion": t["solution"], "answer": t["answer"]} for t in tasks])
    assert all(s.value == pytest.approx(1.1) for s in scores)
    assert any("+" in t["question"] and "*" in t["question"] for t in tasks)
    worked = next(t for t in make_tasks(500, 0) if t["question"] == "What is 2 + 3 * 4?")
    assert worked["answer"] == "14" and worked["solution"].startswith("<think>3*4=12;2+12=14</think>")


def test_rejection_sampling_keeps_only_rows_above_threshold(tmp_path):
    policy = tiny_policy()
    reward = build(DEMO_RECIPE)
    counts = rejection_sample(policy, reward, make_tasks(4, 0), tmp_path, samples=2, threshold=-1.0,
                              max_new_tokens=6)
    kept = [json.loads(line) for line in (tmp_path / "sft.jsonl").read_text().splitlines()]
    assert counts["kept"] == len(kept) == 4  # one per prompt: every reward is >= -1
    assert all({"prompt", "completion", "answer", "reward", "rewards"} <= set(r) for r in kept)
    assert len((tmp_path / "samples.scored.jsonl").read_text().splitlines()) == 8
    assert rejection_sample(policy, reward, make_tasks(4, 0), tmp_path, samples=2, threshold=5.0,
                            max_new_tokens=6)["kept"] == 0


def test_cli_trains_on_user_data_and_resumes(tmp_path, capsys):
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"question": t["question"], "gold": t["answer"], "sol": t["solution"]})
                            + "\n" for t in make_tasks(20, 0)))
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps(DEMO_RECIPE))
    out = tmp_path / "run"
    base = ["train", "-r", str(recipe), "-d", str(data), "--map", "prompt=question", "--map", "answer=gold",
            "-o", str(out), "--no-progress", "--set", "prompts_per_step=2", "--set", "num_generations=2",
            "--set", "max_new_tokens=6"]
    assert main([*base, "--cold-start", "sol", "--cold-start-steps", "2", "--steps", "2"]) == 0
    assert main([*base, "--steps", "3", "--resume"]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [1, 2, 3] and "accuracy" in rows[0] and "format" in rows[0]
    assert main(["train", "-r", str(recipe)]) == 2  # no data: usage error
    assert main([*base, "--set", "loss_type=ppo"]) == 2
    assert "loss_type" in capsys.readouterr().err


def test_the_cli_registers_train_without_importing_torch():
    code = ("import sys, rewardkit.cli as c; c.build_parser(); "
            "assert 'torch' not in sys.modules and 'matplotlib' not in sys.modules, 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})


def test_metric_columns_include_a_named_combiner():
    # The trainer used to list only the leaves, so the named combiner `format` had no metric column.
    recipe = {"combine": "sum", "components": [
        {"use": "exact_match", "name": "accuracy"},
        {"combine": "max", "name": "format", "weight": 0.1, "components": [{"use": "think_format"},
                                                                            {"use": "tag_count"}]}]}
    cfg = GRPOConfig(steps=1, prompts_per_step=2, num_generations=2, max_new_tokens=4, learning_rate=1e-3)
    row = train(tiny_policy(), recipe, make_tasks(4, 0), cfg, progress=False)[0]
    assert {"accuracy", "think_format", "tag_count", "format"} <= set(row)


# ------------------------------------------------------------------------------------------- trainer fixes

@pytest.mark.parametrize("loss_type", ["grpo", "bnpo", "dr_grpo", "dapo"])
def test_gradient_accumulation_gives_the_whole_batch_update(loss_type):
    from rewardkit.train.grpo import micro_batches, optimise

    policy = tiny_policy()
    rollout = policy.generate(["What is 1 + 1?", "What is 2 * 3 + 1?"] * 3, 8, 1.0)
    adv = torch.linspace(-1.0, 1.0, len(rollout))
    grads = []
    for count in (1, 2, 4):
        model = tiny_policy()
        cfg = GRPOConfig(loss_type=loss_type, max_new_tokens=8, beta=0.04, max_grad_norm=0.0,
                         gradient_accumulation_steps=count)
        ref = model.token_logps(rollout, 1.0).detach() + 0.1  # any reference: the KL term must add up too
        optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
        stats = optimise(model, optimizer, rollout, adv, rollout.completion_mask, None, ref, cfg,
                         micro_batches(len(rollout), count))
        grads.append((torch.cat([p.grad.flatten() for p in model.parameters()]), stats))
    for grad, stats in grads[1:]:
        assert torch.allclose(grad, grads[0][0], atol=1e-6)
        assert stats["loss"] == pytest.approx(grads[0][1]["loss"], abs=1e-6)
        assert stats["kl"] == pytest.approx(grads[0][1]["kl"], rel=1e-4)


def test_micro_batches_cover_every_row_once():
    from rewardkit.train.grpo import micro_batches

    for n, count in [(6, 4), (3, 8), (64, 3), (1, 1)]:
        parts = micro_batches(n, count)
        assert [i for p in parts for i in range(n)[p]] == list(range(n)) and len(parts) == min(n, count)


def test_the_built_in_gpt_trains_on_one_thread_whatever_the_entry_point():
    from rewardkit.train.policy import policy_threads

    torch.set_num_threads(2)
    try:
        seen = []
        cfg = GRPOConfig(steps=1, prompts_per_step=1, num_generations=2, max_new_tokens=4, learning_rate=1e-3)
        train(tiny_policy(), DEMO_RECIPE, make_tasks(2, 0), cfg, progress=False,
              on_step=lambda row: seen.append(torch.get_num_threads()))
        assert seen == [1] and torch.get_num_threads() == 2  # restored afterwards
        with policy_threads(object()):  # a policy that asks for nothing is left alone
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_cli_reports_before_training_and_uses_the_documented_learning_rate(tmp_path, capsys):
    from rewardkit.train.cli import LEARNING_RATES

    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"prompt": t["prompt"], "answer": t["answer"]}) + "\n"
                            for t in make_tasks(6, 0)))
    out = tmp_path / "run"
    args = ["train", "-r", str(ROOT / "examples" / "recipes" / "r1_zero.yaml"), "-d", str(data), "-o", str(out),
            "--steps", "1", "--set", "prompts_per_step=1", "--set", "num_generations=2", "--set",
            "max_new_tokens=4"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "building the policy" in err and f"learning rate {LEARNING_RATES['gpt']:g}" in err
    saved = torch.load(out / "checkpoint.pt", weights_only=False)["config"]
    assert saved["learning_rate"] == LEARNING_RATES["gpt"] == 2e-4
    assert main([*args, "--export", str(tmp_path / "x")]) == 2  # --export is for Hugging Face policies
    assert "--export" in capsys.readouterr().err


def test_template_affixes_become_single_tokens_at_word_boundaries():
    from rewardkit.train.cli import make_policy, template_affixes

    rows = make_tasks(50, 0)
    prefix, suffix = template_affixes([r["prompt"] for r in rows])
    assert prefix.endswith("User: What is ") and suffix == "?. Assistant:"
    assert template_affixes(["What is 1 + 1?", "What is 12 + 1?"]) == ("What is ",)  # not "What is 1"
    assert template_affixes(["short a", "short b"]) == ()  # too short to matter
    policy = make_policy("gpt", rows, "cpu", None, 28)
    assert policy.model.cfg.block_size < 64  # the demo's size: the template costs two positions, not 400


def test_a_seeded_demo_run_repeats_exactly_on_the_same_machine(tmp_path):
    from rewardkit.train.demo import run_demo

    runs = [run_demo(steps=2, seed=3, output_dir=tmp_path / name, cold_start_steps=3, progress=False,
                     log=lambda *_: None, prompts_per_step=2, num_generations=3) for name in ("a", "b")]
    assert [r["reward"] for r in runs[0]["history"]] == [r["reward"] for r in runs[1]["history"]]
    assert runs[0]["cold_start_loss"] == runs[1]["cold_start_loss"]


def test_the_vocabulary_does_not_depend_on_the_hash_seed():
    # specials of equal length ("</think>", "<answer>") were ordered by set iteration: another PYTHONHASHSEED,
    # another vocabulary, another run from the same --seed
    code = "from rewardkit.train.demo import demo_tokenizer; print(demo_tokenizer().vocab)"
    vocabs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                             env={"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(vocabs) == 1
