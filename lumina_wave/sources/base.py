"""What every source shares: the options a run names its issues with, and the GitHub client
the GitHub sources read through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lumina_wave.errors import InputError
from lumina_wave.model import References

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient


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
