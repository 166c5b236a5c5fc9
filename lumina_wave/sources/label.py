"""The label source: open issues with a label (edges from blocked-by and body lines)."""

from __future__ import annotations

from lumina_wave.model import Selection
from lumina_wave.sources.base import SourceOptions, github_client


def read(options: SourceOptions) -> Selection:
    """The open issues labelled ``options.label`` and, if asked, their open dependencies."""
    from lumina_wave.github_source import from_label

    return from_label(github_client(options), options.label, options.include_dependencies, options.references)
