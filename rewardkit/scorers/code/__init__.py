"""Code-execution rewards: test formats (`tests`), judging outside the sandbox (`verdict`), the scorer (`scorer`)."""
