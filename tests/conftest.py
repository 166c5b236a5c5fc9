"""Shared fixtures: real git repositories, a local bare one standing in for GitHub's ``origin``.

- ``origin``: a bare repository whose ``main`` holds one commit (README.md); HEAD is ``main``.
- ``make_clone(name)``: a fresh clone of ``origin`` (a new runner's checkout), identity set.
- ``clone``: one such clone.
- ``sh``: run a git command in a directory and get its stdout (``sh(path, "log", "--oneline")``).
- ``clean_env``: the environment without GITHUB_*/INPUT_*/RUNNER_*/WAVE_* (for subprocess tests).
- ``wave_run(**options)``: an end-to-end ``WaveRun`` of ``fake_github`` and ``fake_origin`` in ``tmp_path``.
- ``outside``: a folder no write may reach (a stand-in for /etc) holding ``passwd``, which must not change.

Git never reads the user's or the system's configuration here (GIT_CONFIG_GLOBAL/NOSYSTEM);
the global configuration it gets names a test identity, so any test can commit.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from e2e.driver import WaveRun
    from fakegithub import FakeGitHub

pytest_plugins = [
    "fakegithub.plugin",  # the stateful fake GitHub: fixtures fake_github, fake_origin
    "e2e.plugin",  # writes docs/reliability.md after a full end-to-end run
]

Sh = Callable[..., str]


def run_git_cmd(cwd: Path, *args: str, check: bool = True) -> str:
    """``git args`` in ``cwd`` (stdout), failing the test with git's message on error."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {done.stderr.strip()}")
    return done.stdout


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git ignores the machine's configuration; commits made by tests get a fixed identity."""
    config = tmp_path_factory.getbasetemp() / "gitconfig"
    if not config.exists():
        config.write_text(
            "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.com\n"
        )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def sh() -> Sh:
    return run_git_cmd


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository with ``main`` holding README.md."""
    bare = tmp_path / "origin.git"
    run_git_cmd(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "origin-seed"
    run_git_cmd(tmp_path, "init", "--quiet", "--initial-branch=main", str(seed))
    (seed / "README.md").write_text("# demo\n")
    run_git_cmd(seed, "add", "README.md")
    run_git_cmd(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "-qm", "initial")
    run_git_cmd(seed, "push", "--quiet", str(bare), "main")
    return bare


@pytest.fixture
def make_clone(origin: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A factory of fresh clones of ``origin`` under ``tmp_path/<name>``, with a committer identity."""

    def make(name: str = "clone") -> Path:
        path = tmp_path / name
        run_git_cmd(tmp_path, "clone", "--quiet", str(origin), str(path))
        run_git_cmd(path, "config", "user.name", "Agent")
        run_git_cmd(path, "config", "user.email", "agent@example.com")
        return path

    return make


@pytest.fixture
def clone(make_clone: Callable[[str], Path]) -> Path:
    return make_clone("clone")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``os.environ`` without the Actions variables of a surrounding CI run (for subprocess tests)."""
    for key in list(os.environ):
        if key.startswith(("GITHUB_", "INPUT_", "RUNNER_", "WAVE_")) or key == "ACTIONS_RUNTIME_TOKEN":
            monkeypatch.delenv(key, raising=False)
    return dict(os.environ)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder no write may reach (a stand-in for /etc), with one file that must not change."""
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "passwd").write_text("root:x:0:0\n")
    return folder


@pytest.fixture
def wave_run(
    fake_github: FakeGitHub, fake_origin: tuple[Path, Path], tmp_path: Path
) -> Callable[..., WaveRun]:
    """``WaveRun`` of the fake GitHub and its origin in the test's folder, given only its options."""
    from e2e.driver import WaveRun

    return functools.partial(WaveRun, fake_github, fake_origin[0], tmp_path)
