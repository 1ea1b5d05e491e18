"""Adapters that plug rewardkit recipes into RL trainers: TRL (`trl`), verl (`verl`), OpenRLHF (`openrlhf`: its
remote reward-model protocol, served over HTTP by `rewardkit.server`). Each adapter imports its trainer lazily,
if at all."""
