"""Where a run's issues come from. Each source is a module with ``read(options) -> Selection``;
:func:`select` alone decides which one a run reads. A new source is one module here, one
line in :func:`select`, and the option that names it in :mod:`~lumina_wave.sources.base`
(both the CLI option and the action input).

Precedence: an epic, else a manifest named, else a label named, else the default manifest
(``.github/waves.yml``) if the workspace has one, else the label ``wave``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from lumina_wave.manifest import DEFAULT_MANIFEST
from lumina_wave.model import Selection
from lumina_wave.sources import epic, label, manifest
from lumina_wave.sources.base import DEFAULT_LABEL, GROUP, SourceOptions, github_client, source_options

__all__ = [
    "DEFAULT_LABEL",
    "GROUP",
    "SourceOptions",
    "github_client",
    "read_selection",
    "select",
    "source_options",
]

Reader = Callable[[SourceOptions], Selection]


def select(options: SourceOptions) -> tuple[Reader, SourceOptions]:
    """The source ``options`` name and the options to read it with (defaults filled in)."""
    if options.epic is not None:
        return epic.read, options
    if options.manifest:
        return manifest.read, options
    if options.label:
        return label.read, options
    if Path(options.workspace or ".", DEFAULT_MANIFEST).is_file():
        return manifest.read, replace(options, manifest=DEFAULT_MANIFEST)
    return label.read, replace(options, label=DEFAULT_LABEL)


def read_selection(options: SourceOptions) -> Selection:
    """The items and edges of the source ``options`` name."""
    read, options = select(options)
    return read(options)
