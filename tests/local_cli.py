"""``lumina-wave local`` as a user types it, run in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def local_argv(manifest: Path, agent: str, *extra: str) -> list[str]:
    """``python -m lumina_wave local`` of ``manifest`` with ``agent`` and the ``extra`` options."""
    return [
        sys.executable,
        "-m",
        "lumina_wave",
        "local",
        "--manifest",
        str(manifest),
        "--agent",
        agent,
        *extra,
    ]


def run_local(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """``argv`` in ``cwd``, its output captured as text."""
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
