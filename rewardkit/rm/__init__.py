"""Learned reward models: a pretrained (or tiny built-in) transformer plus a scalar head, trained on
`prompt / chosen / rejected` pairs with the Bradley–Terry loss, evaluated RewardBench-style and served
as the `reward_model` scorer.

    rewardkit rm train pairs.jsonl -o runs/rm --backbone minilm --freeze-backbone
    rewardkit rm eval runs/rm test_pairs.jsonl --summary-json summary.json

Modules: `config` (torch-free: training settings, checks of a saved model directory), `backbone` (the tiny
transformer, its byte tokenizer, Hugging Face loading), `model` (pooling, head, encoding of prompt + response,
save / load), `data` (the pairs file), `train`, `eval`, `synthetic` (preference sets with a known answer),
`cli`. torch and transformers load only inside those modules (extra `rm`), never on `import rewardkit`.
"""
