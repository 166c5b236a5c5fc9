"""``plan`` and ``validate``: read a source, plan the waves, emit the matrix."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import EXIT_OK, InputError, Origin, one_line
from lumina_wave.manifest import DEFAULT_MANIFEST
from lumina_wave.model import References, Selection
from lumina_wave.plan import GITHUB_MATRIX_LIMIT, Plan, plan_digest
from lumina_wave.results import DEFAULT_PLAN_FILE
from lumina_wave.runner import Runner

if TYPE_CHECKING:
    import argparse

DEFAULT_LABEL = "wave"


@dataclass(frozen=True)
class SourceOptions:
    """Which source to read. Precedence: epic, manifest, label, the default manifest, label ``wave``."""

    manifest: str = ""
    label: str = ""
    epic: int | None = None
    repo: str = ""
    token: str = ""
    api_url: str | None = None
    include_dependencies: bool = False
    workspace: str | None = None
    references: References = field(default_factory=References)


def read_selection(options: SourceOptions) -> Selection:
    """The items and edges named by ``options``, from a manifest or from GitHub."""
    from lumina_wave.manifest import read_manifest

    manifest = options.manifest
    nothing_named = options.epic is None and not manifest and not options.label
    if nothing_named and Path(options.workspace or ".", DEFAULT_MANIFEST).is_file():
        manifest = DEFAULT_MANIFEST
    if manifest and options.epic is None:
        # Errors and file annotations name the manifest as given: relative to the workspace.
        selection = read_manifest(_inside_workspace(manifest, options.workspace), manifest)
        if options.token and options.repo and any(not i.title for i in selection.items):
            from lumina_wave.github_source import fill_titles
            from lumina_wave.plan import build_plan

            build_plan(selection)  # a bad manifest (cycle, unknown reference…) costs no GitHub call
            selection = fill_titles(_client(options), selection)
        return selection

    client = _client(options)
    from lumina_wave.github_source import from_epic, from_label

    if options.epic is not None:
        return from_epic(client, options.epic, options.include_dependencies, options.references)
    return from_label(
        client, options.label or DEFAULT_LABEL, options.include_dependencies, options.references
    )


def _client(options: SourceOptions):
    from lumina_wave.github.client import connect

    if not options.repo:
        raise InputError("reading issues from GitHub needs a repository (--repo OWNER/NAME)")
    if not options.token:
        raise InputError("reading issues from GitHub needs a token (GITHUB_TOKEN or input github-token)")
    return connect(options.repo, options.token, options.api_url)


def _inside_workspace(path: str, workspace: str | None) -> Path:
    """The file to read for ``path``: resolved under ``workspace`` (symlinks too) when there is
    one, whatever the current directory; bad input if it lies outside."""
    if workspace is None:
        return Path(path)
    root = Path(workspace).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        raise InputError(f"manifest path {path!r} is outside the workspace {workspace!r}")
    return target


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


def write_plan(plan: Plan, path: str) -> dict:
    """Write plan.json to ``path`` (never through a link) and return its content."""
    from lumina_wave.plan import plan_to_json
    from lumina_wave.safe_files import write_text

    data = plan_to_json(plan)
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return data


# --- CLI -----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    plan = subparsers.add_parser("plan", help="plan a wave and print it")
    _source_arguments(plan)
    plan.add_argument("--format", choices=("table", "json", "mermaid"), default="table")
    plan.add_argument("--output", metavar="FILE", help="also write plan.json to FILE")
    plan.add_argument(
        "--max-jobs-per-wave",
        type=int,
        default=GITHUB_MATRIX_LIMIT,
        metavar="N",
        help=f"the most issues in one wave; more wait for the next (default and most: {GITHUB_MATRIX_LIMIT})",
    )
    plan.set_defaults(run=_run_plan)

    validate = subparsers.add_parser("validate", help="check a manifest without planning output")
    validate.add_argument("path", nargs="?", default=DEFAULT_MANIFEST, help=f"default: {DEFAULT_MANIFEST}")
    validate.set_defaults(run=_run_validate)


def _source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--manifest", metavar="PATH", default="", help=f"YAML manifest (default: {DEFAULT_MANIFEST})"
    )
    parser.add_argument("--repo", metavar="OWNER/NAME", default=os.environ.get("GITHUB_REPOSITORY", ""))
    parser.add_argument(
        "--label", metavar="L", default="", help=f"issues carrying label L (default: {DEFAULT_LABEL})"
    )
    parser.add_argument("--epic", metavar="N", type=int, help="the sub-issues of issue N")
    parser.add_argument(
        "--include-dependencies",
        action="store_true",
        help="pull open dependencies outside the selection into the plan",
    )
    defaults = References()
    parser.add_argument(
        "--max-references",
        type=int,
        default=defaults.per_plan,
        metavar="N",
        help=f"the most outside issues the bodies may name, each a lookup (default {defaults.per_plan})",
    )
    parser.add_argument(
        "--max-references-per-issue",
        type=int,
        default=defaults.per_issue,
        metavar="N",
        help=f"the most dependencies one body may name (default {defaults.per_issue})",
    )
    parser.add_argument(
        "--ignore-missing-references",
        action="store_true",
        help="warn about, and drop, a body reference to an issue that does not exist",
    )


def cli_source_options(args: argparse.Namespace) -> SourceOptions:
    """Source options from parsed CLI arguments (token from GITHUB_TOKEN)."""
    return SourceOptions(
        manifest=args.manifest,
        label=args.label,
        epic=args.epic,
        repo=args.repo,
        token=os.environ.get("GITHUB_TOKEN", ""),
        api_url=os.environ.get("GITHUB_API_URL") or None,
        include_dependencies=args.include_dependencies,
        references=References(
            args.max_references_per_issue, args.max_references, args.ignore_missing_references
        ),
    )


def _run_plan(args: argparse.Namespace) -> int:
    from lumina_wave.diagram import mermaid, wave_table
    from lumina_wave.plan import plan_to_json

    plan = make_plan(cli_source_options(args), args.max_jobs_per_wave, _warn)
    data = write_plan(plan, args.output) if args.output else None
    if args.format == "json":
        data = data or plan_to_json(plan)
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "mermaid":
        print(mermaid(plan))
    else:
        print(wave_table(plan))
    return EXIT_OK


def _warn(message: str, origin: Origin | None) -> None:
    print(f"lumina-wave: warning: {one_line(f'{origin}: {message}' if origin else message)}", file=sys.stderr)


def _run_validate(args: argparse.Namespace) -> int:
    from lumina_wave.manifest import read_manifest
    from lumina_wave.plan import build_plan

    plan = build_plan(read_manifest(args.path))
    print(f"{args.path}: ok ({len(plan.items)} issues, {plan.wave_count} waves)")
    return EXIT_OK


# --- action --------------------------------------------------------------------------------


def action_source_options(runner: Runner) -> SourceOptions:
    """Source options from the action's inputs and the runner's environment."""
    return SourceOptions(
        manifest=runner.input("manifest"),
        label=runner.input("label"),
        epic=runner.int_input("epic"),
        repo=runner.input("repository", os.environ.get("GITHUB_REPOSITORY", "")),
        token=runner.input("github-token"),
        api_url=os.environ.get("GITHUB_API_URL") or None,
        include_dependencies=runner.bool_input("include-dependencies"),
        workspace=os.environ.get("GITHUB_WORKSPACE", "."),
        references=References(
            runner.int_input("max-references-per-issue", References.per_issue),
            runner.int_input("max-references", References.per_plan),
            runner.bool_input("ignore-missing-references"),
        ),
    )


def _continued_plan(path: str, plan_id: str) -> Plan:
    """The plan a follow-up run continues: plan.json of the previous run (already downloaded)."""
    from lumina_wave.commands.prepare import load_plan

    plan = load_plan(path)
    if plan_id and plan.plan_id != plan_id:
        raise InputError(f"input 'plan-id' is {plan_id!r} but {path} holds plan {plan.plan_id}", Origin(path))
    return plan


def run_action(runner: Runner) -> int:
    from lumina_wave.continuation import window
    from lumina_wave.diagram import wave_table

    max_jobs = runner.int_input("max-jobs-per-wave", GITHUB_MATRIX_LIMIT)
    max_waves = runner.int_input("max-waves", 0, minimum=0) or None
    start = runner.int_input("start-wave", 1)
    path = runner.input("plan-file", DEFAULT_PLAN_FILE)
    if start > 1 or runner.input("plan-id"):
        plan = _continued_plan(path, runner.input("plan-id"))
    else:
        plan = make_plan(action_source_options(runner), max_jobs, runner.warning)
    data = write_plan(plan, path)
    works = window(plan.wave_count, start, max_waves)
    runner.set_output("plan", path)
    runner.set_output("plan-id", plan.plan_id)
    runner.set_output("plan-digest", plan_digest(Path(path).read_bytes()))
    # The wave slots run waves first … last of the plan: slot k works wave first + k - 1.
    runner.set_output("wave-count", str(works.last - works.first + 1 if plan.wave_count else 0))
    # Within GitHub's 1 MB of outputs per job by construction, whatever the titles: matrix entries
    # carry issue and wave only (plan.matrix_waves), and a plan holds at most 10,000 issues of
    # 32-bit numbers, ~450,000 UTF-16 units for both lists (tests/test_output_limits.py).
    runner.set_output("waves", data["waves"][works.first - 1 : works.last])
    if works.next_start is not None:
        print(f"waves {works.first}-{works.last} of {plan.wave_count} run now; the rest in a follow-up run")
    runner.set_output("issues", [n for wave in plan.waves for n in wave])
    table = wave_table(plan)
    print(table)
    runner.add_summary(f"### lumina-wave plan `{plan.plan_id}`\n\n```text\n{table}\n```\n")
    _first_progress(runner, plan, works.first - 1)
    return EXIT_OK


def _first_progress(runner: Runner, plan: Plan, done_through: int) -> None:
    """Post the plan's comment on the home targets, every issue waiting (a follow-up run: the
    earlier waves done). A comment not written is a warning: the wave goes on."""
    token = runner.input("github-token")
    repo = runner.input("repository", os.environ.get("GITHUB_REPOSITORY", ""))
    if not (token and repo):
        return
    from lumina_wave.github.client import connect
    from lumina_wave.progress_comment import post_progress, render_progress, run_url_from_env
    from lumina_wave.publish import first_targets, parse_numbers, triggering_number
    from lumina_wave.results import DEFAULT_RESULTS_DIR, read_records

    homes = first_targets(
        parse_numbers(runner.input("comment-on")), triggering_number(os.environ.get("GITHUB_EVENT_PATH"))
    )
    if not homes:
        return
    records = read_records(runner.input("results-dir", DEFAULT_RESULTS_DIR), plan.plan_id, issues=plan.items)[
        0
    ]
    body = render_progress(plan, records if done_through else {}, done_through, None, run_url_from_env())
    for outcome in post_progress(connect(repo, token), plan, homes, body):
        if outcome.action == "failed":
            runner.warning(f"progress comment on #{outcome.target} not written: {outcome.error}")
        else:
            print(f"lumina-wave: progress comment on #{outcome.target}: {outcome.action}")
