"""``summarize``: the fan-in. Plan + result records (+ the run's job timings) into the completion
summary, written to files, the job summary, outputs and sticky comments."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.plan import Plan
from lumina_wave.results import rejected_line
from lumina_wave.store import DEFAULT_PLAN_FILE, DEFAULT_RESULTS_DIR, write_summary_files

# The summarize job's timeout (wave.yml) is 10 minutes: its writes wait for room at most 8.
SUMMARIZE_WRITE_BUDGET = 8 * 60
# At most this many PRs get a comment of their own (a link to the home comment, or the summary
# when there is no home target); a wider run's PRs are listed in the summary instead.
PR_COMMENTS_MAX = 100

if TYPE_CHECKING:
    import argparse

    from lumina_wave.context import Context
    from lumina_wave.continuation import Window
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.github.pacing import Pacer
    from lumina_wave.results import Rejected, ResultRecord
    from lumina_wave.runner import Runner
    from lumina_wave.summary import Summary


def load(
    plan_file: str, results_dir: str, digest: str = "", repo_url: str | None = None
) -> tuple[Plan, dict[int, ResultRecord], list[Rejected]]:
    """The plan (checked against ``digest`` when given), this plan's valid result records and
    the records rejected (one bad record never stops the summary of the others); records are
    also checked against the plan and ``repo_url`` (see :func:`lumina_wave.results.record_problem`)."""
    from lumina_wave.store import load_plan, read_records

    plan = load_plan(plan_file, digest)
    results, rejected = read_records(results_dir, plan.plan_id, issues=plan.items, repo_url=repo_url)
    return plan, results, rejected


def exit_code(all_done: bool) -> int:
    return EXIT_OK if all_done else EXIT_FAILURES


# --- options -------------------------------------------------------------------------------

_NO_GITHUB = "the CLI prints the summary and writes nothing to GitHub"
SPEC = (
    opts.plan_file(DEFAULT_PLAN_FILE),
    opts.PLAN_DIGEST,
    opts.option(
        "results-dir", "the result records", field="results", metavar="DIR", default=DEFAULT_RESULTS_DIR,
        old=("--results",),
    ),
    opts.cli_only(
        "--format",
        "text: for a terminal; markdown: the summary comment; json: summary.json",
        "the action writes every format: summary.md, summary.json, the job summary and outputs",
        choices=("text", "markdown", "json"),
        default="text",
    ),
    opts.input_only("repository", _NO_GITHUB, field="repo"),
    opts.input_only("comment-on", _NO_GITHUB, kind="numbers", default=()),
    opts.input_only("stack", "the CLI registers no native stacks on GitHub", kind="bool"),
    opts.input_only("start-wave", "the CLI summarizes every wave of the plan", kind="int", default=1),
    opts.input_only("max-waves", "the CLI dispatches no follow-up run", kind="int", minimum=0, default=0),
)  # fmt: skip


@dataclass(frozen=True)
class SummarizeOptions:
    plan: str
    plan_digest: str
    results: str
    format: str
    repo: str
    comment_on: tuple[int, ...]
    stack: bool
    start_wave: int
    max_waves: int


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

    parser = add_command(
        subparsers,
        "summarize",
        summary="summarize a wave from its plan and result records",
        description="The completion summary of a wave from its plan and result records: what is "
        "done, failed, blocked or pending, with branches and PRs. A bad record is reported and "
        "left out; it never stops the summary of the others.",
        examples=(
            "lumina-wave summarize",
            "lumina-wave summarize --plan plan.json --results-dir results --format markdown > summary.md",
        ),
        exit_codes=("0  every issue is done", "1  some issue is not done", EXIT_BAD_INPUT_LINE),
    )
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(run=lambda args, context: run(opts.from_cli(SummarizeOptions, SPEC, args), context))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(SummarizeOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: SummarizeOptions, context: Context, runner: Runner | None = None) -> int:
    """Summarize. On the CLI: print it in ``format``. In the action (``runner``): write
    summary.json/summary.md, the job summary and outputs, then publish comments.

    Exit 1 when any issue due in this run is not done or (action) a comment could not be
    written, after everything else was published. Issues of waves after this run's window (a
    deeper plan, see :mod:`lumina_wave.continuation`) are pending: the follow-up run this one
    dispatches works them, once per start wave (recorded in the summary comment), before any
    comment is written.
    """
    from lumina_wave.summary import build_summary, render_markdown, render_text, summary_to_json

    repo = (options.repo or context.repository) if runner is not None else ""
    plan, results, rejected = load(options.plan, options.results, options.plan_digest, context.repo_url(repo))
    for record in rejected:
        if runner is not None:
            runner.warning(rejected_line(record))
        else:
            print(f"lumina-wave: warning: {rejected_line(record)}", file=sys.stderr)
    if runner is not None:
        return _summarize_run(options, context, runner, repo, plan, results, rejected)
    summary = build_summary(plan, results, rejected=rejected)
    if options.format == "json":
        json.dump(summary_to_json(summary), sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif options.format == "markdown":
        sys.stdout.write(render_markdown(summary))
    else:
        print(render_text(summary))
    return exit_code(summary.all_done)


def _summarize_run(
    options: SummarizeOptions,
    context: Context,
    runner: Runner,
    repo: str,
    plan: Plan,
    results: dict[int, ResultRecord],
    rejected: list[Rejected],
) -> int:
    """The action's summary of the run: files, job summary, outputs, comments, follow-up."""
    from lumina_wave.continuation import window, worked_waves
    from lumina_wave.limits import OUTPUT_BUDGET, STEP_SUMMARY_LIMIT, output_units, utf8_bytes
    from lumina_wave.publish import comment_targets, first_targets
    from lumina_wave.summary import (
        build_summary,
        render_markdown,
        render_text,
        summary_for_output,
        summary_to_json,
    )

    results_dir = options.results
    comment_on = list(options.comment_on)
    triggered_by = context.triggered_by
    works = window(plan.wave_count, options.start_wave, options.max_waves or None, worked_waves(plan))

    token = context.token
    run_url = context.run_url
    client = client_for(context, repo, pacer=_pacer(runner, results_dir)) if token and repo else None
    jobs = _jobs(runner, context, client) if token and run_url else None
    stacks = _stacks(plan, results, client) if client is not None and options.stack else None
    summary = build_summary(
        plan,
        results,
        jobs,
        run_url,
        context.repo_url(repo),
        through_wave=works.last,
        rejected=rejected,
        stacks=stacks,
    )
    data = summary_to_json(summary)
    full = render_markdown(summary)
    write_summary_files(Path(results_dir).parent, data, full)
    runner.add_summary(
        render_markdown(
            summary,
            STEP_SUMMARY_LIMIT,
            utf8_bytes,
            "`summary.md` of the run's artifacts",
            full=full,
        )
    )
    rate, failed = f"{summary.success_rate:.4g}", str(summary.not_done_count)
    cost, tokens = _number(data["usage"]["total"]["cost_usd"]), _number(data["usage"]["total"]["tokens"])
    small = {"success-rate": rate, "failed-count": failed, "cost-usd": cost, "tokens": tokens}
    others = output_units({**small, "summary-json": ""})
    fitted = summary_for_output(data, OUTPUT_BUDGET - others)
    if fitted is not data:
        print(
            "summary-json shortened to fit GitHub's 1 MB of job outputs: "
            f"{Path(results_dir).parent / 'summary.json'} has everything"
        )
    runner.set_output("summary-json", fitted)
    runner.set_output("success-rate", rate)
    runner.set_output("failed-count", failed)
    runner.set_output("cost-usd", cost)
    runner.set_output("tokens", tokens)
    print(render_text(summary))

    targets = comment_targets(
        [o.pr_number for o in summary.outcomes if o.pr_number], comment_on, triggered_by
    )
    follow_ups: dict[int, str] = {}
    if client is not None and targets and (works.first > 1 or works.next_start is not None):
        follow_ups = _recorded_follow_ups(client, plan.plan_id, targets[0])
    if works.next_start is not None:
        if works.next_start in follow_ups:
            print(
                f"lumina-wave: the follow-up run for waves {works.next_start}-{plan.wave_count} was dispatched "
                f"before (run {follow_ups[works.next_start]}): not again"
            )
        else:
            carry = first_targets(comment_on, triggered_by)
            follow_ups[works.next_start] = _follow_up(runner, context, plan, works, carry, client)
    homes = first_targets(comment_on, triggered_by)
    published = (
        _publish(runner, context, client, summary, full, homes, targets[len(homes) :], follow_ups)
        if client
        else True
    )
    if client is not None:
        client.log_calls()
    return exit_code(summary.all_done and published)


def _stacks(plan: Plan, results: dict[int, ResultRecord], client: GitHubClient):
    """With ``stack: true``: register the lines of stacked PRs as GitHub native stacks."""
    from lumina_wave.github.stacks import register_stacks
    from lumina_wave.stacking import plan_stacks

    pr_of = {n: pr for n, r in results.items() if (pr := r.get("pr_number"))}
    report = register_stacks(client, plan_stacks(plan, results), pr_of)
    for number, prs in report.stacks:
        print(f"native stack {number}: " + " → ".join(f"#{pr}" for pr in prs))
    if report.unavailable:
        print(f"lumina-wave: native stacks unavailable, the branches stay stacked: {report.unavailable}")
    return report


def _number(value: float | None) -> str:
    """An output number: empty when not known (never 0 for unknown)."""
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _recorded_follow_ups(client: GitHubClient, plan_id: str, target: int) -> dict[int, str]:
    """The follow-ups recorded in the plan's summary comment on ``target`` (none when it has none)."""
    from lumina_wave.continuation import parse_follow_ups
    from lumina_wave.publish import Publisher

    ours = Publisher(client, plan_id).ours(target)
    return parse_follow_ups(ours.body) if ours is not None else {}


def _follow_up(
    runner: Runner, context: Context, plan: Plan, works: Window, carry: list[int], client: GitHubClient | None
) -> str:
    """Dispatch the calling workflow again for waves ``works.next_start`` on (GITHUB_WORKFLOW_REF);
    returns the new run's id, or ``?`` when GitHub did not name it.

    ``carry`` are the comment targets the follow-up run gets as its ``comment-on``: the ones
    this run named first (:func:`~lumina_wave.publish.first_targets`), so it comments where
    this run did. A lost answer is reported, not repeated (see :mod:`lumina_wave.continuation`).
    """
    from lumina_wave.continuation import UNKNOWN_RUN, follow_up_inputs, parse_workflow_ref
    from lumina_wave.github.dispatch import dispatch_workflow

    run_id = context.run_id
    assert works.next_start is not None  # called only for a plan that goes on
    if not context.token or not run_id.isdigit():
        raise InputError(
            f"the plan has {plan.wave_count} waves; continuing at wave {works.next_start} needs a token and GITHUB_RUN_ID"
        )
    caller = parse_workflow_ref(context.workflow_ref)
    inputs = follow_up_inputs(plan.plan_id, works.next_start, run_id, carry)
    dispatched = dispatch_workflow(
        client_for(context, caller.repo, client), caller.workflow, caller.ref, inputs
    )
    if dispatched.lost:
        runner.warning(
            f"the answer to starting the follow-up run of {caller.workflow} (start-wave {works.next_start}) was "
            "lost; it is not repeated, so no second run works the same waves. If no such run started, "
            f"start {caller.workflow} by hand with inputs {', '.join(f'{k}={v}' for k, v in inputs.items())}"
        )
    line = (
        f"waves {works.first}-{works.last} of {plan.wave_count} done here; waves {works.next_start}-"
        f"{plan.wave_count} continue in a follow-up run of {caller.workflow} (start-wave {works.next_start})"
    )
    print(f"lumina-wave: {line}")
    runner.add_summary(f"\n_{line}_\n")
    return str(dispatched.run_id) if dispatched.run_id is not None else UNKNOWN_RUN


def client_for(
    context: Context, repo: str, client: GitHubClient | None = None, pacer: Pacer | None = None
) -> GitHubClient:
    """``client`` when it is connected to ``repo``, else a new connection of the context whose
    writes ``pacer`` paces (default: ``client``'s, one pacer per process)."""
    if client is not None and client.full_name == repo:
        return client
    return context.github(repo, pacer=pacer or (client.pacer if client is not None else None))


def _pacer(runner: Runner, results_dir: str) -> Pacer:
    """This job's pacer: the run's write ledger so far (from the publishers' records), and a budget."""
    from lumina_wave.github.pacing import Pacer, clock_from_env, load_ledgers

    warnings: list[str] = []
    past = load_ledgers(results_dir, warnings)
    for line in warnings:
        runner.warning(line)
    clock = clock_from_env()
    return Pacer(clock, past=past, deadline=clock.now() + SUMMARIZE_WRITE_BUDGET)


def _jobs(runner: Runner, context: Context, client: GitHubClient | None):
    """The run's jobs, or None (with a warning) when they cannot be read."""
    from lumina_wave.errors import GitHubError
    from lumina_wave.github.jobs import run_jobs

    try:
        return run_jobs(client_for(context, context.repository, client), int(context.run_id))
    except GitHubError as exc:
        runner.warning(f"job timings unavailable, using the result records' times: {exc}")
        return None


def _publish(
    runner: Runner,
    context: Context,
    client: GitHubClient,
    summary: Summary,
    full: str,
    homes: list[int],
    prs: list[int],
    follow_ups: dict[int, str],
) -> bool:
    """Write the sticky comments; False when any target failed (each failure is annotated).

    The home targets get the summary; then each PR a short link to it (the summary itself when
    there is no home), at most :data:`PR_COMMENTS_MAX` and as many as the hour's write budget
    affords: the summary names the PRs left out. ``full`` is the summary's markdown, already
    rendered; it is shortened only when too long. ``follow_ups`` (start wave -> run id) are
    recorded in a hidden line under the marker, and this run's id in another
    (:func:`~lumina_wave.continuation.run_line`).
    """
    from lumina_wave.continuation import follow_ups_line, run_line
    from lumina_wave.limits import COMMENT_LIMIT
    from lumina_wave.publish import Publisher
    from lumina_wave.summary import render_markdown

    if not homes and not prs:
        print("no issue or PR to comment on (no PRs, no comment-on, no triggering issue)")
        return True
    room = client.pacer.room(within=client.pacer.seconds_left()) - len(homes)
    with_comment = prs[: max(min(len(prs), PR_COMMENTS_MAX, room), 1 if not homes else 0)]
    left_out = len(prs) - len(with_comment)
    note = ""
    if left_out:
        why = (
            f"at most {PR_COMMENTS_MAX} PRs get a comment"
            if len(with_comment) == PR_COMMENTS_MAX
            else "GitHub's 500 writes an hour are spent (docs/limits.md)"
        )
        note = f"_{left_out} of {len(prs)} PRs got no comment of their own: {why}; the table lists them all._\n\n"
    record = follow_ups_line(follow_ups) + "\n" if follow_ups else ""
    run_id = context.run_id
    record += run_line(run_id) + "\n" if run_id.isdigit() else ""  # where a retry finds this run
    budget = COMMENT_LIMIT - len(record) - len(note)
    marker_line, _, rest = render_markdown(summary, budget, full=full).partition("\n")
    body = f"{marker_line}\n{record}{note}{rest.lstrip(chr(10))}"
    publisher = Publisher(client, summary.plan.plan_id)
    outcomes = publisher.publish(homes or with_comment, body)
    home = next((o for o in outcomes if o.action != "failed" and o.comment_id), None) if homes else None
    if home is not None:
        outcomes += publisher.publish(
            with_comment, _link_body(context, summary, home.target, home.comment_id)
        )
    ok = True
    for outcome in outcomes:
        if outcome.action == "failed":
            runner.error(f"summary comment on #{outcome.target} not written: {outcome.error}")
            ok = False
            continue
        removed = f", removed {outcome.deleted} duplicate(s)" if outcome.deleted else ""
        print(f"summary comment on #{outcome.target}: {outcome.action}{removed}")
    if left_out:
        print(f"lumina-wave: {note.strip('_ ' + chr(10))}")
    return ok


def _link_body(context: Context, summary: Summary, home: int, comment_id: int | None) -> str:
    """A PR's comment: its marker and a link to the summary on ``home`` (stable across edits)."""
    from lumina_wave.summary import marker

    where = f"#{home}"
    if context.repository and comment_id:
        where = f"[#{home}]({context.repo_url(context.repository)}/issues/{home}#issuecomment-{comment_id})"
    return f"{marker(summary.plan.plan_id)}\nThis PR is part of lumina-wave plan `{summary.plan.plan_id}`: the summary of the run is on {where}.\n"
