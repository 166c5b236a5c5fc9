"""Checks before ``lumina-wave local`` starts anything: the base, the remote, the agent, a clean tree.

Each problem is an :class:`~lumina_wave.errors.InputError` (one line, exit 2), raised before a
worktree, branch, log or record is made, so that a typo does not fail every issue the same way.
"""

from __future__ import annotations

import os
import posixpath
import shlex
import shutil
from pathlib import Path

from lumina_wave import git
from lumina_wave.errors import InputError
from lumina_wave.git import changed_files, remote_url, tree_entry

# First words the shell handles itself, or that take a command after them: not checked.
SHELL_WORDS = frozenset(
    "! . : [ [[ { alias case cd command eval exec export for if set source test time until while".split()  # noqa: SIM905
)
# Programs that run a script named by their first argument (``sh ./agent.sh``): the script is checked.
INTERPRETERS = frozenset({"bash", "dash", "ksh", "node", "perl", "python", "python3", "ruby", "sh", "zsh"})
_SHELL_SYNTAX = set("$`*?~(){}<>|&;")


def check_base(repo: Path, base: str, given_as: str, remote: str) -> str:
    """The ref of the base branch ``base`` (local first, else ``remote``'s); else an InputError."""
    ref = git.branch_ref(repo, base, remote, prefer_remote=False)
    if ref is None:
        raise InputError(
            f"base branch {base!r} ({given_as}) exists neither here nor as {remote}/{base}: "
            f"name an existing branch with --base, or git fetch {remote}"
        )
    return ref


def check_remote(repo: Path, remote: str) -> None:
    """``--push``/``--open-prs`` need ``remote``."""
    if remote_url(repo, remote) is None:
        raise InputError(
            f"--push needs the remote {remote!r}, which this repository does not have "
            f"(git remote add {remote} URL, or --remote NAME)"
        )


def check_clean(repo: Path, base: str) -> None:
    """Refuse uncommitted changes to tracked files when ``base`` is the branch checked out: the
    issues start from its commits, so the agents would not see them. Untracked files do not count."""
    if git.current_branch(repo) != base:
        return
    changed = changed_files(repo)
    if changed:
        names = ", ".join(shlex.quote(name) for name in changed[:3]) + (", …" if len(changed) > 3 else "")
        raise InputError(
            f"{base} has uncommitted changes ({names}): each issue starts from the last commit of "
            f"{base}, without them; commit or stash them first"
        )


def check_agent(agent: str, repo: Path, base_ref: str, tree: Path) -> None:
    """The agent's program exists: a command on PATH, an executable file, or a script committed on
    the base (the agent runs in the issue's worktree ``tree``, which holds only committed files).

    Shell syntax (variables, globs, pipes, builtins) is left to the shell.
    """
    try:
        words = shlex.split(agent)
    except ValueError as exc:
        raise InputError(f"--agent {agent!r} is not a valid shell command: {exc}") from None
    while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
        words.pop(0)  # NAME=value before the command
    if not words:
        raise InputError("--agent names no command")
    first = words[0]
    if first in SHELL_WORDS or _SHELL_SYNTAX & set(first):
        return
    if "/" in first:
        _check_file(agent, first, repo, base_ref, tree, executable=True)
    elif shutil.which(first) is None:
        raise InputError(f"--agent {agent!r}: {first!r} is not a command on PATH")
    elif first in INTERPRETERS and len(words) > 1 and not words[1].startswith("-"):
        script = words[1]
        if not _SHELL_SYNTAX & set(script) and ("/" in script or "." in script):
            _check_file(agent, script, repo, base_ref, tree, executable=False)


def _check_file(agent: str, name: str, repo: Path, base_ref: str, tree: Path, executable: bool) -> None:
    path = posixpath.normpath(name)
    if os.path.isabs(path) or path.startswith("../") or path == "..":
        full = Path(path) if os.path.isabs(path) else tree / path
        if not full.is_file():
            raise InputError(f"--agent {agent!r}: {name} does not exist (from the worktree, {full})")
        if executable and not os.access(full, os.X_OK):
            raise InputError(f"--agent {agent!r}: {full} is not executable (chmod +x it)")
        return
    entry = tree_entry(repo, base_ref, path)
    branch = base_ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
    if not entry or entry[1] != "blob":
        if (repo / path).is_file():
            raise InputError(
                f"--agent {agent!r}: {path} is not committed on {branch}, and the agent runs in each issue's "
                "worktree, which holds only committed files: commit it, or give its absolute path"
            )
        raise InputError(
            f"--agent {agent!r}: {path} does not exist on {branch} "
            "(the agent runs at the top of each issue's worktree)"
        )
    if executable and entry[0] not in ("100755", "120000"):
        raise InputError(
            f"--agent {agent!r}: {path} is committed without the executable bit "
            f"(git update-index --chmod=+x {path}, then commit)"
        )
