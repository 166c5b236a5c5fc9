"""``finish``: end one leg where its agent ran — commit, push, open or update its PR, and write its
result record. A command line tool only: on GitHub the agent's job holds no write token, so the
action splits this into ``collect`` (in the agent's job) and ``publish`` (in a job of its own)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_FAILURES, EXIT_OK
from lumina_wave.legs import OUTCOMES
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR

if TYPE_CHECKING:
    import argparse

    from lumina_wave.results import ResultRecord


def own_paths(workdir: str, *paths: str) -> tuple[str, ...]:
    """``paths`` that lie inside ``workdir``, relative to it (never to be committed)."""
    root = Path(workdir).resolve()
    out = []
    for path in paths:
        full = (root / path).resolve()
        if full.is_relative_to(root) and full != root:
            out.append(full.relative_to(root).as_posix())
    return tuple(out)


def exit_code(record: ResultRecord) -> int:
    """Non-zero when the leg failed, so its job shows red."""
    return EXIT_FAILURES if record["status"] in ("failed", "cancelled") else EXIT_OK


def _pulls(repo: str, token: str):
    """PR access when a token and a repository are known, else None (no PR calls)."""
    if not (repo and token):
        return None
    from lumina_wave.github.client import connect
    from lumina_wave.github.pulls import Pulls

    return Pulls(connect(repo, token))


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command, old_spelling

    parser = add_command(
        subparsers,
        "finish",
        summary="end one leg: commit, push, PR, result record",
        description="End the leg of one issue where its agent ran, in one step (collect and publish "
        "together, for a machine that may hold a write token): commit, push, open or update its PR "
        "(token from GITHUB_TOKEN) and write its result record. Prints the record's path.",
        examples=(
            "lumina-wave finish --issue 154 --agent-outcome success --no-push",
            "GITHUB_TOKEN=... lumina-wave finish --issue 154 --agent-outcome success --pr-label wave",
        ),
        exit_codes=("0  the leg is done", "1  the leg failed or was cancelled", EXIT_BAD_INPUT_LINE),
    )
    parser.add_argument("--plan", metavar="FILE", default=DEFAULT_PLAN_FILE, help="the plan (plan.json)")
    parser.add_argument(
        "--issue", metavar="N", type=int, required=True, help="the issue of the leg (required)"
    )
    parser.add_argument(
        "--results-dir", metavar="DIR", default=DEFAULT_RESULTS_DIR, help="where result-N.json goes"
    )
    parser.add_argument(
        "--agent-outcome",
        choices=OUTCOMES,
        required=True,
        help="how the agent's step ended, as GitHub's steps.<id>.outcome says (required)",
    )
    parser.add_argument(
        "--context-dir", metavar="DIR", default="", help="where prepare left its state (default: prepare's)"
    )
    parser.add_argument(
        "--github-repo",
        dest="repo",
        metavar="OWNER/NAME",
        default=os.environ.get("GITHUB_REPOSITORY", ""),
        help="the GitHub repository of the PR (default: $GITHUB_REPOSITORY; none: no PR)",
    )
    parser.add_argument("--no-push", action="store_true", help="commit only: no push, no PR")
    parser.add_argument("--draft", action="store_true", default=None, help="open the PR as a draft")
    parser.add_argument(
        "--pr-label", dest="label", metavar="LABEL", action="append", default=[],
        help="a label to add to the PR (repeatable; default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--author",
        metavar="'NAME <EMAIL>'",
        default="",
        help="the commit's author (default: the Actions bot)",
    )
    parser.add_argument("--pr-on-failure", action="store_true", help="open a PR even when the agent failed")
    old_spelling(parser, "--repo", "--github-repo", "repo")
    old_spelling(parser, "--label", "--pr-label", "label", append=True)
    parser.set_defaults(run=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    from lumina_wave.commands.prepare import _check_issue, parse_author
    from lumina_wave.legs import FinishOptions, finish_leg
    from lumina_wave.store import context_dirs, load_plan, read_leg_state, write_result
    from lumina_wave.usage import read_usage, usage_path

    plan = load_plan(args.plan)
    _check_issue(plan, args.issue)
    context = Path(args.context_dir) if args.context_dir else context_dirs(dict(os.environ))[0]
    state = read_leg_state(context, args.issue, agent_ran=args.agent_outcome != "skipped")
    usage, warning = read_usage(usage_path(context, args.issue))
    if warning:
        print(f"lumina-wave: warning: {warning}", file=sys.stderr)
    workdir = os.getcwd()
    record = finish_leg(
        workdir,
        plan,
        args.issue,
        agent_outcome=args.agent_outcome,
        started_at=state.started_at if state else "",
        base=state.base if state else plan.base or "main",
        pulls=None if args.no_push else _pulls(args.repo, os.environ.get("GITHUB_TOKEN", "")),
        push=not args.no_push,
        options=FinishOptions(
            draft=args.draft,
            labels=tuple(args.label),
            pr_on_failure=args.pr_on_failure,
            author=parse_author(args.author),
            exclude=own_paths(workdir, args.plan, args.results_dir),
            default_base=state.default_base if state else None,
            start_commit=state.start if state else None,
            usage=usage,
        ),
    )
    path = write_result(args.results_dir, record)
    print(
        f"#{args.issue}: {record['status']}" + (f" ({record['error']})" if record["error"] else ""),
        file=sys.stderr,
    )
    print(path)
    return exit_code(record)
