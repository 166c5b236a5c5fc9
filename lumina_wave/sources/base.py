"""What every source shares: the options a run names its issues with (declared here once, for
the CLI and the action's inputs), and the GitHub client the GitHub sources read through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lumina_wave.errors import InputError
from lumina_wave.manifest import DEFAULT_MANIFEST
from lumina_wave.model import References
from lumina_wave.options import Group, option, repository

if TYPE_CHECKING:
    from lumina_wave.context import Context
    from lumina_wave.github.client import GitHubClient

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
    context: Context | None = None


def github_client(options: SourceOptions) -> GitHubClient:
    """A client for the repository the options name (through the run's context when the options
    carry it); bad input without repository or token."""
    from lumina_wave.context import Context

    if not options.repo:
        raise InputError("reading issues from GitHub needs a repository (--github-repo OWNER/NAME)")
    if not options.token:
        raise InputError("reading issues from GitHub needs a token (GITHUB_TOKEN or input github-token)")
    return (options.context or Context(api_url=options.api_url)).github(options.repo, options.token)


# The options that name a run's issues (``plan``), both sides; :func:`source_options` reads them.
SPEC = (
    option("manifest", f"the YAML manifest (default: {DEFAULT_MANIFEST} if it exists)", metavar="PATH"),
    repository("the GitHub repository of the issues (default: $GITHUB_REPOSITORY)"),
    option("label", f"issues carrying label L (default: {DEFAULT_LABEL} when no manifest)", metavar="L"),
    option("epic", "the sub-issues of issue N", kind="int", metavar="N", default=None),
    option("include-dependencies", "pull open dependencies outside the selection into the plan", kind="bool"),
    option(
        "max-references",
        "the most outside issues the bodies may name, each a lookup",
        kind="int",
        metavar="N",
        default=References.per_plan,
    ),
    option(
        "max-references-per-issue",
        "the most dependencies one body may name",
        kind="int",
        metavar="N",
        default=References.per_issue,
    ),
    option(
        "ignore-missing-references",
        "warn about, and drop, a body reference to an issue that does not exist",
        kind="bool",
    ),
)


@dataclass(frozen=True)
class SourceArguments:
    """What a run's options name its issues with: the fields of :data:`SPEC`."""

    manifest: str
    repo: str
    label: str
    epic: int | None
    include_dependencies: bool
    max_references: int
    max_references_per_issue: int
    ignore_missing_references: bool


# The source options in a command's options object: ``options.source``.
GROUP = Group("source", SourceArguments, SPEC)


def source_options(values: SourceArguments, context: Context, workspace: str | None) -> SourceOptions:
    """Source options from the arguments, the context's repository, token and API URL; a
    manifest is read inside ``workspace`` (None: anywhere)."""
    return SourceOptions(
        manifest=values.manifest,
        label=values.label,
        epic=values.epic,
        repo=values.repo or context.repository,
        token=context.token,
        api_url=context.api_url,
        include_dependencies=values.include_dependencies,
        workspace=workspace,
        references=References(
            values.max_references_per_issue, values.max_references, values.ignore_missing_references
        ),
        context=context,
    )
