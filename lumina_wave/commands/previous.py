"""``previous``: the earlier run a retry run continues, when the caller names none.

A retry run (input ``retry``) needs the earlier run's plan and result records. Without
``previous-run-id`` it takes the run recorded in a hidden line of the newest lumina-wave summary
comment (:func:`lumina_wave.continuation.run_line`; by our own login, as
:mod:`lumina_wave.publish` decides which comments are ours) on the first ``comment-on`` target,
else on the triggering issue or PR: the run that last summarized that plan there. No such
comment is bad input (exit 2), before anything is downloaded.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_OK, InputError
from lumina_wave.summary import marker

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.runner import Runner

_MARKER = re.compile(re.escape(marker("@")).replace("@", "([0-9a-f]{12})"))


def previous_run(client: GitHubClient, target: int) -> str | None:
    """The run id in the newest of our summary comments on ``target`` (the highest run id: GitHub
    numbers runs in order), None when none records one."""
    from lumina_wave.continuation import parse_run
    from lumina_wave.github import comments
    from lumina_wave.publish import decide

    found = comments.list_comments(client, target)
    plans = {m[1] for c in found if (m := _MARKER.fullmatch(c.body.split("\n", 1)[0].strip()))}
    if not plans:
        return None
    login = comments.own_login(client)
    runs = [parse_run(keep.body) for p in sorted(plans) if (keep := decide(found, p, login).keep)]
    return max((r for r in runs if r), key=int, default=None)


def find(client: GitHubClient, target: int | None) -> str:
    """:func:`previous_run` on ``target``; bad input naming what is missing when there is none."""
    if target is None:
        raise InputError(
            "input 'retry' needs the earlier run: pass previous-run-id (or comment-on, or run it from the issue)"
        )
    run = previous_run(client, target)
    if run is None:
        raise InputError(
            f"input 'retry': no earlier run to retry, no lumina-wave summary comment on #{target} names one;"
            " pass previous-run-id"
        )
    return run


# --- options -------------------------------------------------------------------------------

SPEC = (
    opts.option(
        "comment-on",
        "the issue or PR that holds the summary comment (required)",
        kind="numbers",
        metavar="N",
        required=True,
        default=None,
    ),
    opts.repository("the GitHub repository (default: $GITHUB_REPOSITORY)"),
)


@dataclass(frozen=True)
class PreviousOptions:
    comment_on: tuple[int, ...]
    repo: str


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

    parser = add_command(
        subparsers,
        "previous",
        summary="print the run of the newest lumina-wave summary comment on an issue or PR",
        description="Find the run a retry continues: the run id that the newest lumina-wave summary "
        "comment on an issue or PR names (token from GITHUB_TOKEN).",
        examples=("GITHUB_TOKEN=... lumina-wave previous --comment-on 155 --github-repo octo/app",),
        exit_codes=("0  printed the run id", EXIT_BAD_INPUT_LINE + "; or no summary comment names a run"),
    )
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(run=lambda args, context: run(opts.from_cli(PreviousOptions, SPEC, args), context))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(PreviousOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: PreviousOptions, context: Context, runner: Runner | None = None) -> int:
    """Print the run id (CLI), or set it as output ``run-id`` (action: the first ``comment-on``
    target, else the triggering issue or PR)."""
    from lumina_wave.publish import first_targets

    repo = options.repo or context.repository
    if not repo or not context.token:
        if runner is None:
            raise InputError("previous needs --github-repo OWNER/NAME and a token in GITHUB_TOKEN")
        raise InputError("previous needs a repository and a token (input github-token)")
    triggered_by = context.triggered_by if runner is not None else None
    targets = first_targets(options.comment_on, triggered_by)
    found = find(context.github(repo), targets[0] if targets else None)
    if runner is None:
        print(found)
        return EXIT_OK
    runner.set_output("run-id", found)
    print(
        f"lumina-wave: retrying the plan of run {found} (its summary comment on #{targets[0]})",
        file=sys.stderr,
    )
    return EXIT_OK
