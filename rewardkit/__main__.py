"""`python -m rewardkit ...` is the same as the `rewardkit` command."""

from rewardkit.cli import main

raise SystemExit(main())
