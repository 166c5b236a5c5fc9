"""What every source shares: the options a run names its issues with (read from the CLI or
from the action's inputs, here only), and the GitHub client the GitHub sources read through."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lumina_wave.errors import InputError
from lumina_wave.manifest import DEFAULT_MANIFEST
from lumina_wave.model import References

if TYPE_CHECKING:
    import argparse

    from lumina_wave.github.client import GitHubClient
    from lumina_wave.runner import Runner

DEFAULT_LABEL = "wave"


@dataclass(frozen=True)
class SourceOptions:
    """How a run names its issues (:func:`lumina_wave.sources.select` picks the source)."""

    manifest: str = ""
    label: str = ""
    epic: int | None = None
    repo: str = ""
    token: str = ""
    api_url: str | None = None
    include_dependencies: bool = False
    workspace: str | None = None
    references: References = field(default_factory=References)


def github_client(options: SourceOptions) -> GitHubClient:
    """A client for the repository the options name; bad input without repository or token."""
    from lumina_wave.github.client import connect

    if not options.repo:
        raise InputError("reading issues from GitHub needs a repository (--github-repo OWNER/NAME)")
    if not options.token:
        raise InputError("reading issues from GitHub needs a token (GITHUB_TOKEN or input github-token)")
    return connect(options.repo, options.token, options.api_url)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The CLI options that name a run's issues (``plan``); :func:`from_cli` reads them."""
    parser.add_argument(
        "--manifest",
        metavar="PATH",
        default="",
        help=f"the YAML manifest (default: {DEFAULT_MANIFEST} if it exists)",
    )
    parser.add_argument(
        "--github-repo",
        dest="repo",
        metavar="OWNER/NAME",
        default=os.environ.get("GITHUB_REPOSITORY", ""),
        help="the GitHub repository of the issues (default: $GITHUB_REPOSITORY)",
    )
    parser.add_argument(
        "--label",
        metavar="L",
        default="",
        help=f"issues carrying label L (default: {DEFAULT_LABEL} when no manifest)",
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
        help="the most outside issues the bodies may name, each a lookup",
    )
    parser.add_argument(
        "--max-references-per-issue",
        type=int,
        default=defaults.per_issue,
        metavar="N",
        help="the most dependencies one body may name",
    )
    parser.add_argument(
        "--ignore-missing-references",
        action="store_true",
        help="warn about, and drop, a body reference to an issue that does not exist",
    )


def from_cli(args: argparse.Namespace) -> SourceOptions:
    """Source options from the CLI arguments of :func:`add_arguments` (token from GITHUB_TOKEN)."""
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


def from_action(runner: Runner) -> SourceOptions:
    """Source options from the action's inputs (the same as :func:`add_arguments`'s) and the
    runner's environment."""
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
