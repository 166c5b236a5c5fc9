"""``publish``: the writing half of a wave, in a job of its own where no agent ran.

It reads the wave's leg artifacts (a bundle and a draft record per leg, both hostile), checks
each change (:func:`lumina_wave.legs.receive_change`), pushes it, opens or updates its PR, and
writes the authoritative result records that later waves and summarize read. Its writes are
paced (:mod:`lumina_wave.github.pacing`): the PRs first, then the progress edit of the home
comment (:mod:`lumina_wave.progress_comment`), then the labels, as the hour's budget affords;
the run's write ledger comes in with the earlier records and goes out with this wave's.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lumina_wave import options as opts
from lumina_wave.errors import EXIT_FAILURES, EXIT_OK, InputError
from lumina_wave.statuses import DONE_STATUSES
from lumina_wave.store import (
    DEFAULT_LEGS_DIR,
    DEFAULT_OUT_DIR,
    DEFAULT_PLAN_FILE,
    DEFAULT_RESULTS_DIR,
    leg_bundle,
    read_draft,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

    from lumina_wave.context import Context
    from lumina_wave.github.pulls import Pulls
    from lumina_wave.legs import FinishOptions
    from lumina_wave.plan import Plan
    from lumina_wave.results import ResultRecord
    from lumina_wave.runner import Runner

# The publish job's timeout (wave.yml) is 30 minutes: its writes wait for room at most 25.
PUBLISH_WRITE_BUDGET = 25 * 60


def publish_wave(
    runner: Runner | None, context: Context, options: PublishOptions
) -> tuple[list[ResultRecord], list[int]]:
    """Publish every leg of wave ``options.wave`` that the run works (in the action: of the run's
    wave slot ``wave``, the run starting at wave ``start_wave``); returns their records (also
    written to ``out_dir``) and the issues whose leg ended done by its own account but could not
    be published here. Then the home comment (``comment_on``, else the triggering issue) shows
    the wave done."""
    from lumina_wave import git
    from lumina_wave.continuation import window, worked_waves
    from lumina_wave.github.pacing import load_ledgers
    from lumina_wave.path_policy import pr_holders
    from lumina_wave.store import load_plan, read_results

    if options.wave is None:
        raise InputError("input 'wave' is required")
    wave, results_dir, legs_dir, out_dir = (
        options.wave,
        options.results_dir,
        options.legs_dir,
        options.out_dir,
    )
    stack, token, workdir = options.stack, context.token, context.workdir
    repo = options.repo or context.repository
    finish = finish_options(options, context)
    start = options.start_wave if runner is not None else None
    comment_on = options.comment_on
    triggered_by = context.triggered_by if runner is not None else None
    plan = load_plan(options.plan, options.plan_digest)
    if start is not None:  # the action: ``wave`` is the slot, counted from the run's start wave
        slots = window(plan.wave_count, start, None, worked_waves(plan)).waves
        wave = slots[wave - 1] if wave <= len(slots) else 0
    if not 1 <= wave <= plan.wave_count:
        raise InputError(f"wave {wave} is not in plan {plan.plan_id} ({plan.wave_count} waves)")
    rejected: list[str] = []
    results = read_results(
        results_dir, plan.plan_id, issues=plan.items, repo_url=context.repo_url(repo), warnings=rejected
    )
    for line in rejected:
        _warn(runner, line)
    # max-prs counts the PRs of the earlier waves' records; unset, one per issue of the plan
    finish.policy.with_pr.update(pr_holders(results.values()))
    if finish.policy.max_prs is None:
        finish.policy.max_prs = len(plan.items)
    target = context.default_base(workdir, plan, options.base, token=token or None)
    if git.is_shallow(workdir):
        fetch_for_wave(workdir, plan, wave, results, legs_dir, stack=stack, default_base=target, token=token)
    else:
        git.fetch(workdir, token=token or None)
    ledger: list[str] = []
    pulls = paced_pulls(context, repo, load_ledgers(results_dir, ledger))
    for line in ledger:
        _warn(runner, line)
    try:
        records, lost = _publish_legs(
            runner,
            workdir,
            plan,
            wave,
            results,
            legs_dir,
            out_dir,
            stack,
            target,
            pulls,
            token,
            finish,
            options.existing_branch,
        )
        if pulls is not None:
            done = {**results, **{r["issue"]: r for r in records}}
            unlabelled = _after_wave(
                runner, pulls, plan, wave, done, comment_on, triggered_by, context.run_url
            )
            _record_label_warnings(out_dir, records, unlabelled)
    finally:
        if pulls is not None:
            pulls.client.pacer.save(out_dir, f"wave-{wave}")
            pulls.client.log_calls()
    return records, lost


def paced_pulls(context: Context, repo: str, past: list[float]) -> Pulls | None:
    """PR access paced with the run's write ledger ``past`` (None without a token or repository)."""
    if not (repo and context.token):
        return None
    from lumina_wave.github.pacing import Pacer, clock_from_env
    from lumina_wave.github.pulls import Pulls

    clock = clock_from_env()
    pacer = Pacer(clock, past=past, deadline=clock.now() + PUBLISH_WRITE_BUDGET)
    return Pulls(context.github(repo, pacer=pacer), defer_labels=True)


def _after_wave(
    runner: Runner | None,
    pulls: Pulls,
    plan: Plan,
    wave: int,
    records: dict[int, ResultRecord],
    comment_on: Sequence[int],
    triggered_by: int | None,
    run_url: str | None = None,
) -> dict[int, str]:
    """The progress edit of the home comment (linking ``run_url``), then the labels the hour's
    budget affords (leaving room for the progress edits and summary of the waves to come);
    returns why each PR left unlabelled is."""
    from lumina_wave.progress_comment import post_progress, render_progress
    from lumina_wave.publish import first_targets

    homes = first_targets(comment_on, triggered_by)
    running = wave + 1 if wave < plan.wave_count else None
    body = render_progress(plan, records, wave, running, run_url)
    for outcome in post_progress(pulls.client, plan, homes, body) if homes else []:
        if outcome.action == "failed":
            _warn(runner, f"progress comment on #{outcome.target} not written: {outcome.error}")
        else:
            print(f"lumina-wave: progress comment on #{outcome.target}: {outcome.action}")
    unlabelled = pulls.add_deferred_labels(reserve=len(homes) * (plan.wave_count - wave + 1))
    if unlabelled:
        numbers = list(unlabelled)
        _warn(
            runner,
            f"labels not added to {len(numbers)} PR(s) ({', '.join(f'#{n}' for n in numbers[:20])}"
            f"{', …' if len(numbers) > 20 else ''}): each one's record says why",
        )
    return unlabelled


def _record_label_warnings(out_dir: str, records: list[ResultRecord], unlabelled: Mapping[int, str]) -> None:
    """A PR's labels that failed or had to wait: a warning beside the PR in its record (issue 14:
    a PR once created stays in the record; a label does not block dependents)."""
    from lumina_wave.store import write_result

    for record in records:
        why = unlabelled.get(record["pr_number"]) if record["pr_number"] else None
        if why:
            record["warnings"].append(why)
            write_result(out_dir, record)


def _publish_legs(
    runner: Runner | None,
    workdir: str,
    plan: Plan,
    wave: int,
    results: dict[int, ResultRecord],
    legs_dir: str,
    out_dir: str,
    stack: bool,
    target: str,
    pulls: Pulls | None,
    token: str,
    options: FinishOptions,
    existing: str,
) -> tuple[list[ResultRecord], list[int]]:
    from lumina_wave.legs import publish_leg
    from lumina_wave.store import write_result

    records, lost = [], []
    for issue in (n for n in plan.waves[wave - 1] if plan.works is None or n in plan.works):
        draft, why = read_draft(legs_dir, issue)
        if why:
            _warn(runner, why)
        record = publish_leg(
            workdir,
            plan,
            issue,
            results,
            draft,
            leg_bundle(legs_dir, issue),
            stack=stack,
            default_base=target,
            pulls=pulls,
            token=token or None,
            options=options,
            existing=existing,
        )
        write_result(out_dir, record)
        records.append(record)
        if record["status"] not in DONE_STATUSES and draft is not None and draft["status"] in DONE_STATUSES:
            lost.append(issue)
        line = f"#{issue}: {record['status']}" + (f" ({record['error']})" if record["error"] else "")
        if runner is not None and record["status"] in ("failed", "cancelled", "refused"):
            runner.error(line)
        print(f"lumina-wave: {line}")
        for warning in record["warnings"]:
            _warn(runner, f"#{issue}: {warning}")
    return records, lost


def fetch_for_wave(
    workdir: str,
    plan: Plan,
    wave: int,
    results: Mapping[int, ResultRecord],
    legs_dir: str,
    *,
    stack: bool,
    default_base: str,
    token: str,
) -> None:
    """What a shallow checkout (depth 1) needs to check and push ``wave``'s bundles, and no more:
    the tips of the base, of each leg's branch (the push's lease) and of the branches the legs
    start from; for stacked legs the history down to their merge bases with the base (as
    prepare fetched it); and the history down to every commit a bundle builds on (the base
    commit a leg started from is older than the tip when the base moved since)."""
    from lumina_wave import git
    from lumina_wave.legs import choose_base
    from lumina_wave.plan import branch_name

    issues = plan.waves[wave - 1]
    choices = [choose_base(plan, i, results, stack=stack, default_base=default_base) for i in issues]
    starts = [ref for choice in choices for ref in choice.refs]
    headers = {}
    for issue in issues:
        bundle = leg_bundle(legs_dir, issue)
        with contextlib.suppress(OSError, git.GitError):  # publish_leg refuses it with the reason
            headers[issue] = git.read_bundle_header(bundle) if bundle else None
    # a branch already at its bundle's commit is not fetched: that push is a no-op
    pushed = {branch_name(i): h.heads[0][0] for i, h in headers.items() if h and len(h.heads) == 1}
    git.fetch_branches(
        workdir,
        [default_base, *map(branch_name, issues), *starts],
        token=token or None,
        unless_at=pushed,
    )
    stacked = [ref for choice in choices if choice.stacked_on for ref in choice.refs]
    if stacked:
        git.deepen_until_related(workdir, default_base, stacked, token=token or None)
    prerequisites = [p for h in headers.values() if h for p in h.prerequisites]
    git.deepen_until_contains(workdir, prerequisites, [default_base, *starts], token=token or None)


def _warn(runner: Runner | None, message: str) -> None:
    if runner is not None:
        runner.warning(message)
    else:
        print(f"lumina-wave: warning: {message}", file=sys.stderr)


def exit_code(lost: list[int]) -> int:
    """Non-zero only when this job failed a leg that had ended done: a leg's own failure is its
    job's red mark already, and the next wave's legs must start (each blocks on its dependencies).
    """
    return EXIT_FAILURES if lost else EXIT_OK


# --- options -------------------------------------------------------------------------------


SPEC = (
    opts.plan_file(DEFAULT_PLAN_FILE),
    opts.PLAN_DIGEST,
    opts.option(
        "wave", "the plan's wave to publish (required)", kind="int", metavar="N", required=True, default=None
    ),
    opts.input_only(
        "start-wave",
        "the action's wave counts the run's wave slots, from the first wave a follow-up run works; "
        "the CLI's --wave is the plan's",
        kind="int",
        default=1,
    ),
    opts.option(
        "results-dir", "the result records of the earlier waves", metavar="DIR", default=DEFAULT_RESULTS_DIR
    ),
    opts.option("legs-dir", "the legs' bundles and drafts", metavar="DIR", default=DEFAULT_LEGS_DIR),
    opts.option("out-dir", "where this wave's records go", metavar="DIR", default=DEFAULT_OUT_DIR),
    opts.option("stack", "the legs started from their dependencies' branches", kind="bool"),
    opts.BASE,
    opts.repository("the GitHub repository of the PRs (default: $GITHUB_REPOSITORY; none: no PRs)"),
    opts.existing_branch(),
    opts.option("draft", "open the PRs as drafts (default: the plan's setting)", kind="maybe"),
    opts.PR_LABELS,
    opts.PR_TITLE,
    opts.PR_BODY_TEMPLATE,
    opts.PR_ON_FAILURE,
    opts.option(
        "allowed-paths",
        "globs (comma or newline separated) a leg's change must stay inside, else it is refused "
        "(default: everything but .github/workflows/)",
        metavar="GLOBS",
    ),
    opts.option(
        "blocked-paths",
        "globs a leg's change must not touch, besides .github/workflows/",
        metavar="GLOBS",
    ),
    opts.option(
        "max-prs",
        "the most PRs the run opens over all its waves (default: the plan's size)",
        kind="int",
        minimum=0,
        metavar="N",
        default=None,
    ),
    opts.input_only("comment-on", "the CLI edits no progress comment", kind="numbers", default=()),
)


@dataclass(frozen=True)
class PublishOptions:
    plan: str
    plan_digest: str
    wave: int | None
    start_wave: int
    results_dir: str
    legs_dir: str
    out_dir: str
    stack: bool
    base: str
    repo: str
    existing_branch: str
    draft: bool | None
    labels: tuple[str, ...]
    pr_title: str
    pr_body_template: str
    pr_on_failure: bool
    allowed_paths: str
    blocked_paths: str
    max_prs: int | None
    comment_on: tuple[int, ...]


def finish_options(options: PublishOptions, context: Context) -> FinishOptions:
    """How the wave's PRs are opened and which changes pass (a fresh policy per wave)."""
    from lumina_wave.legs import FinishOptions
    from lumina_wave.path_policy import ChangePolicy, parse_globs

    return FinishOptions(
        **opts.pr_fields(options),
        job_url=context.job_url,
        policy=ChangePolicy(
            allowed=parse_globs(options.allowed_paths, "allowed-paths"),
            blocked=parse_globs(options.blocked_paths, "blocked-paths"),
            max_prs=options.max_prs,
        ),
    )


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from lumina_wave.arguments import EXIT_BAD_INPUT_LINE, add_command

    parser = add_command(
        subparsers,
        "publish",
        summary="push a wave's collected changes and open their PRs",
        description="The writing half of a wave, where no agent ran: check each leg's bundle and "
        "draft record (both untrusted), push its branch, open or update its PR (token from "
        "GITHUB_TOKEN) and write the authoritative result records.",
        examples=(
            "lumina-wave publish --wave 1",
            "GITHUB_TOKEN=... lumina-wave publish --wave 2 --legs-dir legs --github-repo octo/app",
        ),
        exit_codes=(
            "0  published (a leg's own failure shows in its own job)",
            "1  a leg done by its own account could not be published here",
            EXIT_BAD_INPUT_LINE,
        ),
    )
    opts.add_arguments(parser, SPEC)
    parser.set_defaults(run=lambda args, context: run(opts.from_cli(PublishOptions, SPEC, args), context))


def run_action(runner: Runner, context: Context) -> int:
    return run(opts.from_action(PublishOptions, SPEC, runner), context, runner)


# --- the command ---------------------------------------------------------------------------


def run(options: PublishOptions, context: Context, runner: Runner | None = None) -> int:
    _, lost = publish_wave(runner, context, options)
    return exit_code(lost)
