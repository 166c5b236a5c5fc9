"""``collect``: the end of a leg in the agent's job — what the agent left, read as data, written as a
bundle and a draft record for the publisher. Holds no credential: nothing here can write to GitHub."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.legs import OUTCOMES
from lumina_wave.runner import Runner
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR

if TYPE_CHECKING:
    import argparse

    from lumina_wave.results import ResultRecord

DEFAULT_OUT_DIR = ".lumina-wave/out"
MAX_ATTEMPTS = 1000


def check_outcome(value: str) -> str:
    if value not in OUTCOMES:
        raise InputError(f"input 'agent-outcome' must be one of {', '.join(OUTCOMES)}, got {value!r}")
    return value


def parse_attempts(value: str) -> tuple[int | None, str | None]:
    """The agent step's ``attempts`` output (written after the agent, which could write it too):
    a whole number from 1 to :data:`MAX_ATTEMPTS`, else None with why (empty: not counted)."""
    text = value.strip()
    if not text:
        return None, None
    if text.isdigit() and 1 <= int(text) <= MAX_ATTEMPTS:
        return int(text), None
    return None, f"input 'agent-attempts' is not a count of 1 to {MAX_ATTEMPTS}: ignored"


def collect(
    workdir: str, plan_file: str, issue: int | None, agent_outcome: str, out_dir: str, digest: str = "", **kw
) -> ResultRecord:
    """Collect one leg (shared by the CLI and the action); returns the draft record."""
    from lumina_wave.commands.finish import own_paths
    from lumina_wave.commands.prepare import _check_issue
    from lumina_wave.errors import one_line
    from lumina_wave.legs import FinishOptions, collect_leg, index_file
    from lumina_wave.store import context_dirs, load_plan, read_leg_state, write_draft
    from lumina_wave.usage import read_usage, usage_path

    plan = load_plan(plan_file, digest)
    issue = _check_issue(plan, issue)
    context = kw.pop("context_dir", None) or context_dirs(dict(os.environ))[0]
    state = read_leg_state(context, issue, agent_ran=check_outcome(agent_outcome) != "skipped")
    usage, warning = read_usage(usage_path(context, issue))
    if warning:
        from lumina_wave.runner import issue as command

        command("warning", {}, one_line(f"#{issue}: {warning}"))
    record = collect_leg(
        workdir,
        plan,
        issue,
        agent_outcome=check_outcome(agent_outcome),
        started_at=state.started_at if state else "",
        base=state.base if state else plan.base or "main",
        out_dir=out_dir,
        start_from=state.start_from if state else (),
        options=FinishOptions(
            exclude=own_paths(workdir, plan_file, out_dir, kw.pop("results_dir", DEFAULT_RESULTS_DIR)),
            start_commit=state.start if state else None,
            usage=usage,
            stat_cache=index_file(context, issue),
            **kw,
        ),
    )
    write_draft(out_dir, record)
    return record


def exit_code(record: ResultRecord) -> int:
    """Non-zero when the leg failed, so its job shows red."""
    return EXIT_FAILURES if record["status"] in ("failed", "cancelled") else EXIT_OK


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

    parser = add_command(
        subparsers,
        "collect",
        summary="end one leg without credentials: its change as a bundle",
        description="End the leg of one issue where its agent ran, holding no credential: read what "
        "the agent left in the work tree as data and write a git bundle and a draft record for "
        "publish (which checks both, trusting neither).",
        examples=("lumina-wave collect --issue 154 --agent-outcome success",),
        exit_codes=("0  the leg is done", "1  the leg failed or was cancelled", EXIT_BAD_INPUT_LINE),
    )
    parser.add_argument("--plan", metavar="FILE", default=DEFAULT_PLAN_FILE, help="the plan (plan.json)")
    parser.add_argument(
        "--issue", metavar="N", type=int, required=True, help="the issue of the leg (required)"
    )
    parser.add_argument(
        "--agent-outcome",
        choices=OUTCOMES,
        required=True,
        help="how the agent's step ended, as GitHub's steps.<id>.outcome says (required)",
    )
    parser.add_argument(
        "--out-dir", metavar="DIR", default=DEFAULT_OUT_DIR, help="where the bundle and the draft record go"
    )
    parser.add_argument(
        "--context-dir", metavar="DIR", default="", help="where prepare left its state (default: prepare's)"
    )
    parser.set_defaults(run=_run_cli)


def _run_cli(args: argparse.Namespace) -> int:
    record = collect(
        os.getcwd(), args.plan, args.issue, args.agent_outcome, args.out_dir, context_dir=args.context_dir
    )
    print(f"#{args.issue}: {record['status']}", file=sys.stderr)
    return exit_code(record)


# --- action --------------------------------------------------------------------------------


def run_action(runner: Runner) -> int:
    from lumina_wave.commands.prepare import job_url, parse_author

    env = dict(os.environ)
    out_dir = runner.input("out-dir", DEFAULT_OUT_DIR)
    attempts, why = parse_attempts(runner.input("agent-attempts"))
    if why:
        runner.warning(why)
    record = collect(
        env.get("GITHUB_WORKSPACE") or os.getcwd(),
        runner.input("plan-file", DEFAULT_PLAN_FILE),
        runner.int_input("issue"),
        runner.input("agent-outcome"),
        out_dir,
        runner.input("plan-digest"),
        results_dir=runner.input("results-dir", DEFAULT_RESULTS_DIR),
        commit_message=runner.input("commit-message"),
        author=parse_author(runner.input("author")),
        job_url=job_url(env),
        attempts=attempts,
    )
    runner.set_output("status", record["status"])
    runner.set_output("result", str(Path(out_dir) / f"draft-{record['issue']}.json"))
    line = f"#{record['issue']}: {record['status']} (draft, for the publisher)"
    if record["error"]:
        line += f" ({record['error']})"
    if record["status"] in ("failed", "cancelled"):
        runner.error(line)
    print(f"lumina-wave: {line}")
    return exit_code(record)
