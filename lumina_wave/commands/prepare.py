"""``prepare``: start one leg — block it, or start its branch and hand the agent its context."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.git import Author
from lumina_wave.plan import Plan
from lumina_wave.runner import Runner
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR, context_dirs, load_plan

if TYPE_CHECKING:
    import argparse


def to_runner_path(value: str, here: Path, runner: Path) -> str:
    """``value`` with the container's context folder replaced by the runner's."""
    return str(runner / Path(value).relative_to(here)) if Path(value).is_relative_to(here) else value


def default_base(
    workdir: str, plan: Plan, given: str, remote: str = "origin", token: str | None = None
) -> str:
    """The base input, else the plan's base, else the repository's default branch (as the event
    names it, else as the remote says), else ``main``."""
    from lumina_wave.git import remote_default_branch

    return (
        given
        or plan.base
        or event_default_branch(os.environ.get("GITHUB_EVENT_PATH"))
        or remote_default_branch(workdir, remote, token)
        or "main"
    )


def event_default_branch(event_path: str | None) -> str | None:
    """``repository.default_branch`` of the event GitHub wrote (most events carry it; schedule
    does not): a round trip to the remote fewer for every leg and publisher."""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8")) if event_path else None
    except (OSError, ValueError):
        return None
    repository = event.get("repository") if isinstance(event, dict) else None
    name = repository.get("default_branch") if isinstance(repository, dict) else None
    valid = isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._/-]*", name) and ".." not in name
    return name if valid else None


def job_url(env: dict[str, str]) -> str | None:
    """The URL of the workflow run this leg belongs to, when running on Actions."""
    server, repo, run = (env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

    parser = add_command(
        subparsers,
        "prepare",
        summary="start one leg: its branch and the agent's context",
        description="Start the leg of one issue of the plan in the current git work tree: block it "
        "when a dependency is not done, else check out its branch feature/issue-N (from the base, or "
        "with --stack from its dependencies' branches) and write the agent's context files. Prints "
        "JSON: skip, the WAVE_* environment for the agent, and a record when blocked.",
        examples=(
            "lumina-wave prepare --issue 154",
            "lumina-wave prepare --plan plan.json --issue 155 --stack --results-dir results",
        ),
        exit_codes=(
            "0  started, or blocked (skip is true; a record is written)",
            "1  cannot start (merge conflict, missing base): recorded failed",
            EXIT_BAD_INPUT_LINE,
        ),
    )
    parser.add_argument("--plan", metavar="FILE", default=DEFAULT_PLAN_FILE, help="the plan (plan.json)")
    parser.add_argument(
        "--issue", metavar="N", type=int, required=True, help="the issue of the leg (required)"
    )
    parser.add_argument(
        "--results-dir", metavar="DIR", default=DEFAULT_RESULTS_DIR, help="the result records of earlier legs"
    )
    parser.add_argument("--stack", action="store_true", help="start from the dependencies' branches")
    parser.add_argument(
        "--base", metavar="BRANCH", default="", help="base branch (default: the plan's, else origin's HEAD)"
    )
    parser.add_argument(
        "--context-dir",
        metavar="DIR",
        default="",
        help="where the context files go, outside the work tree (default: $RUNNER_TEMP/lumina-wave, else the temp dir)",
    )
    parser.add_argument("--no-fetch", action="store_true", help="use local branches, do not fetch")
    add_existing_branch(parser)
    parser.set_defaults(run=_run_cli)


def add_existing_branch(parser: argparse.ArgumentParser) -> None:
    from lumina_wave.existing import DEFAULT_MODE, MODES

    parser.add_argument(
        "--existing-branch",
        choices=MODES,
        default=DEFAULT_MODE,
        help="a feature/issue-N with commits of others: build on it, restart it (keeping a backup ref) "
        "or leave the issue alone (default: %(default)s)",
    )


def _run_cli(args: argparse.Namespace) -> int:
    from lumina_wave.legs import LegError, failed_start_record, prepare_leg
    from lumina_wave.store import read_results, write_result

    plan = load_plan(args.plan)
    _check_issue(plan, args.issue)
    results = read_results(args.results_dir, plan.plan_id)
    context = Path(args.context_dir) if args.context_dir else context_dirs(dict(os.environ))[0]
    workdir = os.getcwd()
    try:
        prepared = prepare_leg(
            workdir,
            plan,
            args.issue,
            results,
            stack=args.stack,
            default_base=default_base(workdir, plan, args.base),
            context_dir=context,
            fetch=not args.no_fetch,
            existing=args.existing_branch,
        )
    except LegError as exc:
        record = failed_start_record(plan, args.issue, str(exc), job_url=job_url(dict(os.environ)))
        write_result(args.results_dir, record)
        print(f"lumina-wave: #{args.issue} cannot start: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    if prepared.record is not None:
        write_result(args.results_dir, prepared.record)
    json.dump({"skip": prepared.skip, "env": prepared.env, "record": prepared.record}, sys.stdout, indent=2)
    print()
    return EXIT_OK


def _check_issue(plan: Plan, issue: int | None) -> int:
    if issue is None:
        raise InputError("input 'issue' is required")
    if issue not in plan.items:
        raise InputError(f"issue #{issue} is not in plan {plan.plan_id}")
    return issue


def parse_author(text: str) -> Author:
    """The ``author`` input (``Name <email>``; empty gives the Actions bot)."""
    try:
        return Author.parse(text)
    except ValueError as exc:
        raise InputError(str(exc)) from None


# --- action --------------------------------------------------------------------------------


def run_action(runner: Runner) -> int:
    """Prepare the leg in the agent's job. A blocked or failed start leaves its draft record in
    ``out-dir`` for the publisher, which decides again from its own records."""
    from lumina_wave.commands.collect import DEFAULT_OUT_DIR
    from lumina_wave.existing import parse_mode
    from lumina_wave.legs import LegError, failed_start_record, prepare_leg
    from lumina_wave.safe_files import UnsafePath
    from lumina_wave.store import read_results, write_draft

    plan = load_plan(runner.input("plan-file", DEFAULT_PLAN_FILE), runner.input("plan-digest"))
    issue = _check_issue(plan, runner.int_input("issue"))
    results_dir = runner.input("results-dir", DEFAULT_RESULTS_DIR)
    author = parse_author(runner.input("author"))
    existing = parse_mode(runner.input("existing-branch"))
    results = read_results(results_dir, plan.plan_id)
    out_dir = runner.input("out-dir", DEFAULT_OUT_DIR)
    token = runner.input("github-token") or None  # the leg's: read access only
    env = dict(os.environ)
    workdir = env.get("GITHUB_WORKSPACE") or os.getcwd()
    here, on_runner = context_dirs(env)
    try:
        prepared = prepare_leg(
            workdir,
            plan,
            issue,
            results,
            stack=runner.bool_input("stack"),
            default_base=default_base(workdir, plan, runner.input("base"), token=token),
            context_dir=here,
            author=author,
            token=token,
            existing=existing,
        )
    except (LegError, UnsafePath) as exc:
        path = write_draft(out_dir, failed_start_record(plan, issue, str(exc), job_url=job_url(env)))
        runner.set_output("skip", "true")
        runner.set_output("result", str(path))
        if isinstance(exc, UnsafePath):
            raise  # a planted link: the leg is recorded failed, and the error ends the step with 2
        runner.error(f"#{issue} cannot start: {exc}")
        return EXIT_FAILURES
    if prepared.record is not None:
        path = write_draft(out_dir, {**prepared.record, "job_url": job_url(env)})
        runner.warning(f"#{issue} is {prepared.record['status']}: {prepared.record['error']}")
        runner.set_output("skip", "true")
        runner.set_output("result", str(path))
        return EXIT_OK
    for name, value in prepared.env.items():
        runner.export(name, to_runner_path(value, here, on_runner) if name.endswith("_FILE") else value)
    runner.set_output("skip", "false")
    print(f"lumina-wave: #{issue} on {prepared.env['WAVE_BRANCH']} from {prepared.base}")
    if prepared.note:
        print(f"lumina-wave: #{issue}: {prepared.note}")
    return EXIT_OK
