"""``finish``: end one leg where its agent ran — commit, push, open or update its PR, and write its
result record. A command line tool only: on GitHub the agent's job holds no write token, so the
action splits this into ``collect`` (in the agent's job) and ``publish`` (in a job of its own)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_FAILURES, EXIT_OK
from lumina_wave.legs import OUTCOMES
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.github.pulls import Pulls
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


# --- options -------------------------------------------------------------------------------

SPEC = (
    opts.plan_file(DEFAULT_PLAN_FILE),
    opts.ISSUE,
    opts.option("results-dir", "where result-N.json goes", metavar="DIR", default=DEFAULT_RESULTS_DIR),
    opts.option("agent-outcome", opts.AGENT_OUTCOME_HELP, choices=OUTCOMES, required=True),
    opts.cli_only("--context-dir", "where prepare left its state (default: prepare's)", "", metavar="DIR"),
    opts.repository("the GitHub repository of the PR (default: $GITHUB_REPOSITORY; none: no PR)"),
    opts.cli_only("--no-push", "commit only: no push, no PR", "", kind="bool"),
    opts.option("draft", "open the PR as a draft", kind="maybe"),
    opts.PR_LABELS,
    opts.AUTHOR,
    opts.PR_ON_FAILURE,
    opts.COMMIT_MESSAGE,
    opts.PR_TITLE,
    opts.PR_BODY_TEMPLATE,
)


@dataclass(frozen=True)
class FinishCommandOptions:
    plan: str
    issue: int | None
    results_dir: str
    agent_outcome: str
    context_dir: str
    repo: str
    no_push: bool
    draft: bool | None
    labels: tuple[str, ...]
    author: str
    pr_on_failure: bool
    commit_message: str
    pr_title: str
    pr_body_template: str


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

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
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(
        run=lambda args, context: run(opts.from_cli(FinishCommandOptions, SPEC, args), context)
    )


# --- the command ---------------------------------------------------------------------------


def run(options: FinishCommandOptions, context: Context) -> int:
    from lumina_wave.context import parse_author
    from lumina_wave.legs import FinishOptions, finish_leg
    from lumina_wave.store import context_dirs, load_plan, read_leg_state, write_result
    from lumina_wave.usage import read_usage, usage_path

    plan = load_plan(options.plan)
    opts.check_issue(plan, options.issue)
    assert options.issue is not None
    where = Path(options.context_dir) if options.context_dir else context_dirs(dict(context.env))[0]
    state = read_leg_state(where, options.issue, agent_ran=options.agent_outcome != "skipped")
    usage, warning = read_usage(usage_path(where, options.issue))
    if warning:
        print(f"lumina-wave: warning: {warning}", file=sys.stderr)
    workdir = context.workdir
    repo = options.repo or context.repository
    record = finish_leg(
        workdir,
        plan,
        options.issue,
        agent_outcome=options.agent_outcome,
        started_at=state.started_at if state else "",
        base=state.base if state else plan.base or "main",
        pulls=None if options.no_push else pulls(context, repo),
        push=not options.no_push,
        options=FinishOptions(
            **opts.pr_fields(options),
            commit_message=options.commit_message,
            author=parse_author(options.author),
            exclude=own_paths(workdir, options.plan, options.results_dir),
            default_base=state.default_base if state else None,
            start_commit=state.start if state else None,
            usage=usage,
        ),
    )
    path = write_result(options.results_dir, record)
    print(
        f"#{options.issue}: {record['status']}" + (f" ({record['error']})" if record["error"] else ""),
        file=sys.stderr,
    )
    print(path)
    return exit_code(record)


def pulls(context: Context, repo: str) -> Pulls | None:
    """PR access when a token and a repository are known, else None (no PR calls)."""
    if not (repo and context.token):
        return None
    from lumina_wave.github.pulls import Pulls

    return Pulls(context.github(repo))
