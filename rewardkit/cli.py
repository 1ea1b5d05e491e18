"""The `rewardkit` command line. Each subcommand lives in the module that implements it and adds its own
parser through `add_cli(subparsers)`; this file is the one boundary that turns errors into messages and
exit codes (and survives being piped into `head`)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from rewardkit.errors import RewardkitError

# Modules that contribute subcommands; each must import nothing heavy at module level.
COMMAND_MODULES = ("rewardkit.cli", "rewardkit.batch.cli", "rewardkit.filter", "rewardkit.vote",
                   "rewardkit.server", "rewardkit.rm.cli", "rewardkit.train.cli", "rewardkit.probe.cli")


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """The `list` subcommand: every registered scorer with its description and parameters."""
    parser = subparsers.add_parser("list", help="list registered scorers with their parameters")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.set_defaults(func=_run_list)


def _run_list(args: argparse.Namespace) -> int:
    from rewardkit.registry import describe_all

    rows = describe_all()
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    for row in rows:
        print(f"{row['name']:<22} {row['description']}")
        for key, param in row["params"].items():
            default = "required" if param["required"] else f"default {param['default']!r}"
            print(f"    {key}: {param['type']} ({default}){' - ' + param['help'] if param['help'] else ''}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from rewardkit import __version__

    parser = argparse.ArgumentParser(prog="rewardkit", description="Reward functions and verifiers for RL of LMs.")
    parser.add_argument("--version", action="version", version=f"rewardkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).add_cli(subparsers)
    _show_defaults(parser)
    return parser


def _show_defaults(parser: argparse.ArgumentParser) -> None:
    """Every option's help names its default, in every subcommand, unless its text already does."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                _show_defaults(sub)
            continue
        default, text = action.default, action.help or ""
        if (not action.option_strings or text == argparse.SUPPRESS or isinstance(default, bool)
                or default in (None, "", [], argparse.SUPPRESS) or "default" in text or text.endswith("]")):
            continue
        action.help = f"{text} (default %(default)s)" if text else "default %(default)s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except RewardkitError as exc:
        print(f"rewardkit: error: {exc}", file=sys.stderr)
        # a command whose exit status 1 means a result (probe: "found") maps every error to its own code
        return getattr(args, "error_exit_code", None) or exc.exit_code
    except KeyboardInterrupt:
        print("rewardkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # piped into `head`: stop quietly, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # an output directory that does not exist, a full disk: a message, not a traceback
        print(f"rewardkit: error: {exc}", file=sys.stderr)
        return getattr(args, "error_exit_code", None) or 1


if __name__ == "__main__":
    raise SystemExit(main())
