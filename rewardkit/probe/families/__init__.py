"""The built-in probe families, one module per kind of reward they are aimed at (format, answers, shaping,
models). They are listed by import path in `rewardkit.probe.registry.BUILTINS` and loaded on first use."""
