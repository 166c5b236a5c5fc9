"""``summarize``: the fan-in. Plan + result records (+ the run's job timings) into the completion
summary, written to files, the job summary, outputs and sticky comments."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.plan import Plan
from lumina_wave.results import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR, write_summary_files
from lumina_wave.runner import Runner

if TYPE_CHECKING:
    import argparse

    from lumina_wave.continuation import Window
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.summary import Summary


def load(
    plan_file: str,
    results_dir: str,
    digest: str = "",
    repo_url: str | None = None,
    warnings: list[str] | None = None,
) -> tuple[Plan, dict[int, dict]]:
    """The plan and this plan's result records, both validated; with ``warnings``, records are
    also checked against the plan and ``repo_url`` (see :func:`lumina_wave.results.record_problem`)."""
    from lumina_wave.commands.prepare import load_plan
    from lumina_wave.results import read_results

    plan = load_plan(plan_file, digest)
    checks = (
        {"issues": plan.items, "repo_url": repo_url, "warnings": warnings} if warnings is not None else {}
    )
    return plan, read_results(results_dir, plan.plan_id, **checks)


def exit_code(all_done: bool) -> int:
    return EXIT_OK if all_done else EXIT_FAILURES


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="summarize a wave from its plan and result records (exit 1 if any issue is not done)",
    )
    parser.add_argument("--plan", default=DEFAULT_PLAN_FILE, metavar="FILE", help="plan.json")
    parser.add_argument("--results", default=DEFAULT_RESULTS_DIR, metavar="DIR", help="result records")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(run=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    from lumina_wave.summary import build_summary, render_markdown, render_text, summary_to_json

    plan, results = load(args.plan, args.results)
    summary = build_summary(plan, results)
    if args.format == "json":
        json.dump(summary_to_json(summary), sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(summary))
    else:
        print(render_text(summary))
    return exit_code(summary.all_done)


# --- action --------------------------------------------------------------------------------


def run_action(runner: Runner) -> int:
    """Summarize, write summary.json/summary.md, the job summary and outputs, then publish comments.

    Exit 1 when any issue due in this run is not done or a comment could not be written, after
    everything else was published. Issues of waves after this run's window (a deeper plan, see
    :mod:`lumina_wave.continuation`) are pending: the follow-up run this one dispatches works them.
    """
    from lumina_wave.continuation import window
    from lumina_wave.publish import first_targets, parse_numbers, triggering_number
    from lumina_wave.runner import STEP_SUMMARY_LIMIT
    from lumina_wave.summary import (
        build_summary,
        render_markdown,
        render_text,
        summary_for_output,
        summary_to_json,
    )

    plan_file = runner.input("plan-file", DEFAULT_PLAN_FILE)
    results_dir = runner.input("results-dir", DEFAULT_RESULTS_DIR)
    comment_on = parse_numbers(runner.input("comment-on"))
    triggered_by = triggering_number(os.environ.get("GITHUB_EVENT_PATH"))
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = runner.input("repository", os.environ.get("GITHUB_REPOSITORY", ""))
    rejected: list[str] = []
    plan, results = load(
        plan_file, results_dir, runner.input("plan-digest"), f"{server}/{repo}" if repo else None, rejected
    )
    for line in rejected:
        runner.warning(line)
    works = window(
        plan.wave_count,
        runner.int_input("start-wave", 1),
        runner.int_input("max-waves", 0, minimum=0) or None,
    )

    run_repo = os.environ.get("GITHUB_REPOSITORY", "")
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    token = runner.input("github-token")
    run_url = f"{server}/{run_repo}/actions/runs/{run_id}" if run_repo and run_id.isdigit() else None

    client = _client_for(repo, token) if token and repo else None
    jobs = _jobs(runner, token, run_repo, run_id, client) if token and run_url else None
    summary = build_summary(
        plan, results, jobs, run_url, f"{server}/{repo}" if repo else None, through_wave=works.last
    )

    data = summary_to_json(summary)
    full = render_markdown(summary)
    write_summary_files(Path(results_dir).parent, data, full)
    runner.add_summary(
        render_markdown(
            summary,
            STEP_SUMMARY_LIMIT,
            lambda text: len(text.encode()),
            "`summary.md` of the run's artifacts",
            full=full,
        )
    )
    runner.set_output("summary-json", summary_for_output(data))
    runner.set_output("success-rate", f"{summary.success_rate:.4g}")
    runner.set_output("failed-count", str(summary.not_done_count))
    print(render_text(summary))

    published = _publish(runner, client, summary, full, comment_on, triggered_by) if client else True
    if works.next_start is not None:
        _follow_up(runner, plan, works, first_targets(comment_on, triggered_by), token, client)
    if client is not None:
        client.log_calls()
    return exit_code(summary.all_done and published)


def _follow_up(
    runner: Runner, plan: Plan, works: Window, carry: list[int], token: str, client: GitHubClient | None
) -> None:
    """Dispatch the calling workflow again for waves ``works.next_start`` on (GITHUB_WORKFLOW_REF).

    ``carry`` are the comment targets the follow-up run gets as its ``comment-on``: the ones
    this run named first (:func:`~lumina_wave.publish.first_targets`), so it comments where
    this run did.
    """
    from lumina_wave.continuation import follow_up_inputs, parse_workflow_ref
    from lumina_wave.github.dispatch import dispatch_workflow

    run_id = os.environ.get("GITHUB_RUN_ID", "")
    if not token or not run_id.isdigit():
        raise InputError(
            f"the plan has {plan.wave_count} waves; continuing at wave {works.next_start} needs a token and GITHUB_RUN_ID"
        )
    caller = parse_workflow_ref(os.environ.get("GITHUB_WORKFLOW_REF", ""))
    inputs = follow_up_inputs(plan.plan_id, works.next_start, run_id, carry)
    dispatch_workflow(_client_for(caller.repo, token, client), caller.workflow, caller.ref, inputs)
    line = (
        f"waves {works.first}-{works.last} of {plan.wave_count} done here; waves {works.next_start}-"
        f"{plan.wave_count} continue in a follow-up run of {caller.workflow} (start-wave {works.next_start})"
    )
    print(f"lumina-wave: {line}")
    runner.add_summary(f"\n_{line}_\n")


def _client_for(repo: str, token: str, client: GitHubClient | None = None) -> GitHubClient:
    """``client`` when it is connected to ``repo``, else a new connection (GITHUB_API_URL or github.com)."""
    from lumina_wave.github.client import connect

    return client if client is not None and client.full_name == repo else connect(repo, token)


def _jobs(runner: Runner, token: str, run_repo: str, run_id: str, client: GitHubClient | None):
    """The run's jobs, or None (with a warning) when they cannot be read."""
    from lumina_wave.errors import GitHubError
    from lumina_wave.github.jobs import run_jobs

    try:
        return run_jobs(_client_for(run_repo, token, client), int(run_id))
    except GitHubError as exc:
        runner.warning(f"job timings unavailable, using the result records' times: {exc}")
        return None


def _publish(
    runner: Runner,
    client: GitHubClient,
    summary: Summary,
    full: str,
    comment_on: list[int],
    triggered_by: int | None,
) -> bool:
    """Write the sticky comments; False when any target failed (each failure is annotated).

    ``full`` is the summary's markdown, already rendered; it is shortened only when too long.
    """
    from lumina_wave.publish import Publisher, comment_targets
    from lumina_wave.summary import COMMENT_LIMIT, render_markdown

    prs = [o.pr_number for o in summary.outcomes if o.pr_number]
    targets = comment_targets(prs, comment_on, triggered_by)
    if not targets:
        print("no issue or PR to comment on (no PRs, no comment-on, no triggering issue)")
        return True
    body = render_markdown(summary, COMMENT_LIMIT, full=full)
    ok = True
    for outcome in Publisher(client, summary.plan.plan_id).publish(targets, body):
        if outcome.action == "failed":
            runner.error(f"summary comment on #{outcome.target} not written: {outcome.error}")
            ok = False
            continue
        removed = f", removed {outcome.deleted} duplicate(s)" if outcome.deleted else ""
        print(f"summary comment on #{outcome.target}: {outcome.action}{removed}")
    return ok
