"""``plan`` and ``validate``: read a source, plan the waves, emit the matrix."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave import sources
from lumina_wave.arguments import choice_with_old_names
from lumina_wave.errors import EXIT_OK, InputError, Origin, one_line
from lumina_wave.manifest import DEFAULT_MANIFEST
from lumina_wave.plan import GITHUB_MATRIX_LIMIT, Plan, plan_digest
from lumina_wave.sources import SourceOptions, read_selection
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR, write_plan

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.runner import Runner
    from lumina_wave.sources.base import SourceArguments


def make_plan(
    options: SourceOptions,
    max_jobs_per_wave: int = GITHUB_MATRIX_LIMIT,
    warn: Callable[[str, Origin | None], None] | None = None,
) -> Plan:
    """Read the source and plan it (a plan deeper than a run's wave slots continues in a
    follow-up run: :mod:`lumina_wave.continuation`); a wave holds at most ``max_jobs_per_wave``
    issues, which GitHub caps at 256 jobs per matrix. ``warn`` gets the source's warnings."""
    from lumina_wave.plan import build_plan

    if max_jobs_per_wave > GITHUB_MATRIX_LIMIT:
        raise InputError(
            f"max-jobs-per-wave must be at most {GITHUB_MATRIX_LIMIT} (GitHub's jobs per matrix),"
            f" got {max_jobs_per_wave}"
        )
    selection = read_selection(options)
    for message, origin in selection.warnings:
        if warn is not None:
            warn(message, origin)
    return build_plan(selection, max_jobs_per_wave)


# --- options -------------------------------------------------------------------------------

_RUN = "the CLI plans once, for a look; the waves of a run, their slots and retries are the action's"
SPEC = (
    sources.GROUP,
    opts.cli_only(
        "--format",
        "text: a table of the waves; json: plan.json; mermaid: the waves as a graph",
        "the action writes plan.json and sets outputs",
        choices=("text", "json", "mermaid"),
        default="text",
        cli_type=choice_with_old_names({"table": "text"}),  # 0.1's name of the text format
    ),
    opts.cli_only(
        "--output",
        "also write plan.json to FILE",
        "the action always writes plan.json, to plan-file",
        metavar="FILE",
        default=None,
    ),
    opts.option(
        "max-jobs-per-wave",
        f"the most issues in one wave; more wait for the next (default and most: {GITHUB_MATRIX_LIMIT})",
        kind="int",
        metavar="N",
        default=GITHUB_MATRIX_LIMIT,
    ),
    opts.input_only(
        "plan-file", "the CLI writes plan.json only when asked (--output)", default=DEFAULT_PLAN_FILE
    ),
    opts.input_only("results-dir", _RUN, default=DEFAULT_RESULTS_DIR),
    opts.input_only("max-waves", _RUN, kind="int", minimum=0, default=0),
    opts.input_only("start-wave", _RUN, kind="int", default=1),
    opts.input_only("plan-id", _RUN),
    opts.input_only("retry", _RUN),
    opts.input_only("min-permission", "the CLI's user started it: no actor gate"),
    opts.input_only("allowed-bots", "the CLI's user started it: no actor gate"),
    opts.input_only("comment-on", opts.COMMENT_ON_WHY, kind="numbers", default=()),
)


@dataclass(frozen=True)
class PlanOptions:
    source: SourceArguments
    format: str
    output: str | None
    max_jobs_per_wave: int
    plan_file: str
    results_dir: str
    max_waves: int
    start_wave: int
    plan_id: str
    retry: str
    min_permission: str
    allowed_bots: str
    comment_on: tuple[int, ...]


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, HIDDEN, add_command

    plan = add_command(
        subparsers,
        "plan",
        summary="plan a wave and print it",
        description="Read the issues (a manifest, a label or an epic's sub-issues on GitHub), order "
        "them into waves by their dependencies and print the plan. Reading GitHub takes the token "
        "from GITHUB_TOKEN.",
        examples=(
            "lumina-wave plan --manifest examples/luminaguard.yml",
            "lumina-wave plan --manifest examples/luminaguard.yml --format mermaid",
            "GITHUB_TOKEN=... lumina-wave plan --github-repo octo/app --label wave --output plan.json",
        ),
        exit_codes=("0  planned", "1  GitHub refused a call", EXIT_BAD_INPUT_LINE),
    )
    opts.add_arguments(plan, SPEC)
    plan.set_defaults(run=lambda args, context: run(opts.from_cli(PlanOptions, SPEC, args), context))

    validate = add_command(
        subparsers,
        "validate",
        summary="check a manifest: every problem, one line each",
        description="Check a manifest as plan would read it (schema, duplicates, dependencies, "
        "cycles) without planning output: every problem found, one line each, by position.",
        examples=("lumina-wave validate", "lumina-wave validate --manifest examples/luminaguard.yml"),
        exit_codes=("0  valid", EXIT_BAD_INPUT_LINE),
    )
    validate.add_argument("--manifest", metavar="PATH", default=DEFAULT_MANIFEST, help="the YAML manifest")
    # 0.1's spelling: the path as an argument
    validate.add_argument("old_path", nargs="?", metavar="PATH", help=HIDDEN, default=None)
    validate.set_defaults(run=lambda args, context: _run_validate(args))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(PlanOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: PlanOptions, context: Context, runner: Runner | None = None) -> int:
    """Plan. On the CLI: print the plan in ``format`` (and write it to ``output``). In the action
    (``runner``): the actor gate, then the plan of this run (a new one, a follow-up run's or a
    retry's), written to ``plan_file``, its waves as outputs, and the plan's first comment."""
    from lumina_wave.diagram import mermaid, wave_table
    from lumina_wave.plan import plan_to_json

    if runner is None:
        plan = make_plan(
            sources.source_options(options.source, context, None), options.max_jobs_per_wave, _warn
        )
        data = write_plan(plan, options.output) if options.output else None
        if options.format == "json":
            data = data or plan_to_json(plan)
            json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
            print()
        elif options.format == "mermaid":
            print(mermaid(plan))
        else:
            print(wave_table(plan))
        return EXIT_OK
    return _plan_run(options, context, runner)


def _warn(message: str, origin: Origin | None) -> None:
    print(f"lumina-wave: warning: {one_line(f'{origin}: {message}' if origin else message)}", file=sys.stderr)


def _run_validate(args: argparse.Namespace) -> int:
    from lumina_wave.manifest import read_manifest
    from lumina_wave.plan import build_plan

    path = args.manifest
    if args.old_path is not None:
        from lumina_wave.arguments import warn_old_spelling

        warn_old_spelling("validate PATH", "validate --manifest PATH")
        path = args.old_path
    plan = build_plan(read_manifest(path))
    print(f"{path}: ok ({len(plan.items)} issues, {plan.wave_count} waves)")
    return EXIT_OK


def _continued_plan(path: str, plan_id: str) -> Plan:
    """The plan a follow-up run continues: plan.json of the previous run (already downloaded)."""
    from lumina_wave.store import load_plan

    plan = load_plan(path)
    if plan_id and plan.plan_id != plan_id:
        raise InputError(f"input 'plan-id' is {plan_id!r} but {path} holds plan {plan.plan_id}", Origin(path))
    return plan


def retry_plan(plan: Plan, retry: str, results_dir: str) -> Plan:
    """A retry run (input ``retry``) of ``plan``, whose earlier records are in ``results_dir``: the
    plan working only the chosen issues and their dependents (:mod:`lumina_wave.reruns`); their
    earlier records are removed, so the ones this run writes are the only ones (the others are kept)."""
    from dataclasses import replace

    from lumina_wave.reruns import parse_retry, to_run
    from lumina_wave.store import read_results, result_path

    previous = read_results(results_dir, plan.plan_id, issues=plan.items)
    works = to_run(plan, previous, rerun=False, retry=parse_retry(retry, plan, previous, "input 'retry'"))
    for n in works:
        result_path(results_dir, n).unlink(missing_ok=True)
    return replace(plan, works=tuple(works))


def gate(options: PlanOptions, context: Context, follow_up: bool) -> None:
    """Refuse to start (bad input) unless every actor of the run passes :mod:`lumina_wave.actor_gate`.

    The runner always names the event (GITHUB_EVENT_PATH); the action run by hand without one,
    like ``local``, has no one who triggered it and no gate."""
    from lumina_wave import actor_gate

    policy = actor_gate.parse_policy(options.min_permission, options.allowed_bots)
    if not context.event_path:
        return
    from lumina_wave.github.collaborators import permission_of

    repo = context.repository or options.source.repo
    event = actor_gate.read_event(context.event_path)
    client = context.github(repo)
    passed = actor_gate.check(
        policy, event, context.env, repo, lambda login: permission_of(client, login), follow_up=follow_up
    )
    print(f"lumina-wave: started by {', '.join(passed)} (at least {policy.min_permission} on {repo})")


def _plan_run(options: PlanOptions, context: Context, runner: Runner) -> int:
    from lumina_wave.continuation import window, worked_waves
    from lumina_wave.diagram import wave_table

    gate(options, context, follow_up=bool(options.plan_id) or options.start_wave != 1)
    max_waves = options.max_waves or None
    start = options.start_wave
    path = options.plan_file
    if options.retry:
        if not Path(path).is_file():
            raise InputError("input 'retry' needs the earlier run's plan: none was downloaded", Origin(path))
        plan = retry_plan(_continued_plan(path, options.plan_id), options.retry, options.results_dir)
        print(f"retry: {', '.join(f'#{n}' for n in plan.works or ()) or 'nothing'} of plan {plan.plan_id}")
    elif start > 1 or options.plan_id:
        plan = _continued_plan(path, options.plan_id)
    else:
        workspace = context.env.get("GITHUB_WORKSPACE", ".")
        plan = make_plan(
            sources.source_options(options.source, context, workspace),
            options.max_jobs_per_wave,
            runner.warning,
        )
    data = write_plan(plan, path)
    works = window(plan.wave_count, start, max_waves, worked_waves(plan))
    runner.set_output("plan", path)
    runner.set_output("plan-id", plan.plan_id)
    runner.set_output("plan-digest", plan_digest(Path(path).read_bytes()))
    # The wave slots run waves first … last of the plan: slot k works wave first + k - 1.
    runner.set_output("wave-count", str(len(works.waves)))
    # Within GitHub's 1 MB of outputs per job by construction, whatever the titles: matrix entries
    # carry issue and wave only (plan.matrix_waves), and a plan holds at most 10,000 issues of
    # 32-bit numbers, ~450,000 UTF-16 units for both lists (tests/test_output_limits.py).
    worked = set(plan.items if plan.works is None else plan.works)
    runner.set_output(
        "waves", [[e for e in data["waves"][w - 1] if e["issue"] in worked] for w in works.waves]
    )
    if works.next_start is not None:
        print(f"waves {works.first}-{works.last} of {plan.wave_count} run now; the rest in a follow-up run")
    runner.set_output("issues", [n for wave in plan.waves for n in wave])
    table = wave_table(plan)
    print(table)
    runner.add_summary(f"### lumina-wave plan `{plan.plan_id}`\n\n```text\n{table}\n```\n")
    _first_progress(options, context, runner, plan, works.first - 1)
    return EXIT_OK


def _first_progress(
    options: PlanOptions, context: Context, runner: Runner, plan: Plan, done_through: int
) -> None:
    """Post the plan's comment on the home targets, every issue waiting (a follow-up run: the
    earlier waves done). A comment not written is a warning: the wave goes on."""
    repo = options.source.repo or context.repository
    if not (context.token and repo):
        return
    from lumina_wave.progress_comment import post_progress, render_progress
    from lumina_wave.publish import first_targets
    from lumina_wave.store import read_records

    homes = first_targets(options.comment_on, context.triggered_by)
    if not homes:
        return
    records = read_records(options.results_dir, plan.plan_id, issues=plan.items)[0]
    body = render_progress(plan, records if done_through else {}, done_through, None, context.run_url)
    for outcome in post_progress(context.github(repo), plan, homes, body):
        if outcome.action == "failed":
            runner.warning(f"progress comment on #{outcome.target} not written: {outcome.error}")
        else:
            print(f"lumina-wave: progress comment on #{outcome.target}: {outcome.action}")
