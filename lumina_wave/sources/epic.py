"""The epic source: an issue's open sub-issues (edges from blocked-by and body lines)."""

from __future__ import annotations

from lumina_wave.model import Selection
from lumina_wave.sources.base import SourceOptions, github_client


def read(options: SourceOptions) -> Selection:
    """The open sub-issues of ``options.epic`` and, if asked, their open dependencies."""
    from lumina_wave.github_source import from_epic

    assert options.epic is not None  # select() picks this source only with an epic
    return from_epic(github_client(options), options.epic, options.include_dependencies, options.references)
