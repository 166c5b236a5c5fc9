"""The ``lumina-wave`` command line: a thin layer over the commands package."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from lumina_wave import __version__, commands
from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, EXIT_INTERRUPTED_LINE, HelpFormatter
from lumina_wave.errors import EXIT_BAD_INPUT, EXIT_FAILURES, GitHubError, InputError, one_line, problem_lines

EPILOG = f"""\
A wave on GitHub runs plan, then per issue prepare, the agent and collect, then publish per wave,
then summarize (the reusable workflow does it all). On one machine, `local` runs the whole wave.
`lumina-wave COMMAND --help` shows a command's options, examples and exit codes.

examples:
  lumina-wave demo
  lumina-wave validate --manifest .github/waves.yml
  lumina-wave local --manifest .github/waves.yml --agent examples/agent.sh

exit codes:
  0  done: every issue done, or the command did what it was asked
  1  some issue is not done, or GitHub refused a call
  {EXIT_BAD_INPUT_LINE}
  {EXIT_INTERRUPTED_LINE}
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lumina-wave",
        description="Run batches of GitHub issues in parallel, in dependency order.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="print debug details (API call counts, …)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in command_modules():
        importlib.import_module(f"{commands.__name__}.{name}").add_parser(subparsers)
    return parser


def command_modules() -> list[str]:
    """The command modules, in pipeline order (:data:`commands.CLI_ORDER`)."""
    names = [info.name for info in pkgutil.iter_modules(commands.__path__)]
    rank = {name: index for index, name in enumerate(commands.CLI_ORDER)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 done, 1 failures, 2 bad input)."""
    from dataclasses import replace

    from lumina_wave.context import Context

    args = build_parser().parse_args(argv)
    # the CLI works here: its workspace is the current directory, its token GITHUB_TOKEN
    context = replace(Context.from_env(os.environ, debug=args.debug), workspace=os.getcwd())
    try:
        return int(args.run(args, context))
    except InputError as exc:
        for line in problem_lines(exc):
            print(f"lumina-wave: error: {one_line(line)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except GitHubError as exc:
        print(f"lumina-wave: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_FAILURES
    except BrokenPipeError:
        # the reader went away (`lumina-wave plan --format json | head`): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURES
