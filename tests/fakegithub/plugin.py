"""Pytest fixtures of the fake GitHub. Register with ``pytest_plugins = ["fakegithub.plugin"]``.

``fake_github`` is a running fake bound to a real bare repository (``fake_github.state.git_dir``)
with a clone beside it (``fake_origin``). At teardown it fails the test when any exchange broke
GitHub's OpenAPI contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .gitrepo import init_origin
from .server import FakeGitHub
from .state import Repo


@pytest.fixture
def fake_origin(tmp_path: Path) -> tuple[Path, Path]:
    """``(bare, clone)``: a bare ``origin`` with one commit on main, and a clone of it."""
    return init_origin(tmp_path)


@pytest.fixture
def fake_github(fake_origin: tuple[Path, Path]) -> Iterator[FakeGitHub]:
    """A running fake GitHub for repository ``octo-org/r`` whose pull requests come from ``fake_origin``."""
    with FakeGitHub(Repo(git_dir=fake_origin[0])) as fake:
        yield fake
    fake.assert_no_violations()
