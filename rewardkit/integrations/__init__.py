"""Adapters that plug rewardkit recipes into RL trainers: TRL (`trl`), verl (`verl`); OpenRLHF and any HTTP
client use the reward server (`rewardkit.server`). Each adapter imports its trainer lazily, if at all."""
