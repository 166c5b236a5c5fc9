"""``demo``: the LuminaGuard wave in a throwaway repository, no network, no token."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_INTERRUPTED_LINE, add_command

    demo = add_command(
        subparsers,
        "demo",
        summary="run the three-issue LuminaGuard wave in a throwaway repository (no network): "
        "once with a scripted failure, then --retry failed",
        description="Run the LuminaGuard wave of examples/luminaguard.yml with `local` in a "
        "throwaway git repository, with a demo agent: no network, no token.",
        examples=("lumina-wave demo", "lumina-wave demo --keep"),
        exit_codes=("0  the demo ran", "1  the demo's wave did not end as it should", EXIT_INTERRUPTED_LINE),
    )
    demo.add_argument(
        "--keep",
        action="store_true",
        help="keep the throwaway repository and name it, its summary.md and logs",
    )
    demo.set_defaults(run=lambda args, context: _run(args))


def _run(args: argparse.Namespace) -> int:
    import signal

    from lumina_wave.demo_wave import run_demo

    try:
        return run_demo(keep=args.keep)
    except KeyboardInterrupt:  # between the runs (in a run, Ctrl-C cancels the agents)
        return 128 + signal.SIGINT
