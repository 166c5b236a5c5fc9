"""The ``lumina-wave`` command line: a thin layer over the commands package."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from lumina_wave import __version__, commands
from lumina_wave.errors import EXIT_BAD_INPUT, EXIT_FAILURES, GitHubError, InputError, one_line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lumina-wave",
        description="Run batches of GitHub issues in parallel, in dependency order.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="print debug details (API call counts, …)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 done, 1 failures, 2 bad input)."""
    args = build_parser().parse_args(argv)
    if args.debug:
        os.environ["LUMINA_WAVE_DEBUG"] = "1"
    try:
        return int(args.run(args))
    except InputError as exc:
        print(f"lumina-wave: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except GitHubError as exc:
        print(f"lumina-wave: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_FAILURES
    except BrokenPipeError:
        # the reader went away (`lumina-wave plan --format json | head`): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURES
