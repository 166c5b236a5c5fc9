"""Every git command lumina-wave runs. Each takes the work tree directory explicitly.

Git runs with ``safe.directory=*`` (the container's workspace belongs to the runner's user,
actions/runner#2033), no terminal prompt, the C locale, no hooks and no fsmonitor (whatever a
repository configures: an agent may have written its configuration), and no ``GIT_*`` variable
but the user's choice of configuration files. A token, when one is given, reaches
git only through the environment of that one command (``http.extraheader`` as actions/checkout
writes it, never into ``.git/config``); messages of failed commands have any ``user:password@``
part of a URL removed before they are shown.

A work tree an agent had is hostile (its ``.git/`` included): :class:`Isolated` reads it as data
with a git directory of our own, and :func:`run_hardened` is the only way git runs in it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import stat
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
GIT_TIMEOUT = 600
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# Command-line configuration wins over every file: nothing a hostile repository configured runs.
HARDENED = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.ext.allow=never")
HEAD_LIMIT = 4096
SHALLOW_LIMIT = 4 * 1024 * 1024  # a shallow file of ~100,000 commits
INDEX_LIMIT = 512 * 1024 * 1024  # an index of ~5 million files
INDEX_MODES = (0o100644, 0o100755, 0o120000, 0o160000)


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


def token_env(token: str | None) -> dict[str, str]:
    """The environment that hands ``token`` to one git command (never written to a config file)."""
    if not token:
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraheader",
        "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
    }


def _author_env(author: Author | None) -> dict[str, str]:
    if author is None:
        return {}
    return {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_COMMITTER_NAME": author.name,
        "GIT_COMMITTER_EMAIL": author.email,
    }


def isolated_env(extra: dict[str, str] | None = None, *, user_config: bool = False) -> dict[str, str]:
    """An environment for git that nothing else chose: every ``GIT_*`` variable dropped (a step
    before us may have exported some), no system configuration and, unless ``user_config`` (the
    user's own credentials for a local push), no global one either."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    if user_config:
        env.update({k: v for k, v in os.environ.items() if k in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")})
    else:
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_PAGER="cat", GIT_ATTR_NOSYSTEM="1", **(extra or {}))
    return env


def _run(
    directory: str | os.PathLike[str],
    args: Sequence[str],
    author: Author | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    if env is None:
        env = isolated_env(user_config=True)
    env = {**env, **_author_env(author)}
    try:
        return subprocess.run(
            ["git", "-c", "safe.directory=*", *HARDENED, *prefix, *args],
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
    token: str | None = None,
) -> str:
    """Run ``git args`` in ``directory`` and return its stdout; raise :class:`GitError` on failure.

    ``token`` authenticates this one command (see :func:`token_env`)."""
    env = {**isolated_env(user_config=True), **token_env(token)} if token else None
    return _checked(_run(directory, args, author, stdin, env), args, check)


def _checked(done: subprocess.CompletedProcess[str], args: Sequence[str], check: bool) -> str:
    if check and done.returncode != 0:
        raise GitError(redact(f"git {' '.join(args[:2])} failed: {_message(done)}"))
    return done.stdout


def run_hardened(directory: str | os.PathLike[str], *args: str, check: bool = True) -> str:
    """``git args`` in a repository an agent had: no hooks, no fsmonitor, no ``GIT_*`` from the
    environment, no global configuration. Only for commands that run nothing else from the
    repository's configuration (``update-ref``, ``rev-parse``, ``read-tree`` without ``-u``)."""
    return _checked(_run(directory, args, env=isolated_env()), args, check)


def hardened_update_ref(directory: str | os.PathLike[str], ref: str, commit: str) -> None:
    """Create or move ``ref`` to ``commit`` in a repository an agent had (:func:`run_hardened`)."""
    run_hardened(directory, "update-ref", ref, commit)


def hardened_read_tree(directory: str | os.PathLike[str], commit: str) -> None:
    """Make the index of a repository an agent had ``commit``'s tree (the work tree is not touched)."""
    run_hardened(directory, "read-tree", commit)


def hardened_resolve(directory: str | os.PathLike[str], ref: str) -> str:
    """The object ``ref`` names in a repository an agent had; empty when there is no such ref."""
    return run_hardened(directory, "rev-parse", "--verify", "--quiet", ref, check=False).strip()


def rev_parse(directory: str | os.PathLike[str], ref: str) -> str | None:
    """The commit ``ref`` names, or None when it does not exist."""
    out = run_git(directory, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out.strip() or None


def commits(directory: str | os.PathLike[str], names: Iterable[str]) -> dict[str, str | None]:
    """The commit each of ``names`` names, or None (as :func:`rev_parse`), from one git process.

    A name with whitespace or a control character names nothing (git refuses such names), and
    never reaches git's line-based input."""
    wanted = list(dict.fromkeys(names))
    asked = [n for n in wanted if n and n.isprintable() and not any(c.isspace() for c in n)]
    found: dict[str, str | None] = dict.fromkeys(wanted)
    if asked:
        out = run_git(
            directory,
            "cat-file",
            "--batch-check=%(objectname)",
            stdin="".join(f"{name}^{{commit}}\n" for name in asked),
        )
        for name, line in zip(asked, out.splitlines(), strict=True):
            found[name] = line if _SHA.fullmatch(line) else None
    return found


def head_commit(directory: str | os.PathLike[str]) -> str:
    return run_git(directory, "rev-parse", "HEAD").strip()


def current_branch(directory: str | os.PathLike[str]) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    out = run_git(directory, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return out.strip() or None


def fetch(directory: str | os.PathLike[str], remote: str = "origin", token: str | None = None) -> None:
    """Fetch every branch of ``remote`` into ``refs/remotes/<remote>/``, dropping deleted ones."""
    run_git(
        directory,
        "fetch",
        "--no-tags",
        "--prune",
        "--quiet",
        remote,
        f"+refs/heads/*:refs/remotes/{remote}/*",
        token=token,
    )


def is_shallow(directory: str | os.PathLike[str]) -> bool:
    """Whether the clone has only part of the history (e.g. actions/checkout's fetch-depth: 1)."""
    return run_git(directory, "rev-parse", "--is-shallow-repository").strip() == "true"


def fetch_branches(
    directory: str | os.PathLike[str],
    branches: Iterable[str],
    remote: str = "origin",
    depth: int = 1,
    token: str | None = None,
    unless_at: Mapping[str, str] | None = None,
) -> None:
    """Fetch only ``branches`` of ``remote``, ``depth`` commits of each, into ``refs/remotes/<remote>/``.

    For a shallow clone: a branch fetched without a depth brings all its history down to where it
    meets the clone's. A branch whose remote-tracking ref is already at the remote's tip is not
    fetched again; one ``remote`` does not have is skipped and its remote-tracking ref, if any,
    removed (as :func:`fetch` prunes it). Nor is a branch whose tip is ``unless_at[branch]``
    (a commit that comes another way, whole: fetched one commit deep, it would be a shallow
    commit, without parents for every check after).
    """
    wanted = list(dict.fromkeys(branches))
    listed = run_git(
        directory, "ls-remote", "--heads", remote, *(f"refs/heads/{b}" for b in wanted), token=token
    )
    tips = {
        ref.removeprefix("refs/heads/"): sha
        for sha, _, ref in (line.partition("\t") for line in listed.splitlines())
    }
    specs = []
    tracked = commits(directory, [f"refs/remotes/{remote}/{b}" for b in wanted])
    for branch in wanted:
        tracking = f"refs/remotes/{remote}/{branch}"
        have = tracked[tracking]
        if branch not in tips and have:
            run_git(directory, "update-ref", "-d", tracking)
        elif branch in tips and tips[branch] not in (have, (unless_at or {}).get(branch)):
            specs.append(f"+refs/heads/{branch}:{tracking}")
    if specs:
        run_git(directory, "fetch", "--no-tags", "--quiet", f"--depth={depth}", remote, *specs, token=token)


DEEPEN_STEPS = (4, 16, 64, 256, 1024)  # commits added per round; then the whole history


def _deepen_until(
    directory: str | os.PathLike[str],
    names: Sequence[str],
    done: Callable[[list[str]], bool],
    remote: str,
    token: str | None,
    steps: Sequence[int] = (*DEEPEN_STEPS, 0),
) -> bool:
    """Fetch more history of the branches ``names`` (their remote-tracking refs, fetched before),
    ``steps`` commits at a time (0: all of it), until ``done(refs)`` holds; whether it does."""
    names = [n for n in dict.fromkeys(names) if rev_parse(directory, f"refs/remotes/{remote}/{n}")]
    refs = [f"refs/remotes/{remote}/{n}" for n in names]
    specs = [f"+refs/heads/{n}:{ref}" for n, ref in zip(names, refs, strict=True)]
    for step in steps:
        if not refs or done(refs) or not is_shallow(directory):
            break
        depth = f"--deepen={step}" if step else "--unshallow"
        run_git(directory, "fetch", "--no-tags", "--quiet", depth, remote, *specs, token=token)
    return bool(refs) and done(refs)


def deepen_until_related(
    directory: str | os.PathLike[str],
    base: str,
    branches: Sequence[str],
    remote: str = "origin",
    token: str | None = None,
) -> None:
    """Fetch more history of ``base`` and ``branches`` (remote branches fetched before) until
    ``base`` has a merge base with each, or the clone has all their history.

    In a shallow clone merges and ancestry checks see only what was fetched: without their merge
    base, ``git merge`` refuses unrelated histories and ``is_ancestor`` answers no.
    """
    if not rev_parse(directory, f"refs/remotes/{remote}/{base}"):
        return

    def related(refs: list[str]) -> bool:
        return all(_run(directory, ["merge-base", refs[0], ref]).returncode == 0 for ref in refs[1:])

    _deepen_until(directory, [base, *branches], related, remote, token)


def deepen_until_contains(
    directory: str | os.PathLike[str],
    commits: Iterable[str],
    branches: Sequence[str],
    remote: str = "origin",
    token: str | None = None,
) -> None:
    """Fetch more history of ``branches`` (remote branches fetched before) until each of
    ``commits`` is an ancestor of one of them, or the clone has all their history.

    E.g. a bundle's prerequisites: the base commit a leg started from is older than the tip when
    the base moved. When the steps of :data:`DEEPEN_STEPS` have not reached them, each missing
    commit is fetched by SHA (GitHub serves any commit reachable from its refs), and only for
    those the remote has does the clone fetch the whole history of ``branches``.
    """
    wanted = [c for c in dict.fromkeys(commits) if _SHA.fullmatch(c)]

    def contained(refs: list[str]) -> bool:
        return all(any(is_ancestor(directory, c, ref) for ref in refs) for c in wanted)

    if _deepen_until(directory, branches, contained, remote, token, DEEPEN_STEPS):
        return
    wanted = [c for c in wanted if rev_parse(directory, c) or _fetch_commits(directory, [c], remote, token)]
    _deepen_until(directory, branches, contained, remote, token, (0,))


def _fetch_commits(
    directory: str | os.PathLike[str], commits: Sequence[str], remote: str, token: str | None
) -> bool:
    """Fetch ``commits`` by SHA, one commit deep; False when the remote lacks one of them."""
    args = ["fetch", "--no-tags", "--quiet", "--no-write-fetch-head", "--depth=1", remote, *commits]
    return _run(directory, args, env={**isolated_env(user_config=True), **token_env(token)}).returncode == 0


def remote_default_branch(
    directory: str | os.PathLike[str], remote: str = "origin", token: str | None = None
) -> str | None:
    """The branch ``remote``'s HEAD points to (asks the remote), or None when it cannot tell."""
    out = run_git(directory, "ls-remote", "--symref", remote, "HEAD", check=False, token=token)
    match = re.search(r"^ref: refs/heads/(\S+)\s+HEAD$", out, re.MULTILINE)
    return match[1] if match else None


def branch_ref(
    directory: str | os.PathLike[str], branch: str, remote: str, prefer_remote: bool
) -> str | None:
    """The full ref of ``branch``: its remote-tracking ref or its local one, preferred first; None if neither."""
    return branch_refs(directory, [branch], remote, prefer_remote)[branch]


def branch_refs(
    directory: str | os.PathLike[str], branches: Iterable[str], remote: str, prefer_remote: bool
) -> dict[str, str | None]:
    """:func:`branch_ref` of each of ``branches``, from one git process."""
    candidates = {}
    for branch in dict.fromkeys(branches):
        pair = [f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"]
        candidates[branch] = pair if prefer_remote else pair[::-1]
    found = commits(directory, [ref for pair in candidates.values() for ref in pair])
    return {b: next((ref for ref in pair if found[ref]), None) for b, pair in candidates.items()}


def is_ancestor(directory: str | os.PathLike[str], ancestor: str, descendant: str) -> bool:
    """Whether ``ancestor`` is reachable from ``descendant`` (e.g. a branch already merged)."""
    return _run(directory, ["merge-base", "--is-ancestor", ancestor, descendant]).returncode == 0


def start_branch(
    directory: str | os.PathLike[str],
    branch: str,
    refs: Sequence[str],
    author: Author | None = None,
    trailers: str = "",
) -> str:
    """Point ``branch`` at ``refs[0]`` and check it out (created or reset), then merge ``refs[1:]``
    (``trailers``, when given, end each merge's message).

    Works on a normal checkout and in a worktree added with ``--detach``. Local changes to tracked
    files are discarded; untracked files stay. A merge conflict aborts the merge and raises
    :class:`GitError` naming the conflicting files. Returns the new HEAD commit.
    """
    if not refs:
        raise ValueError("start_branch needs at least one ref")
    if not _switch_in_place(directory, branch, refs[0]):
        run_git(directory, "checkout", "--quiet", "--force", "--no-track", "-B", branch, refs[0])
    for ref in refs[1:]:
        message = f"Merge {_short(ref)} into {branch}" + (f"\n\n{trailers}" if trailers else "")
        merged = _run(directory, ["merge", "--no-ff", "--quiet", "-m", message, ref], author or Author())
        if merged.returncode != 0:
            conflicts = run_git(directory, "diff", "--name-only", "--diff-filter=U").split()
            run_git(directory, "merge", "--abort", check=False)
            if conflicts:
                raise GitError(f"merging {_short(ref)} into {branch} conflicts in {', '.join(conflicts)}")
            raise GitError(redact(f"merging {_short(ref)} into {branch} failed: {_message(merged)}"))
    return head_commit(directory)


def _switch_in_place(directory: str | os.PathLike[str], branch: str, ref: str) -> bool:
    """Point ``branch`` at ``ref`` and check it out without reading the work tree, when that is
    what ``checkout --force -B`` would do: ``ref`` is HEAD's commit, the index holds HEAD's tree
    and every file is as the index recorded it (:func:`_stale_entries`). False (nothing done)
    otherwise.

    A fresh checkout writes its index in the same second as its files, so ``checkout -B`` would
    hash every file again (git compares stat data to the second): on a big repository, the
    costliest part of a leg's start."""
    done = _run(directory, ["rev-parse", "--git-path", "index", "HEAD", f"{ref}^{{commit}}"])
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) != 3 or lines[1] != lines[2]:
        return False
    index, commit = Path(directory, lines[0]), lines[1]
    read = _read_index(index)
    parsed = _index_entries(read[0]) if read else None
    if read is None or parsed is None or not _plain_extensions(read[0], parsed[1]):
        return False
    if _stale_entries(Path(directory), parsed[0], read[1], by_content=True):
        return False
    if _run(directory, ["diff-index", "--cached", "--quiet", "HEAD", "--"]).returncode != 0:
        return False
    message = f"lumina-wave: start {branch}"
    run_git(directory, "update-ref", "-m", message, f"refs/heads/{branch}", commit)
    run_git(directory, "symbolic-ref", "-m", message, "HEAD", f"refs/heads/{branch}")
    return True


def _short(ref: str) -> str:
    return re.sub(r"\Arefs/(?:heads/|remotes/[^/]+/)", "", ref)


def set_ref(directory: str | os.PathLike[str], ref: str, commit: str) -> None:
    """Create or move ``ref`` (outside refs/heads, e.g. a private marker) to ``commit``."""
    run_git(directory, "update-ref", ref, commit)


def save_index(directory: str | os.PathLike[str], path: Path) -> None:
    """Copy the work tree's index to ``path`` (never through a link), with the time it was
    written, before an agent runs: its files' stat data spare :meth:`Isolated.snapshot` hashing
    every file again."""
    from lumina_wave.safe_files import open_binary

    index = Path(directory, run_git(directory, "rev-parse", "--git-path", "index").strip())
    with index.open("rb") as source, open_binary(path) as target:
        shutil.copyfileobj(source, target)
        target.flush()
        written = os.fstat(source.fileno())
        os.utime(target.fileno(), ns=(written.st_atime_ns, written.st_mtime_ns))


def _read_index(path: Path) -> tuple[bytes, int] | None:
    """An index file (a regular file, not a link) and when it was last written, in nanoseconds."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        written = os.fstat(fd)
        return (f.read(INDEX_LIMIT), written.st_mtime_ns) if stat.S_ISREG(written.st_mode) else None


def clean_index(data: bytes, tree: Path | None = None, written_ns: int = 0) -> bytes | None:
    """``data`` (an index file an agent could write) as a version 2 index of the same entries
    and no extensions, checksum made again; None unless :func:`_index_entries` reads it. So git
    reads from it nothing but stat data.

    With ``tree`` (and ``written_ns``, when the index was written) each entry is settled here:
    a file still as recorded (:func:`_stale_entries`) is marked "assume unchanged", so git
    neither compares nor hashes it again; any other loses its stat data, so git hashes it."""
    parsed = _index_entries(data)
    if parsed is None:
        return None
    entries, pos = parsed
    body = bytearray(b"DIRC" + struct.pack(">II", 2, len(entries)) + data[12:pos])
    if tree is not None:
        stale = {entry.at for entry in _stale_entries(tree, entries, written_ns)}
        for entry in entries:
            if entry.at in stale:
                body[entry.at : entry.at + 24] = bytes(24)  # ctime, mtime, dev, inode
                body[entry.at + 28 : entry.at + 40] = bytes(12)  # uid, gid, size (the mode stays)
            else:
                body[entry.at + 60] |= 0x80  # CE_VALID, as update-index --assume-unchanged sets it
    return bytes(body) + hashlib.sha1(body).digest()


class _IndexEntry(NamedTuple):
    """One entry of an index file: where it starts, its path, mode and object, and the stat data
    git compares as the index keeps them (:data:`_STAT`)."""

    at: int
    name: bytes
    mode: int
    oid: bytes
    stat: bytes

    @property
    def changed_ns(self) -> int:
        """The later of its ctime and mtime, in nanoseconds."""
        cs, cns, ms, mns = struct.unpack_from(">4I", self.stat)
        return max(cs * 10**9 + cns, ms * 10**9 + mns)


# ctime s, ns, mtime s, ns, inode, mode, uid, gid, size: an entry's first 40 bytes but the device
_STAT = struct.Struct(">9I")
_LOW32 = 0xFFFFFFFF


def _index_entries(data: bytes) -> tuple[list[_IndexEntry], int] | None:
    """The entries of ``data`` (an index file, perhaps an agent's) and where its extensions begin;
    None unless it is a SHA-1 index of version 2 or 3 whose entries are stage 0, of a file, link
    or submodule mode, at paths in git's order that stay inside the tree and outside ``.git``."""
    if len(data) < 32 or data[:4] != b"DIRC" or hashlib.sha1(data[:-20]).digest() != data[-20:]:
        return None
    version, count = struct.unpack_from(">II", data, 4)
    pos, previous, end = 12, b"", len(data) - 20
    if version not in (2, 3):
        return None
    entries = []
    for _ in range(count):
        if pos + 62 > end:
            return None
        (mode,) = struct.unpack_from(">I", data, pos + 24)
        (flags,) = struct.unpack_from(">H", data, pos + 60)
        stop = data.find(b"\0", pos + 62, end)
        name = data[pos + 62 : stop]
        size = (62 + len(name) + 8) & ~7
        if stop < 0 or flags & 0xF000 or mode not in INDEX_MODES or (flags & 0xFFF) != min(len(name), 0xFFF):
            return None
        if name <= previous or not _inside(name) or pos + size > end or data[stop : pos + size].strip(b"\0"):
            return None
        entries.append(
            _IndexEntry(
                pos, name, mode, data[pos + 40 : pos + 60], data[pos : pos + 16] + data[pos + 20 : pos + 40]
            )
        )
        previous, pos = name, pos + size
    return entries, pos


def _plain_extensions(data: bytes, pos: int) -> bool:
    """Whether the extensions of an index, from ``pos`` on, hold no entries of their own (as a
    split index's ``link`` or a sparse index's ``sdir`` do)."""
    end = len(data) - 20
    while pos + 8 <= end:
        signature, size = data[pos : pos + 4], struct.unpack_from(">I", data, pos + 4)[0]
        if signature in (b"link", b"sdir"):
            return False
        pos += 8 + size
    return pos == end


def _stale_entries(
    tree: Path, entries: Iterable[_IndexEntry], written_ns: int, *, by_content: bool = False
) -> list[_IndexEntry]:
    """The entries whose file in ``tree`` may not be as recorded, by git's racy-clean rule at the
    nanosecond precision git keeps but compares only when built with USE_NSEC: a file whose stat
    data differ, or (an index written no later than the file last changed) whose content is not
    known to match. ``by_content``: such a racy file is hashed here; else it counts as stale.
    A submodule always counts."""
    folder = os.open(tree, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return [entry for entry in entries if _is_stale(folder, entry, written_ns, by_content)]
    finally:
        os.close(folder)


def _is_stale(folder: int, entry: _IndexEntry, written_ns: int, by_content: bool) -> bool:
    try:
        now = os.stat(entry.name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return True
    ctime, mtime = divmod(now.st_ctime_ns, 10**9), divmod(now.st_mtime_ns, 10**9)
    seen = _STAT.pack(
        ctime[0] & _LOW32,
        ctime[1],
        mtime[0] & _LOW32,
        mtime[1],
        now.st_ino & _LOW32,
        _index_mode(now.st_mode),
        now.st_uid & _LOW32,
        now.st_gid & _LOW32,
        now.st_size & _LOW32,
    )
    if entry.mode == 0o160000 or seen != entry.stat:
        return True
    return entry.changed_ns >= written_ns and not (by_content and _blob_id(folder, entry) == entry.oid)


def _date_ahead(index: Path) -> None:
    """Date our own ``index`` a second ahead before git reads it again. When git writes an index,
    it hashes once more every file it records from the same second as the index it read (racily
    clean): after a fresh checkout and a quick agent, all of them. Here each entry is settled
    already: assumed unchanged after :func:`clean_index` checked it, or recorded by git as it
    hashed the file (only the agent's own processes could change it since)."""
    ahead = (time.time_ns() // 10**9 + 1) * 10**9
    os.utime(index, ns=(ahead, ahead))


def _index_mode(st_mode: int) -> int:
    """The mode git records for a file of ``st_mode`` (0: none it records as a file or link)."""
    if stat.S_ISLNK(st_mode):
        return 0o120000
    if stat.S_ISREG(st_mode):
        return 0o100755 if st_mode & 0o100 else 0o100644
    return 0


def _blob_id(folder: int, entry: _IndexEntry) -> bytes | None:
    """The SHA-1 object name of the file's bytes (under the directory ``folder``) as a blob, a
    link's of its target, as git hashes them when no attribute converts them."""
    try:
        if entry.mode == 0o120000:
            target = os.readlink(entry.name, dir_fd=folder)
            return hashlib.sha1(b"blob %d\0" % len(target) + target).digest()
        fd = os.open(entry.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        with os.fdopen(fd, "rb") as f:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode):
                return None
            digest = hashlib.sha1(b"blob %d\0" % found.st_size)
            while chunk := f.read(1 << 20):
                digest.update(chunk)
            return digest.digest()
    except OSError:
        return None


def _inside(name: bytes) -> bool:
    parts = name.split(b"/")
    return all(p not in (b"", b".", b"..") and p.lower() != b".git" for p in parts)


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


def changed_paths(directory: str | os.PathLike[str], a: str, b: str) -> list[str]:
    """The files commit ``b`` adds, changes or removes against commit ``a`` (a rename: both
    names), read without the repository's configuration (no drivers, no textconv)."""
    out = run_hardened(directory, "diff-tree", "-r", "-z", "--no-renames", "--name-only", a, b)
    return [path for path in out.split("\0") if path]


def push_branch(directory: str | os.PathLike[str], branch: str, remote: str = "origin") -> None:
    """Push HEAD to ``branch`` on ``remote``, forcing only over what was last fetched.

    The lease is the remote-tracking ref of ``branch`` (or "must not exist" when there is none),
    so a branch someone else moved since the fetch is not overwritten.
    """
    push_commit(directory, "HEAD", branch, remote)


def commits_without(
    directory: str | os.PathLike[str], tip: str, exclude: Sequence[str], pattern: str
) -> list[str]:
    """The commits reachable from ``tip`` but not from ``exclude`` whose message has no line
    matching ``pattern`` (an extended regular expression), newest first."""
    return run_git(
        directory,
        "rev-list",
        "--invert-grep",
        "--extended-regexp",
        f"--grep={pattern}",
        tip,
        "--not",
        *exclude,
        "--",
    ).split()


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


def push_ref(
    directory: str | os.PathLike[str], commit: str, ref: str, remote: str = "origin", token: str | None = None
) -> None:
    """Push ``commit`` to a new ``ref`` of ``remote`` (a backup: never over an existing one)."""
    run_git(
        directory,
        "push",
        "--quiet",
        "--no-verify",
        f"--force-with-lease={ref}:",
        remote,
        f"{commit}:{ref}",
        token=token,
    )


def push_commit(
    directory: str | os.PathLike[str],
    commit: str,
    branch: str,
    remote: str = "origin",
    token: str | None = None,
) -> None:
    """Push ``commit`` to ``branch`` on ``remote`` with the same lease as :func:`push_branch`."""
    expected = rev_parse(directory, f"refs/remotes/{remote}/{branch}") or ""
    run_git(
        directory,
        "push",
        "--quiet",
        "--no-verify",
        f"--force-with-lease=refs/heads/{branch}:{expected}",
        remote,
        f"{commit}:refs/heads/{branch}",
        token=token,
    )
    run_git(directory, "update-ref", f"refs/remotes/{remote}/{branch}", commit)


# --- a work tree an agent had, read as data -------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """What a work tree's ``.git`` says, read as files: the checked-out ref (None when detached),
    its commit (None when unborn or unreadable) and the object directory."""

    ref: str | None
    commit: str | None
    objects: Path
    common: Path


def _small_file(path: Path, limit: int = 0) -> str | None:
    """The text of a regular file (not a link, FIFO or device), at most ``limit`` bytes
    (default :data:`HEAD_LIMIT`)."""
    data = _regular_file(path, limit or HEAD_LIMIT)
    return None if data is None else data.decode("utf-8", "replace")


def _regular_file(path: Path, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a regular file (not a link, FIFO or device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read(limit) if stat.S_ISREG(os.fstat(fd).st_mode) else None


def read_head(tree: str | os.PathLike[str]) -> Head:
    """Parse ``tree/.git`` (a directory, or a ``gitdir:`` file of a worktree) without running git."""
    dotgit = Path(tree, ".git")
    gitdir = dotgit
    if not dotgit.is_dir():
        text = _small_file(dotgit) or ""
        if not text.startswith("gitdir: "):
            raise GitError(f"{dotgit} is neither a git directory nor a gitdir file")
        gitdir = (Path(tree) / text[len("gitdir: ") :].strip()).resolve()
    common_text = _small_file(gitdir / "commondir")
    common = (gitdir / common_text.strip()).resolve() if common_text else gitdir
    head = (_small_file(gitdir / "HEAD") or "").strip()
    ref = head[len("ref: ") :].strip() if head.startswith("ref: ") else None
    commit = head if _SHA.fullmatch(head) else None
    if ref is not None:
        commit = _ref_value(gitdir, common, ref)
    return Head(ref, commit, common / "objects", common)


def _ref_value(gitdir: Path, common: Path, ref: str) -> str | None:
    if not re.fullmatch(r"refs/[A-Za-z0-9._/-]+", ref) or ".." in ref:
        return None
    for root in (gitdir, common):
        value = (_small_file(root / ref) or "").strip()
        if _SHA.fullmatch(value):
            return value
    packed = common / "packed-refs"
    if packed.is_file() and not packed.is_symlink():
        with packed.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                sha, _, name = line.strip().partition(" ")
                if name == ref and _SHA.fullmatch(sha):
                    return sha
    return None


class Isolated:
    """A git directory of our own (empty configuration, no hooks, no templates) over a hostile
    work tree: the tree's files and objects are read as data; nothing the tree configured runs.

    New objects go into the tree's own object directory (``objects``), so that a local leg's
    branch can point at them; refs and the index live in the scratch directory, removed on exit.
    """

    def __init__(self, tree: str | os.PathLike[str], objects: Path, *, user_config: bool = False) -> None:
        self.tree = Path(tree)
        self.objects = objects
        self.user_config = user_config
        self._scratch = tempfile.TemporaryDirectory(prefix="lumina-wave-git-")
        self.gitdir = Path(self._scratch.name) / "repo.git"

    def __enter__(self) -> Isolated:
        self._raw(["init", "--quiet", "--bare", "--template=", str(self.gitdir)], {})
        # A shallow clone's history stops at the commits its ``shallow`` file names: without
        # them here, walking past them fails on the missing parents (read as data: SHAs only).
        listed = _small_file(self.objects.parent / "shallow", SHALLOW_LIMIT) or ""
        shallow = [line for line in listed.split() if _SHA.fullmatch(line)]
        if shallow:
            (self.gitdir / "shallow").write_text("".join(f"{sha}\n" for sha in shallow), encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        self._scratch.cleanup()

    def _raw(
        self,
        args: Sequence[str],
        extra: dict[str, str],
        author: Author | None = None,
        stdin: str | None = None,
        check: bool = True,
        cwd: str | os.PathLike[str] | None = None,
        prefix: Sequence[str] = (),
    ) -> str:
        env = isolated_env(extra, user_config=self.user_config)
        done = _run(cwd or self._scratch.name, args, author, stdin, env, prefix)
        return _checked(done, args, check)

    def run(
        self,
        *args: str,
        author: Author | None = None,
        stdin: str | None = None,
        check: bool = True,
        extra: dict[str, str] | None = None,
    ) -> str:
        """``git args`` with our git directory, the tree as work tree and its objects."""
        env = {
            "GIT_DIR": str(self.gitdir),
            "GIT_WORK_TREE": str(self.tree),
            "GIT_INDEX_FILE": str(self.gitdir / "index"),
            "GIT_OBJECT_DIRECTORY": str(self.objects),
            **(extra or {}),
        }
        return self._raw(args, env, author, stdin, check, self.tree, ("-c", "core.bare=false"))

    def is_commit(self, sha: str | None) -> bool:
        return self.are_commits(sha)

    def are_commits(self, *shas: str | None) -> bool:
        """Whether each of ``shas`` is a full SHA of a commit of the tree's objects (one git process)."""
        if not shas or not all(sha and _SHA.fullmatch(sha) for sha in shas):
            return False
        stdin = "".join(f"{sha}\n" for sha in shas)
        out = self.run("cat-file", "--batch-check=%(objecttype)", stdin=stdin, check=False)
        return out.split() == ["commit"] * len(shas)

    def same_tree(self, a: str, b: str) -> bool:
        trees = self.run("rev-parse", f"{a}^{{tree}}", f"{b}^{{tree}}").split()
        return trees[0] == trees[1]

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        env = isolated_env({"GIT_DIR": str(self.gitdir), "GIT_OBJECT_DIRECTORY": str(self.objects)})
        return (
            _run(
                self._scratch.name, ["merge-base", "--is-ancestor", ancestor, descendant], env=env
            ).returncode
            == 0
        )

    def snapshot(
        self,
        parent: str,
        message: str,
        author: Author,
        exclude: Iterable[str] = (),
        stat_cache: Path | None = None,
    ) -> str:
        """Commit the tree's files on top of ``parent``; ``parent`` itself when they are its files.

        ``stat_cache``: an index saved before the agent ran (:func:`save_index`), read as data
        (:func:`clean_index`); the files it still describes to the nanosecond, recorded before it
        was written (:func:`_stale_entries`), are not read again. An agent that changes it can
        only hide its own changes from its own commit."""
        read = _read_index(stat_cache) if stat_cache else None
        cached = clean_index(read[0], self.tree, read[1]) if read else None
        index = self.gitdir / "index"
        if cached:
            index.write_bytes(cached)
            _date_ahead(index)
        try:
            self.run("read-tree", *(["-m"] if cached else []), parent)
        except GitError:
            if not cached:
                raise
            index.unlink(missing_ok=True)
            self.run("read-tree", parent)
        self.run("add", "--all", *_pathspec(exclude))
        _date_ahead(index)
        tree = self.run("write-tree").strip()
        if tree == self.run("rev-parse", f"{parent}^{{tree}}").strip():
            return parent
        return self.run("commit-tree", tree, "-p", parent, "-F", "-", author=author, stdin=message).strip()

    def bundle(self, tip: str, branch: str, exclude: Sequence[str], path: Path) -> None:
        """Write ``tip`` as ``refs/heads/<branch>`` to a bundle, without the history of ``exclude``.

        git writes it in our scratch directory; it is copied to ``path`` never through a link
        (:mod:`lumina_wave.safe_files`), as ``path`` lies in a folder the agent could replace."""
        from lumina_wave.safe_files import open_binary

        self.run("update-ref", f"refs/heads/{branch}", tip)
        made = Path(self._scratch.name) / "leg.bundle"
        self.run(
            "bundle", "create", "--quiet", str(made), f"refs/heads/{branch}", *(f"^{c}" for c in exclude)
        )
        with made.open("rb") as source, open_binary(path) as target:
            shutil.copyfileobj(source, target)

    def push(self, url: str, tip: str, branch: str, lease: str) -> None:
        """Push ``tip`` to ``branch`` of ``url`` from our git directory (the user's credentials when
        ``user_config``), forcing only over ``lease``."""
        self.run(
            "push",
            "--quiet",
            "--no-verify",
            f"--force-with-lease=refs/heads/{branch}:{lease}",
            url,
            f"{tip}:refs/heads/{branch}",
        )


def config_value(config: Path, key: str) -> str | None:
    """One value of a configuration file, read as data (no includes, no repository)."""
    done = _run(config.parent, ["config", "--file", str(config), "--get", key], env=isolated_env())
    return done.stdout.strip() or None if done.returncode == 0 else None


# --- a bundle a leg left, received as data --------------------------------------------------------


@dataclass(frozen=True)
class BundleHeader:
    """The refs and prerequisite commits a bundle names (parsed from its text header)."""

    heads: tuple[tuple[str, str], ...]
    prerequisites: tuple[str, ...]


def read_bundle_header(path: Path) -> BundleHeader:
    """The header of a v2/v3 bundle; :class:`GitError` when it is not one."""
    heads: list[tuple[str, str]] = []
    prerequisites: list[str] = []
    with path.open("rb") as f:
        first = f.readline(100)
        if first not in (b"# v2 git bundle\n", b"# v3 git bundle\n"):
            raise GitError(f"{path.name} is not a git bundle")
        for _ in range(10_000):
            line = f.readline(1000).decode("utf-8", "replace").rstrip("\n")
            if not line:
                return BundleHeader(tuple(heads), tuple(prerequisites))
            if line.startswith("@"):
                continue  # v3 capabilities
            sha, _, rest = line.partition(" ")
            if sha.startswith("-") and _SHA.fullmatch(sha[1:]):
                prerequisites.append(sha[1:])
            elif _SHA.fullmatch(sha) and rest:
                heads.append((sha, rest))
            else:
                raise GitError(f"{path.name}: malformed bundle header line")
    raise GitError(f"{path.name}: bundle header too long")


def fetch_bundle(directory: str | os.PathLike[str], path: Path, ref: str, into: str) -> str:
    """Fetch ``ref`` of bundle ``path`` into ``into`` with every object checked (fsck); its commit."""
    run_git(
        directory,
        "-c",
        "fetch.fsckObjects=true",
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-write-fetch-head",
        str(path),
        f"+{ref}:{into}",
    )
    return run_git(directory, "rev-parse", into).strip()


def root_commits(directory: str | os.PathLike[str], tip: str, exclude: Sequence[str]) -> list[str]:
    """Commits without parents reachable from ``tip`` but not from ``exclude`` (a foreign history)."""
    return run_git(directory, "rev-list", "--max-parents=0", tip, "--not", *exclude, "--").split()


def parents(directory: str | os.PathLike[str], commit: str) -> list[str]:
    return run_git(directory, "rev-list", "--parents", "-n", "1", commit).split()[1:]


def init_bare(path: Path, branch: str) -> None:
    """Create a bare repository at ``path`` whose first branch is ``branch``."""
    run_git(path.parent, "init", "--quiet", "--bare", f"--initial-branch={branch}", str(path))


def clone(url: str | os.PathLike[str], path: Path) -> None:
    """Clone ``url`` into ``path``."""
    run_git(path.parent, "clone", "--quiet", str(url), str(path))


def set_config(directory: str | os.PathLike[str], key: str, value: str) -> None:
    """Set ``key`` in the repository's own configuration."""
    run_git(directory, "config", key, value)


# --- the user's repository and local's worktrees (lumina_wave.worktree) ------------------------


@dataclass(frozen=True)
class Worktree:
    """One entry of ``git worktree list``."""

    path: Path
    head: str | None
    branch: str | None


def toplevel(directory: str | os.PathLike[str]) -> Path:
    """The root of the work tree that contains ``directory``."""
    return Path(run_git(directory, "rev-parse", "--show-toplevel").strip())


def remote_url(repo: Path, remote: str) -> str | None:
    """The URL of ``remote``, None when there is no such remote."""
    return run_git(repo, "remote", "get-url", remote, check=False).strip() or None


def changed_files(repo: Path) -> list[str]:
    """The tracked files with uncommitted changes (staged or not) in ``repo``'s work tree."""
    lines = run_git(repo, "status", "--porcelain", "--untracked-files=no", "-z").split("\0")
    return [line[3:] for line in lines if line[3:]]


def tree_entry(repo: Path, ref: str, path: str) -> tuple[str, str] | None:
    """The mode and type (``100755``, ``blob``) of ``path`` (from the top) in commit ``ref``, None if absent."""
    entry = run_git(repo, "ls-tree", "-z", ref, "--", path, check=False).split("\0")[0].split(maxsplit=2)
    return (entry[0], entry[1]) if len(entry) == 3 else None


def user_author(repo: Path) -> Author | None:
    """The author git would commit as in ``repo`` (config or GIT_AUTHOR_*), None when unset."""
    ident = run_git(repo, "var", "GIT_AUTHOR_IDENT", check=False)
    name, sep, rest = ident.partition(" <")
    email = rest.partition(">")[0]
    return Author(name.strip(), email) if sep and name.strip() and email else None


def list_worktrees(repo: Path) -> list[Worktree]:
    """Every worktree of ``repo``, the main one first (parsed from ``--porcelain`` output)."""
    out: list[Worktree] = []
    for block in run_git(repo, "worktree", "list", "--porcelain").split("\n\n"):
        fields = dict(line.partition(" ")[::2] for line in block.splitlines() if line)
        if "worktree" in fields:
            branch = fields.get("branch")
            out.append(
                Worktree(
                    path=Path(fields["worktree"]),
                    head=fields.get("HEAD"),
                    branch=branch.removeprefix("refs/heads/") if branch else None,
                )
            )
    return out


def add_worktree(repo: Path, path: Path, ref: str) -> None:
    """Add a worktree at ``path``, detached at ``ref``."""
    run_git(repo, "worktree", "add", "--detach", str(path), ref)


def remove_worktree(repo: Path, path: Path) -> None:
    """Remove the worktree at ``path``; changes in it are discarded."""
    run_git(repo, "worktree", "remove", "--force", str(path))


def prune_worktrees(repo: Path) -> None:
    """Forget the worktrees whose directory is gone."""
    run_git(repo, "worktree", "prune")


def remove_untracked(tree: Path) -> None:
    """Delete the untracked files and directories of ``tree`` (ignored ones stay)."""
    run_git(tree, "clean", "--force", "-d", "--quiet")


def git_path(repo: Path, name: str) -> Path:
    """The absolute path of ``name`` in ``repo``'s git directory (``info/exclude``: shared by its worktrees)."""
    return Path(run_git(repo, "rev-parse", "--path-format=absolute", "--git-path", name).strip())


def check_out(tree: Path, branch: str) -> None:
    """Check ``branch`` out in ``tree`` unless it is already (e.g. in a worktree added detached)."""
    if current_branch(tree) != branch:
        run_git(tree, "checkout", "--quiet", branch)
