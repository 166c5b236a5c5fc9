"""``prepare``: start one leg — block it, or start its branch and hand the agent its context."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_FAILURES, EXIT_OK
from lumina_wave.store import DEFAULT_OUT_DIR, DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR, context_dirs, load_plan

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.runner import Runner

# --- options -------------------------------------------------------------------------------

SPEC = (
    opts.plan_file(DEFAULT_PLAN_FILE),
    opts.PLAN_DIGEST,
    opts.ISSUE,
    opts.option(
        "results-dir", "the result records of earlier legs", metavar="DIR", default=DEFAULT_RESULTS_DIR
    ),
    opts.input_only(
        "out-dir",
        "the action leaves a blocked or failed start's draft in the leg's artifact; the CLI writes "
        "its record to --results-dir",
        default=DEFAULT_OUT_DIR,
    ),
    opts.option("stack", "start from the dependencies' branches", kind="bool"),
    opts.BASE,
    opts.cli_only(
        "--context-dir",
        "where the context files go, outside the work tree (default: $RUNNER_TEMP/lumina-wave, else the temp dir)",
        opts.CONTEXT_DIR_WHY,
        metavar="DIR",
    ),
    opts.cli_only(
        "--no-fetch",
        "use local branches, do not fetch",
        "the action's checkout holds the base only: it always fetches",
        kind="bool",
    ),
    opts.existing_branch(),
    opts.AUTHOR,
)


@dataclass(frozen=True)
class PrepareOptions:
    plan: str
    plan_digest: str
    issue: int | None
    results_dir: str
    out_dir: str
    stack: bool
    base: str
    context_dir: str
    no_fetch: bool
    existing_branch: str
    author: str


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
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(run=lambda args, context: run(opts.from_cli(PrepareOptions, SPEC, args), context))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(PrepareOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: PrepareOptions, context: Context, runner: Runner | None = None) -> int:
    """Prepare the leg. On the CLI a blocked or failed start writes its record to ``results_dir``
    and the result is printed as JSON; in the agent's job (``runner``) it leaves its draft record
    in ``out_dir`` for the publisher, which decides again from its own records, and the agent's
    environment is exported."""
    from lumina_wave.context import parse_author, to_runner_path
    from lumina_wave.legs import LegError, failed_start_record, prepare_leg
    from lumina_wave.safe_files import UnsafePath
    from lumina_wave.store import read_results, write_draft, write_result

    plan = load_plan(options.plan, options.plan_digest)
    issue = opts.check_issue(plan, options.issue)
    author = parse_author(options.author)
    results = read_results(options.results_dir, plan.plan_id)
    token = (context.token or None) if runner is not None else None  # the leg's: read access only
    workdir = context.workdir
    here, on_runner = context_dirs(dict(context.env))
    if options.context_dir:
        here = on_runner = Path(options.context_dir)
    try:
        prepared = prepare_leg(
            workdir,
            plan,
            issue,
            results,
            stack=options.stack,
            default_base=context.default_base(workdir, plan, options.base, token=token),
            context_dir=here,
            fetch=not options.no_fetch,
            author=author,
            token=token,
            existing=options.existing_branch,
        )
    except (LegError, UnsafePath) as exc:
        record = failed_start_record(plan, issue, str(exc), job_url=context.job_url)
        if runner is None:
            if isinstance(exc, UnsafePath):
                raise
            write_result(options.results_dir, record)
            print(f"lumina-wave: #{issue} cannot start: {exc}", file=sys.stderr)
            return EXIT_FAILURES
        runner.set_output("skip", "true")
        runner.set_output("result", str(write_draft(options.out_dir, record)))
        if isinstance(exc, UnsafePath):
            raise  # a planted link: the leg is recorded failed, and the error ends the step with 2
        runner.error(f"#{issue} cannot start: {exc}")
        return EXIT_FAILURES
    if runner is None:
        if prepared.record is not None:
            write_result(options.results_dir, prepared.record)
        json.dump(
            {"skip": prepared.skip, "env": prepared.env, "record": prepared.record}, sys.stdout, indent=2
        )
        print()
        return EXIT_OK
    if prepared.record is not None:
        path = write_draft(options.out_dir, {**prepared.record, "job_url": context.job_url})
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
