"""``collect``: the end of a leg in the agent's job — what the agent left, read as data, written as a
bundle and a draft record for the publisher. Holds no credential: nothing here can write to GitHub."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.legs import OUTCOMES
from lumina_wave.store import DEFAULT_OUT_DIR, DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.results import ResultRecord
    from lumina_wave.runner import Runner

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


def collect(options: CollectOptions, context: Context, warn: Callable[[str], None]) -> ResultRecord:
    """Collect one leg (``warn`` gets why the attempts are not counted); returns the draft record."""
    from lumina_wave.commands.finish import own_paths
    from lumina_wave.context import parse_author
    from lumina_wave.legs import FinishOptions, collect_leg
    from lumina_wave.store import context_dirs, index_file, load_plan, read_leg_state, write_draft
    from lumina_wave.usage import read_usage, usage_path

    plan = load_plan(options.plan, options.plan_digest)
    issue = opts.check_issue(plan, options.issue)
    attempts, why = parse_attempts(options.agent_attempts)
    if why:
        warn(why)
    workdir = context.workdir
    where = Path(options.context_dir) if options.context_dir else context_dirs(dict(context.env))[0]
    state = read_leg_state(where, issue, agent_ran=check_outcome(options.agent_outcome) != "skipped")
    usage, warning = read_usage(usage_path(where, issue))
    if warning:
        from lumina_wave.errors import one_line
        from lumina_wave.runner import issue as command

        command("warning", {}, one_line(f"#{issue}: {warning}"))
    record = collect_leg(
        workdir,
        plan,
        issue,
        agent_outcome=check_outcome(options.agent_outcome),
        started_at=state.started_at if state else "",
        base=state.base if state else plan.base or "main",
        out_dir=options.out_dir,
        start_from=state.start_from if state else (),
        options=FinishOptions(
            exclude=own_paths(workdir, options.plan, options.out_dir, options.results_dir),
            start_commit=state.start if state else None,
            usage=usage,
            stat_cache=index_file(where, issue),
            commit_message=options.commit_message,
            author=parse_author(options.author),
            job_url=context.job_url,
            attempts=attempts,
        ),
    )
    write_draft(options.out_dir, record)
    return record


def exit_code(record: ResultRecord) -> int:
    """Non-zero when the leg failed, so its job shows red."""
    return EXIT_FAILURES if record["status"] in ("failed", "cancelled") else EXIT_OK


# --- options -------------------------------------------------------------------------------

SPEC = (
    opts.plan_file(DEFAULT_PLAN_FILE),
    opts.PLAN_DIGEST,
    opts.ISSUE,
    opts.option(
        "agent-outcome", opts.AGENT_OUTCOME_HELP, choices=OUTCOMES, required=True, parse=check_outcome
    ),
    opts.option(
        "agent-attempts",
        "how many times the agent ran (the agent step's attempts output; default: once)",
        metavar="N",
    ),
    opts.option(
        "out-dir", "where the bundle and the draft record go", metavar="DIR", default=DEFAULT_OUT_DIR
    ),
    opts.input_only(
        "results-dir",
        "the action keeps the result records' folder out of the commit; the CLI's collect has none",
        default=DEFAULT_RESULTS_DIR,
    ),
    opts.cli_only(
        "--context-dir",
        "where prepare left its state (default: prepare's)",
        opts.CONTEXT_DIR_WHY,
        metavar="DIR",
    ),
    opts.COMMIT_MESSAGE,
    opts.AUTHOR,
)


@dataclass(frozen=True)
class CollectOptions:
    plan: str
    plan_digest: str
    issue: int | None
    agent_outcome: str
    agent_attempts: str
    out_dir: str
    results_dir: str
    context_dir: str
    commit_message: str
    author: str


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
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(run=lambda args, context: run(opts.from_cli(CollectOptions, SPEC, args), context))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(CollectOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: CollectOptions, context: Context, runner: Runner | None = None) -> int:
    """Collect the leg; in the agent's job (``runner``) its status and draft are outputs."""

    def warn(message: str) -> None:
        if runner is not None:
            runner.warning(message)
        else:
            print(f"lumina-wave: warning: {message}", file=sys.stderr)

    record = collect(options, context, warn)
    if runner is None:
        print(f"#{record['issue']}: {record['status']}", file=sys.stderr)
        return exit_code(record)
    runner.set_output("status", record["status"])
    runner.set_output("result", str(Path(options.out_dir) / f"draft-{record['issue']}.json"))
    line = f"#{record['issue']}: {record['status']} (draft, for the publisher)"
    if record["error"]:
        line += f" ({record['error']})"
    if record["status"] in ("failed", "cancelled"):
        runner.error(line)
    print(f"lumina-wave: {line}")
    return exit_code(record)
