"""What a hostile agent leaves in its work tree so that git runs its code: every hook, and every
configuration git turns into a command (issue 13). Each planted command appends its name to
``marker``; a run that treats the tree as data leaves ``marker`` absent.

:func:`plant` runs as the agent (the e2e agent script, or a test's shell), with git in the tree.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

HOOKS = (
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-push",
    "reference-transaction",
    "post-checkout",
    "post-merge",
    "post-rewrite",
    "pre-auto-gc",
    "post-index-change",
    "push-to-checkout",
    "pre-receive",
    "update",
    "post-receive",
    "post-update",
)


def _git(tree: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=tree, check=True, capture_output=True, text=True).stdout.strip()


def _script(path: Path, name: str, marker: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho "{name}" >> "{marker}"\ncat >/dev/null 2>&1 || true\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def plant(tree: Path, marker: Path, env_file: Path | None = None) -> list[str]:
    """Plant everything in the repository of work tree ``tree``; returns what was planted.

    ``env_file`` (GITHUB_ENV) also gets ``GIT_*`` variables for the steps after the agent's."""
    evil = Path(_git(tree, "rev-parse", "--path-format=absolute", "--git-common-dir")) / "evil"
    hooks = Path(_git(tree, "rev-parse", "--path-format=absolute", "--git-path", "hooks"))
    planted = []
    for hook in HOOKS:
        _script(hooks / hook, f"hook {hook}", marker)
        _script(evil / "hooks" / hook, f"hooksPath {hook}", marker)
        planted.append(hook)
    config = {
        "core.hooksPath": str(evil / "hooks"),
        "core.fsmonitor": _script(evil / "fsmonitor", "core.fsmonitor", marker),
        "core.sshCommand": _script(evil / "ssh", "core.sshCommand", marker),
        "core.pager": _script(evil / "pager", "core.pager", marker),
        "core.askPass": _script(evil / "askpass", "core.askPass", marker),
        "core.alternateRefsCommand": _script(evil / "altrefs", "core.alternateRefsCommand", marker),
        "credential.helper": "!" + _script(evil / "credential", "credential.helper", marker),
        "filter.evil.clean": _script(evil / "clean", "filter clean", marker),
        "filter.evil.smudge": _script(evil / "smudge", "filter smudge", marker),
        "filter.evil.required": "true",
        "diff.evil.command": _script(evil / "diff", "diff driver", marker),
        "diff.evil.textconv": _script(evil / "textconv", "textconv", marker),
        "merge.evil.driver": _script(evil / "merge", "merge driver", marker) + " %O %A %B",
        "alias.x": "!" + _script(evil / "alias", "alias", marker),
        "pager.status": _script(evil / "pager-status", "pager.status", marker),
        "gc.auto": "1",
        "init.templateDir": str(evil / "template"),
        "include.path": str(evil / "included.config"),
        "includeIf.gitdir:/.path": str(evil / "included.config"),
    }
    _script(evil / "template" / "hooks" / "post-commit", "template hook", marker)
    (evil / "included.config").write_text(
        f"[core]\n\tfsmonitor = {_script(evil / 'included-fsmonitor', 'included fsmonitor', marker)}\n"
    )
    for key, value in config.items():
        _git(tree, "config", key, value)
        planted.append(key)
    (tree / ".gitattributes").write_text("* filter=evil diff=evil merge=evil\n")
    planted.append(".gitattributes")
    if env_file is not None:
        exports = {
            "GIT_CONFIG_PARAMETERS": f"'core.fsmonitor'='{evil / 'fsmonitor'}'",
            "GIT_SSH_COMMAND": str(evil / "ssh"),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "core.hooksPath",
            "GIT_CONFIG_VALUE_0": str(evil / "hooks"),
        }
        with env_file.open("a") as f:
            f.writelines(f"{name}<<EVIL\n{value}\nEVIL\n" for name, value in exports.items())
        planted.append("GITHUB_ENV")
    return planted


def ran(marker: Path) -> list[str]:
    """What of the planted code ran (empty when none did)."""
    return marker.read_text().splitlines() if marker.exists() else []


if __name__ == "__main__":  # for a shell agent: python plant.py MARKER
    import sys

    plant(
        Path.cwd(), Path(sys.argv[1]), Path(os.environ["GITHUB_ENV"]) if "GITHUB_ENV" in os.environ else None
    )
