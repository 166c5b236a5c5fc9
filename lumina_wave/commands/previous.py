"""``previous``: the earlier run a retry run continues, when the caller names none.

A retry run (input ``retry``) needs the earlier run's plan and result records. Without
``previous-run-id`` it takes the run recorded in a hidden line of the newest lumina-wave summary
comment (:func:`lumina_wave.continuation.run_line`; by our own login, as
:mod:`lumina_wave.publish` decides which comments are ours) on the first ``comment-on`` target,
else on the triggering issue or PR: the run that last summarized that plan there. No such
comment is bad input (exit 2), before anything is downloaded.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_OK, InputError
from lumina_wave.runner import Runner
from lumina_wave.summary import marker

if TYPE_CHECKING:
    import argparse

    from lumina_wave.github.client import GitHubClient

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
    parser.add_argument(
        "--comment-on",
        dest="number",
        metavar="N",
        type=int,
        required=True,
        help="the issue or PR that holds the summary comment (required)",
    )
    parser.add_argument(
        "--github-repo",
        dest="repo",
        metavar="OWNER/NAME",
        default=os.environ.get("GITHUB_REPOSITORY", ""),
        help="the GitHub repository (default: $GITHUB_REPOSITORY)",
    )
    parser.set_defaults(run=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    from lumina_wave.github.client import connect

    token = os.environ.get("GITHUB_TOKEN", "")
    if not args.repo or not token:
        raise InputError("previous needs --github-repo OWNER/NAME and a token in GITHUB_TOKEN")
    client = connect(args.repo, token, os.environ.get("GITHUB_API_URL") or None)
    print(find(client, args.number))
    return EXIT_OK


# --- action --------------------------------------------------------------------------------


def run_action(runner: Runner) -> int:
    from lumina_wave.github.client import connect
    from lumina_wave.publish import first_targets, parse_numbers, triggering_number

    repo = runner.input("repository", os.environ.get("GITHUB_REPOSITORY", ""))
    token = runner.input("github-token")
    if not repo or not token:
        raise InputError("previous needs a repository and a token (input github-token)")
    targets = first_targets(
        parse_numbers(runner.input("comment-on")), triggering_number(os.environ.get("GITHUB_EVENT_PATH"))
    )
    client = connect(repo, token, os.environ.get("GITHUB_API_URL") or None)
    run = find(client, targets[0] if targets else None)
    runner.set_output("run-id", run)
    print(
        f"lumina-wave: retrying the plan of run {run} (its summary comment on #{targets[0]})", file=sys.stderr
    )
    return EXIT_OK
