"""The runner's file commands as the tests read them back (GITHUB_OUTPUT, GITHUB_ENV), and the
container's entry point started as the runner starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_file_commands(path: Path) -> dict[str, str]:
    """``name<<delimiter`` blocks of a file command, as actions-toolkit writes them, and
    ``name=value`` lines, as a ``run:`` step may (the runner reads both; a later one wins); none
    when absent."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        if "=" in lines[i] and "<<" not in lines[i].partition("=")[0]:
            name, _, value = lines[i].partition("=")
            out[name] = value
            i += 1
            continue
        name, _, delimiter = lines[i].partition("<<")
        end = lines.index(delimiter, i + 1)
        out[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out


def run_entrypoint_in(
    workspace: Path, env: dict[str, str], inputs: dict[str, str], *, timeout: int
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """entrypoint.py in ``workspace`` without the surrounding INPUT_*/GITHUB_* variables, with
    ``env``, each of ``inputs`` as ``INPUT_<NAME>`` and empty output and step summary files in
    ``workspace``; the finished process and the outputs it wrote."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    full |= env | {
        "GITHUB_OUTPUT": str(workspace / "output.txt"),
        "GITHUB_STEP_SUMMARY": str(workspace / "step-summary.md"),
    }
    full |= {f"INPUT_{k.upper().replace('_', '-')}": v for k, v in inputs.items()}
    for name in ("output.txt", "step-summary.md"):
        (workspace / name).write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py")],
        cwd=workspace,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done, parse_file_commands(workspace / "output.txt")
