"""Reward-model building blocks: losses, pooling, truncation, input layout, save -> load, data parsing."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from rewardkit.errors import ConfigError, InputError  # noqa: E402
from rewardkit.rm.data import parse_pair, read_pairs, split  # noqa: E402
from rewardkit.rm.model import RewardModel, build_model, fit, pool  # noqa: E402
from rewardkit.rm.train import bradley_terry_loss, centring_loss, pairwise_accuracy  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")



def t(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def test_bradley_terry_loss_values():
    # -log σ(0) = log 2; a big right margin costs ~0; a big wrong margin costs ~ the margin
    assert bradley_terry_loss(t(0.0), t(0.0)).item() == pytest.approx(math.log(2))
    assert bradley_terry_loss(t(50.0), t(0.0)).item() == pytest.approx(0.0, abs=1e-12)
    assert bradley_terry_loss(t(0.0), t(50.0)).item() == pytest.approx(50.0, rel=1e-9)
    assert math.isfinite(bradley_terry_loss(t(-1e4), t(1e4)).item())  # logsigmoid: no overflow
    # the mean over the batch
    both = bradley_terry_loss(t(1.0, -1.0), t(0.0, 0.0)).item()
    assert both == pytest.approx((-math.log(1 / (1 + math.exp(-1))) - math.log(1 / (1 + math.exp(1)))) / 2)


def test_margin_shifts_the_target():
    # with margin m the loss at r_c - r_r = m equals the plain loss at 0, and a smaller gap costs more
    assert bradley_terry_loss(t(3.0), t(1.0), t(2.0)).item() == pytest.approx(math.log(2))
    assert bradley_terry_loss(t(1.0), t(0.0), t(2.0)).item() > bradley_terry_loss(t(1.0), t(0.0)).item()
    # gradient: the margin pushes the chosen reward up harder
    r_c = t(1.0).requires_grad_()
    bradley_terry_loss(r_c, t(0.0), t(2.0)).backward()
    plain = t(1.0).requires_grad_()
    bradley_terry_loss(plain, t(0.0)).backward()
    assert r_c.grad.item() < plain.grad.item() < 0


def test_centring_and_accuracy():
    assert centring_loss(t(1.0, 2.0), t(-1.0, -2.0)).item() == 0.0  # symmetric around 0: no penalty
    assert centring_loss(t(3.0, 1.0), t(1.0, 1.0)).item() == pytest.approx((16 + 4) / 2)
    # centring does not change which answer wins: it is invariant to swapping chosen and rejected
    assert centring_loss(t(3.0), t(1.0)).item() == centring_loss(t(1.0), t(3.0)).item()
    assert pairwise_accuracy(t(1.0, 2.0, 3.0, 0.0), t(0.0, 2.0, 4.0, -1.0)) == 0.5  # the tie counts wrong


def test_pooling():
    hidden = torch.arange(2 * 4 * 1, dtype=torch.float32).reshape(2, 4, 1)  # values 0..7
    right = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    left = torch.tensor([[0, 0, 1, 1], [1, 1, 1, 1]])
    assert pool(hidden, right, "last").flatten().tolist() == [1.0, 7.0]
    assert pool(hidden, left, "last").flatten().tolist() == [3.0, 7.0]
    assert pool(hidden, right, "mean").flatten().tolist() == [0.5, 5.5]  # pads ignored
    assert pool(hidden, right, "cls").flatten().tolist() == [0.0, 4.0]


@pytest.mark.parametrize(("p", "r", "budget", "want_p", "want_r"), [
    (5, 5, 20, 5, 5),  # fits: untouched
    (100, 3, 20, 17, 3),  # long prompt: keeps its tail, the response whole
    (3, 100, 20, 3, 17),  # long response: keeps its head, the prompt whole
    (100, 100, 20, 5, 15),  # both long: the prompt keeps a quarter
    (0, 100, 20, 0, 20),
])
def test_fit_truncation(p, r, budget, want_p, want_r):
    prompt, response = list(range(p)), list(range(1000, 1000 + r))
    got_p, got_r = fit(prompt, response, budget)
    assert (len(got_p), len(got_r)) == (want_p, want_r)
    assert got_p == prompt[len(prompt) - want_p:] and got_r == response[:want_r]


def test_tiny_layout_feeds_prompt_and_response_together():
    model = build_model("tiny", max_length=32)
    batch = model.encode(["ab"], ["xyz"])
    ids = batch["input_ids"][0].tolist()
    # [CLS] a b [SEP] x y z [SEP]  (bytes are offset by 4)
    assert ids == [1, ord("a") + 4, ord("b") + 4, 2, ord("x") + 4, ord("y") + 4, ord("z") + 4, 2]
    assert batch["token_type_ids"][0].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    long = model.encode(["q" * 10_000], ["r" * 60_000])
    assert long["input_ids"].shape == (1, 32)  # hostile lengths are cut, not an error
    # the same response under another prompt scores differently: the score depends on the prompt
    a, b = model.score(["Reply in UPPERCASE.", "Reply in lowercase."], ["the answer is 5"] * 2)
    assert a != b


def test_save_load_identical_scores(tmp_path):
    model = build_model("tiny", head="mlp", head_hidden=16, seed=3)
    prompts = ["What is 2 + 3 * 4?", "", "Résous x² = 4.", "解方程"]
    responses = ["<think>3 * 4 = 12</think><answer>14</answer>", "hi", "x = ±2 \ud800", "答案是 2" * 50]
    before = model.score(prompts, responses)
    model.save(tmp_path / "rm")
    loaded = RewardModel.load(tmp_path / "rm", "cpu")
    assert loaded.score(prompts, responses) == before  # bit-identical
    assert json.loads((tmp_path / "rm" / "rm_config.json").read_text())["head"] == {"type": "mlp", "hidden": 16}


def test_batching_and_padding_do_not_change_scores():
    model = build_model("tiny")
    prompts = ["q"] * 5
    responses = ["a", "a much longer response " * 5, "mid length", "", "x" * 300]
    batched = model.score(prompts, responses, batch_size=64)
    single = [model.score([p], [r], batch_size=1)[0] for p, r in zip(prompts, responses, strict=True)]
    assert batched == pytest.approx(single, abs=1e-5)


def test_build_errors():
    with pytest.raises(ConfigError, match="backbone"):
        build_model("/nonexistent/model/dir")
    with pytest.raises(ConfigError, match="max_length"):
        build_model("tiny", max_length=100_000)


def test_parse_pairs_and_errors(tmp_path):
    pair = parse_pair({"prompt": [{"role": "user", "content": "hi"}],
                       "chosen": [{"role": "assistant", "content": "hello"}], "rejected": ["a", "b"],
                       "margin": 1.5, "subset": 3})
    assert (pair.prompt, pair.chosen, pair.rejected, pair.margin, pair.subset, pair.best_of_n) == \
        ("hi", "hello", ("a", "b"), 1.5, "3", True)
    chat = parse_pair({"chosen": "x", "rejected": [{"role": "assistant", "content": "no"}]})
    assert (chat.rejected, chat.best_of_n, chat.prompt) == (("no",), False, "")
    for bad in ({"chosen": "x"}, {"chosen": "x", "rejected": []}, {"chosen": "x", "rejected": "y", "margin": "1"},
                {"chosen": "x", "rejected": "y", "margin": float("nan")}, {"chosen": 3, "rejected": "y"}, [1]):
        with pytest.raises(ValueError):
            parse_pair(bad)
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"chosen": "a", "rejected": "b"}\n\n{"chosen": "a"}\n')
    with pytest.raises(InputError, match=r"pairs.jsonl:3: missing field\(s\) rejected"):
        read_pairs(path)
    with pytest.raises(InputError, match="not found"):
        read_pairs(tmp_path / "missing.jsonl")


def test_split_is_seeded_and_disjoint():
    pairs = [parse_pair({"chosen": str(i), "rejected": "x"}) for i in range(50)]
    train, val = split(pairs, 0.2, seed=1)
    assert len(val) == 10 and len(train) == 40
    assert {p.chosen for p in train}.isdisjoint({p.chosen for p in val})
    assert split(pairs, 0.2, seed=1) == (train, val)
    assert split(pairs, 0.0)[1] == []


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 300), st.integers(0, 300), st.integers(1, 200))
def test_fit_properties(p, r, budget):
    prompt, response = list(range(p)), list(range(1000, 1000 + r))
    got_p, got_r = fit(prompt, response, budget)
    assert got_p == prompt[len(prompt) - len(got_p):]  # a suffix of the prompt
    assert got_r == response[:len(got_r)]  # a prefix of the response
    assert len(got_p) + len(got_r) == min(p + r, budget)  # nothing dropped that would have fit


_json = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["prompt", "chosen", "rejected", "margin", "subset", "x"]), _json) | _json)
def test_parse_pair_only_raises_value_error(row):
    try:
        pair = parse_pair(row)
    except ValueError:
        return
    assert isinstance(pair.chosen, str) and pair.rejected and all(isinstance(r, str) for r in pair.rejected)
    assert math.isfinite(pair.margin)
