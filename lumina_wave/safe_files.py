"""Every file lumina-wave writes (records, plan.json, context and state files, summaries, logs) goes
through here: never through a symbolic link, never outside the folders it may write in.

The agent controls the whole work tree, so it can replace ``.lumina-wave/results`` or plan.json
with a link to anywhere. A write starts at the allowed folder (root) holding the path and walks
down one folder at a time from a file descriptor, refusing any link on the way and on the final
component (``O_NOFOLLOW``), so nothing is resolved by name after it was checked. Whole files are
written to a temporary name beside the target and renamed over it (a reader never sees half a
file). Files are created ``0o644`` and folders ``0o755``, less the umask: the runner's user must
be able to read what a later step uploads or reads.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from lumina_wave.errors import InputError, Origin

FILE_MODE = 0o644
FOLDER_MODE = 0o755
CONTAINER_HOME = "/github/home"  # the action's HOME on GitHub, where the context files go
_extra_roots: list[Path] = []


class UnsafePath(InputError):
    """A write refused: a link on the way, or a path outside the allowed folders (exit 2)."""


def allow(root: str | os.PathLike[str]) -> None:
    """Let this process write under ``root`` too (``lumina-wave local``: the repository)."""
    if Path(root) not in _extra_roots:
        _extra_roots.append(Path(root))


def roots() -> list[Path]:
    """The folders writes may go to: the workspace (GITHUB_WORKSPACE, else the current
    directory), RUNNER_TEMP, the container's home, the temp directory, and what :func:`allow` added
    (a write starts at the deepest one that exists)."""
    given: list[str | None] = [
        os.environ.get("GITHUB_WORKSPACE") or os.getcwd(),
        os.environ.get("RUNNER_TEMP"),
    ]
    given += [CONTAINER_HOME, tempfile.gettempdir(), *map(str, _extra_roots)]
    out: list[Path] = []
    for root in filter(None, given):
        for form in (os.path.abspath(root), os.path.realpath(root)):
            if Path(form) not in out:
                out.append(Path(form))
    return out


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, making missing folders; returns ``path``."""
    folder, name = _open_folder(path)
    try:
        _refuse_link(folder, name, path)
        temp = f".{name}.{secrets.token_hex(4)}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE, dir_fd=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            os.unlink(temp, dir_fd=folder)
            raise
    finally:
        os.close(folder)
    return Path(path)


@contextmanager
def open_binary(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[BinaryIO]:
    """``path`` opened for writing (``wb``) or appending (``ab``), never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if mode == "ab" else os.O_TRUNC)
    folder, name = _open_folder(path)
    try:
        try:
            fd = os.open(name, flags, FILE_MODE, dir_fd=folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafePath(f"not written: {path} is a symbolic link", Origin(str(path))) from None
            raise
    finally:
        os.close(folder)
    with os.fdopen(fd, "ab" if mode == "ab" else "wb") as f:
        yield f


def _open_folder(path: str | os.PathLike[str]) -> tuple[int, str]:
    """A descriptor of the folder of ``path`` (made where missing), reached from its root without
    following a link, and the file's name."""
    full = Path(os.path.abspath(path))
    inside = [root for root in roots() if full.is_relative_to(root) and full != root and root.is_dir()]
    if not inside:
        raise UnsafePath("not written: outside the workspace and the temporary folders", Origin(str(path)))
    root = max(inside, key=lambda r: len(r.parts))
    *folders, name = full.relative_to(root).parts
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    walked = root
    try:
        for part in folders:
            walked = walked / part
            with suppress(FileExistsError):
                os.mkdir(part, FOLDER_MODE, dir_fd=fd)
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                link = stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode)
                kind = "a symbolic link" if link else "not a folder"
                raise UnsafePath(f"not written: {walked} is {kind}", Origin(str(path))) from None
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd, name


def _refuse_link(folder: int, name: str, path: str | os.PathLike[str]) -> None:
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePath(f"not written: {path} is a symbolic link", Origin(str(path)))
