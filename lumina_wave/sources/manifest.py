"""The manifest source: a YAML file in the workspace (lumina_wave.manifest reads it)."""

from __future__ import annotations

from pathlib import Path

from lumina_wave.errors import InputError
from lumina_wave.model import Selection
from lumina_wave.sources.base import SourceOptions, github_client


def read(options: SourceOptions) -> Selection:
    """The manifest's issues; titles it leaves out come from GitHub when a repository and a
    token are given, after the manifest has planned cleanly (a bad one costs no request)."""
    from lumina_wave.manifest import read_manifest

    # Errors and file annotations name the manifest as given: relative to the workspace.
    selection = read_manifest(inside_workspace(options.manifest, options.workspace), options.manifest)
    if options.token and options.repo and any(not item.title for item in selection.items):
        from lumina_wave.github_source import fill_titles
        from lumina_wave.plan import build_plan

        build_plan(selection)
        selection = fill_titles(github_client(options), selection)
    return selection


def inside_workspace(path: str, workspace: str | None) -> Path:
    """The file to read for ``path``: resolved under ``workspace`` (symlinks too) when there is
    one, whatever the current directory; bad input if it lies outside."""
    if workspace is None:
        return Path(path)
    root = Path(workspace).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        raise InputError(f"manifest path {path!r} is outside the workspace {workspace!r}")
    return target
