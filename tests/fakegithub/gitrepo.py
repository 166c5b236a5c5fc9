"""Real git repositories for the fake GitHub: a bare ``origin`` and branches pushed to it."""

from __future__ import annotations

import subprocess
from pathlib import Path

_IDENTITY = ("-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return its stdout (raises on failure)."""
    done = subprocess.run(["git", *_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def init_origin(root: Path, default_branch: str = "main") -> tuple[Path, Path]:
    """A bare repository ``root/origin.git`` with one commit on ``default_branch``, and a clone of it.

    Returns ``(bare, clone)``; the clone has ``origin`` set, as a runner's checkout does.
    """
    bare, clone = root / "origin.git", root / "clone"
    git(root, "init", "--quiet", "--bare", f"--initial-branch={default_branch}", str(bare))
    git(root, "init", "--quiet", f"--initial-branch={default_branch}", str(clone))
    (clone / "README.md").write_text("# test repository\n")
    git(clone, "add", "README.md")
    git(clone, "commit", "--quiet", "-m", "Initial commit")
    git(clone, "remote", "add", "origin", str(bare))
    git(clone, "push", "--quiet", "origin", default_branch)
    return bare, clone


def push_branch(clone: Path, branch: str, files: dict[str, str], base: str = "main") -> str:
    """Commit ``files`` on ``branch`` (from ``base``), push it to origin, and return the commit."""
    git(clone, "checkout", "--quiet", "-B", branch, f"origin/{base}" if branch != base else base)
    for name, text in files.items():
        path = clone / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(clone, "add", name)
    git(clone, "commit", "--quiet", "-m", f"Work on {branch}")
    git(clone, "push", "--quiet", "--force", "origin", f"{branch}:refs/heads/{branch}")
    return git(clone, "rev-parse", "HEAD")
