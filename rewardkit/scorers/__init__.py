"""Built-in scorers, one module per family. They are registered by name in `rewardkit.registry`."""
