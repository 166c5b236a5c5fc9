"""Every git command lumina-wave runs. Each takes the work tree directory explicitly.

Git runs with ``safe.directory=*`` (the container's workspace belongs to the runner's user,
actions/runner#2033), no terminal prompt, and the C locale. Credentials come from the work
tree's own configuration (actions/checkout persists them); messages of failed commands have
any ``user:password@`` part of a URL removed before they are shown.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
GIT_TIMEOUT = 600
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


class GitError(Exception):
    """A git command failed: one line naming the command and git's own message."""


@dataclass(frozen=True)
class Author:
    """Who commits: name and email."""

    name: str = BOT_NAME
    email: str = BOT_EMAIL

    @classmethod
    def parse(cls, text: str) -> Author:
        """``Name <email>`` (empty text gives the Actions bot)."""
        if not text.strip():
            return cls()
        match = re.fullmatch(r"\s*([^<>]+?)\s*<([^<>\s]+)>\s*", text)
        if not match:
            raise ValueError(f"author must look like 'Name <email>', got {text!r}")
        return cls(match[1], match[2])


def redact(text: str) -> str:
    """``text`` without credentials embedded in URLs."""
    return _URL_CREDENTIALS.sub("***@", text)


def _run(
    directory: str | os.PathLike[str],
    args: Sequence[str],
    author: Author | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    if author is not None:
        env.update(
            GIT_AUTHOR_NAME=author.name,
            GIT_AUTHOR_EMAIL=author.email,
            GIT_COMMITTER_NAME=author.name,
            GIT_COMMITTER_EMAIL=author.email,
        )
    try:
        return subprocess.run(
            ["git", "-c", "safe.directory=*", *args],
            cwd=directory,
            env=env,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise GitError(redact(f"git {args[0]} failed: {exc}")) from None


def _message(done: subprocess.CompletedProcess[str]) -> str:
    return " ".join((done.stderr or done.stdout).split()) or f"exit code {done.returncode}"


def run_git(
    directory: str | os.PathLike[str],
    *args: str,
    author: Author | None = None,
    stdin: str | None = None,
    check: bool = True,
) -> str:
    """Run ``git args`` in ``directory`` and return its stdout; raise :class:`GitError` on failure."""
    done = _run(directory, args, author, stdin)
    if check and done.returncode != 0:
        raise GitError(redact(f"git {' '.join(args[:2])} failed: {_message(done)}"))
    return done.stdout


def rev_parse(directory: str | os.PathLike[str], ref: str) -> str | None:
    """The commit ``ref`` names, or None when it does not exist."""
    out = run_git(directory, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out.strip() or None


def head_commit(directory: str | os.PathLike[str]) -> str:
    return run_git(directory, "rev-parse", "HEAD").strip()


def current_branch(directory: str | os.PathLike[str]) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    out = run_git(directory, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return out.strip() or None


def fetch(directory: str | os.PathLike[str], remote: str = "origin") -> None:
    """Fetch every branch of ``remote`` into ``refs/remotes/<remote>/``, dropping deleted ones."""
    run_git(
        directory,
        "fetch",
        "--no-tags",
        "--prune",
        "--quiet",
        remote,
        f"+refs/heads/*:refs/remotes/{remote}/*",
    )


def is_shallow(directory: str | os.PathLike[str]) -> bool:
    """Whether the clone has only part of the history (e.g. actions/checkout's fetch-depth: 1)."""
    return run_git(directory, "rev-parse", "--is-shallow-repository").strip() == "true"


def fetch_branches(
    directory: str | os.PathLike[str], branches: Iterable[str], remote: str = "origin", depth: int = 1
) -> None:
    """Fetch only ``branches`` of ``remote``, ``depth`` commits of each, into ``refs/remotes/<remote>/``.

    For a shallow clone: a branch fetched without a depth brings all its history down to where it
    meets the clone's. A branch whose remote-tracking ref is already at the remote's tip is not
    fetched again; one ``remote`` does not have is skipped and its remote-tracking ref, if any,
    removed (as :func:`fetch` prunes it).
    """
    wanted = list(dict.fromkeys(branches))
    listed = run_git(directory, "ls-remote", "--heads", remote, *(f"refs/heads/{b}" for b in wanted))
    tips = {
        ref.removeprefix("refs/heads/"): sha
        for sha, _, ref in (line.partition("\t") for line in listed.splitlines())
    }
    specs = []
    for branch in wanted:
        tracking = f"refs/remotes/{remote}/{branch}"
        have = rev_parse(directory, tracking)
        if branch not in tips and have:
            run_git(directory, "update-ref", "-d", tracking)
        elif branch in tips and have != tips[branch]:  # the checkout's own branch is often current
            specs.append(f"+refs/heads/{branch}:{tracking}")
    if specs:
        run_git(directory, "fetch", "--no-tags", "--quiet", f"--depth={depth}", remote, *specs)


DEEPEN_STEPS = (4, 16, 64, 256, 1024)  # commits added per round; then the whole history


def deepen_until_related(
    directory: str | os.PathLike[str], base: str, branches: Sequence[str], remote: str = "origin"
) -> None:
    """Fetch more history of ``base`` and ``branches`` (remote branches fetched before) until
    ``base`` has a merge base with each, or the clone has all their history.

    In a shallow clone merges and ancestry checks see only what was fetched: without their merge
    base, ``git merge`` refuses unrelated histories and ``is_ancestor`` answers no.
    """
    names = [
        n for n in dict.fromkeys([base, *branches]) if rev_parse(directory, f"refs/remotes/{remote}/{n}")
    ]
    refs = [f"refs/remotes/{remote}/{n}" for n in names]
    specs = [f"+refs/heads/{n}:{ref}" for n, ref in zip(names, refs, strict=True)]

    def related() -> bool:
        return all(_run(directory, ["merge-base", refs[0], ref]).returncode == 0 for ref in refs[1:])

    if not refs or base not in names:
        return
    for step in (*DEEPEN_STEPS, 0):
        if related() or not is_shallow(directory):
            return
        depth = f"--deepen={step}" if step else "--unshallow"
        run_git(directory, "fetch", "--no-tags", "--quiet", depth, remote, *specs)


def remote_default_branch(directory: str | os.PathLike[str], remote: str = "origin") -> str | None:
    """The branch ``remote``'s HEAD points to (asks the remote), or None when it cannot tell."""
    out = run_git(directory, "ls-remote", "--symref", remote, "HEAD", check=False)
    match = re.search(r"^ref: refs/heads/(\S+)\s+HEAD$", out, re.MULTILINE)
    return match[1] if match else None


def branch_ref(
    directory: str | os.PathLike[str], branch: str, remote: str, prefer_remote: bool
) -> str | None:
    """The full ref of ``branch``: its remote-tracking ref or its local one, preferred first; None if neither."""
    candidates = [f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"]
    if not prefer_remote:
        candidates.reverse()
    return next((ref for ref in candidates if rev_parse(directory, ref)), None)


def is_ancestor(directory: str | os.PathLike[str], ancestor: str, descendant: str) -> bool:
    """Whether ``ancestor`` is reachable from ``descendant`` (e.g. a branch already merged)."""
    return _run(directory, ["merge-base", "--is-ancestor", ancestor, descendant]).returncode == 0


def start_branch(
    directory: str | os.PathLike[str], branch: str, refs: Sequence[str], author: Author | None = None
) -> str:
    """Point ``branch`` at ``refs[0]`` and check it out (created or reset), then merge ``refs[1:]``.

    Works on a normal checkout and in a worktree added with ``--detach``. Local changes to tracked
    files are discarded; untracked files stay. A merge conflict aborts the merge and raises
    :class:`GitError` naming the conflicting files. Returns the new HEAD commit.
    """
    if not refs:
        raise ValueError("start_branch needs at least one ref")
    run_git(directory, "checkout", "--quiet", "--force", "--no-track", "-B", branch, refs[0])
    for ref in refs[1:]:
        message = f"Merge {_short(ref)} into {branch}"
        merged = _run(directory, ["merge", "--no-ff", "--quiet", "-m", message, ref], author or Author())
        if merged.returncode != 0:
            conflicts = run_git(directory, "diff", "--name-only", "--diff-filter=U").split()
            run_git(directory, "merge", "--abort", check=False)
            if conflicts:
                raise GitError(f"merging {_short(ref)} into {branch} conflicts in {', '.join(conflicts)}")
            raise GitError(redact(f"merging {_short(ref)} into {branch} failed: {_message(merged)}"))
    return head_commit(directory)


def _short(ref: str) -> str:
    return re.sub(r"\Arefs/(?:heads/|remotes/[^/]+/)", "", ref)


def set_ref(directory: str | os.PathLike[str], ref: str, commit: str) -> None:
    """Create or move ``ref`` (outside refs/heads, e.g. a private marker) to ``commit``."""
    run_git(directory, "update-ref", ref, commit)


def _pathspec(exclude: Iterable[str]) -> list[str]:
    return ["--", ".", *(f":(exclude,top){path}" for path in exclude)]


def commit_all(
    directory: str | os.PathLike[str], message: str, author: Author, exclude: Iterable[str] = ()
) -> str | None:
    """Stage everything except ``exclude`` and commit it as ``author``; None when nothing was staged."""
    exclude = list(exclude)
    run_git(directory, "add", "--all", *_pathspec(exclude))
    if not run_git(directory, "diff", "--cached", "--name-only").strip():
        return None
    run_git(directory, "commit", "--quiet", "--no-verify", "--file", "-", author=author, stdin=message)
    return head_commit(directory)


def same_tree(directory: str | os.PathLike[str], a: str, b: str) -> bool:
    """Whether commits ``a`` and ``b`` hold the same files."""
    trees = run_git(directory, "rev-parse", f"{a}^{{tree}}", f"{b}^{{tree}}").split()
    return trees[0] == trees[1]


def push_branch(directory: str | os.PathLike[str], branch: str, remote: str = "origin") -> None:
    """Push HEAD to ``branch`` on ``remote``, forcing only over what was last fetched.

    The lease is the remote-tracking ref of ``branch`` (or "must not exist" when there is none),
    so a branch someone else moved since the fetch is not overwritten.
    """
    expected = rev_parse(directory, f"refs/remotes/{remote}/{branch}") or ""
    run_git(
        directory,
        "push",
        "--quiet",
        "--no-verify",
        f"--force-with-lease=refs/heads/{branch}:{expected}",
        remote,
        f"HEAD:refs/heads/{branch}",
    )
    run_git(directory, "update-ref", f"refs/remotes/{remote}/{branch}", "HEAD")


def list_refs(directory: str | os.PathLike[str]) -> dict[str, str]:
    """Every ref of the repository (shared by its worktrees) and the object it points to."""
    out = run_git(directory, "for-each-ref", "--format=%(objectname) %(refname)")
    return {ref: sha for sha, _, ref in (line.partition(" ") for line in out.splitlines()) if ref}


def put_back_refs(
    directory: str | os.PathLike[str], wanted: Mapping[str, str | None], keep_under: str
) -> None:
    """Set each ref to its ``wanted`` value (None: delete it), in one transaction.

    The value each ref had is kept under ``keep_under`` + the ref's name, so nothing is lost.
    """
    now = list_refs(directory)
    lines = []
    for ref, sha in sorted(wanted.items()):
        if now.get(ref):
            lines.append(f"update {keep_under}/{ref.removeprefix('refs/')} {now[ref]}")
        lines.append(f"update {ref} {sha}" if sha else f"delete {ref}")
    run_git(directory, "update-ref", "--no-deref", "--stdin", stdin="".join(f"{line}\n" for line in lines))
