"""Git worktrees for ``lumina-wave local``: one per issue under ``.worktrees/``, and their locks.

The git commands are :mod:`lumina_wave.git`'s.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from lumina_wave import git
from lumina_wave.safe_files import open_binary

WORKTREES_DIR = ".worktrees"


def worktree_path(repo: Path, issue: int) -> Path:
    """Where the worktree of ``issue`` lives."""
    return repo / WORKTREES_DIR / f"issue-{issue}"


def ensure_worktree(repo: Path, path: Path, ref: str = "HEAD") -> Path:
    """The worktree at ``path``, added detached at ``ref``, or the existing one without untracked files.

    Detached, so that the branch can be (re)started inside it by the leg code even when the
    branch is checked out elsewhere; untracked files (an interrupted agent's) are removed so that
    they are not committed by the next run. A registered worktree whose directory is gone is pruned.
    """
    known = {w.path.resolve() for w in git.list_worktrees(repo)}
    if path.resolve() in known and path.is_dir():
        git.remove_untracked(path)
        return path
    git.prune_worktrees(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    git.add_worktree(repo, path, ref)
    return path


def remove_worktrees(repo: Path) -> list[Path]:
    """Remove every worktree under ``repo/.worktrees`` (changes in them are discarded), then prune."""
    root = (repo / WORKTREES_DIR).resolve()
    removed = []
    for tree in git.list_worktrees(repo):
        if tree.path.resolve().is_relative_to(root):
            git.remove_worktree(repo, tree.path)
            removed.append(tree.path)
    git.prune_worktrees(repo)
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    return removed


def exclude_paths(repo: Path, patterns: list[str]) -> None:
    """Add ``patterns`` to the repository's ``info/exclude`` (not committed, unlike .gitignore)."""
    exclude = git.git_path(repo, "info/exclude")
    text = exclude.read_text(encoding="utf-8") if exclude.is_file() else ""
    missing = [p for p in patterns if p not in text.splitlines()]
    if missing:
        lines = ("\n" if text and not text.endswith("\n") else "") + "".join(f"{p}\n" for p in missing)
        with open_binary(exclude, "ab") as f:
            f.write(lines.encode("utf-8"))


class WorktreeBusy(Exception):
    """Another live process (a ``local`` run or its agent) holds the worktree's lock: one line."""


def lock_path(repo: Path, issue: int) -> Path:
    """The lock file next to the worktree of ``issue``."""
    tree = worktree_path(repo, issue)
    return tree.with_name(tree.name + ".lock")


def _alive(pid: int, group: bool = False) -> bool:
    """Whether process ``pid`` (or a process of group ``pid``) lives; zombies do not count."""
    proc = Path("/proc")
    if not proc.is_dir():  # no procfs: ask the kernel, zombies included
        try:
            (os.killpg if group else os.kill)(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    stats = proc.glob("[0-9]*/stat") if group else [proc / str(pid) / "stat"]
    for stat in stats:
        try:
            state, _ppid, pgrp = stat.read_text(encoding="utf-8").rsplit(") ", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if state != "Z" and (not group or int(pgrp) == pid):
            return True
    return False


class WorktreeLock:
    """One agent per worktree at a time: a lock file naming its owner ``pid`` and the agent's group.

    The lock is held while either lives; a lock whose owner and group are both gone (``local``
    killed, its agents dead) is stale and taken over.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def acquire(self) -> None:
        """Take the lock, recovering a stale one; raise :class:`WorktreeBusy` when it is held."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._write_tmp(None)
        try:
            for _ in range(2):
                try:
                    os.link(tmp, self.path)  # atomic, and never a half-written lock
                    return
                except FileExistsError:
                    holder = self._holder()
                    if holder is not None:
                        raise WorktreeBusy(
                            f"worktree {self.path.with_suffix('').name} is in use by process {holder} "
                            f"(another lumina-wave local or its agent; lock {self.path})"
                        ) from None
                    self.path.unlink(missing_ok=True)  # stale: its owner and agent are gone
            raise WorktreeBusy(f"could not take the lock {self.path}")
        finally:
            tmp.unlink()

    def set_group(self, group: int) -> None:
        """Record the agent's process group, so the lock stays held while the agent lives."""
        os.replace(self._write_tmp(group), self.path)

    def _write_tmp(self, group: int | None) -> Path:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "group": group}), encoding="utf-8")
        return tmp

    def release(self) -> None:
        self.path.unlink(missing_ok=True)

    def _holder(self) -> int | None:
        """The live pid or process group named in the lock file, None when both are gone."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            pid, group = data.get("pid"), data.get("group")
        except (OSError, ValueError, AttributeError):
            return None  # unreadable or half written by a process killed mid-write: stale
        if isinstance(group, int) and group > 0 and _alive(group, group=True):
            return group
        if isinstance(pid, int) and pid > 0 and pid != os.getpid() and _alive(pid):
            return pid
        return None
