"""Every command README.md shows runs: the newcomer's two in .ci/run, the rest here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"^```sh\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    """The command lines of a block, trailing comments dropped."""
    out = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(shlex.join(words))
    return out


def test_readme_opens_with_the_two_newcomer_commands_that_ci_runs():
    first = commands(SH_BLOCKS[0])
    assert first[0].endswith("lumina-wave demo")
    assert first[1] == ".venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "section newcomer newcomer" in ci  # runs the first line verbatim
    assert "section readme readme_command" in ci  # checks the second is its test command


def test_the_quick_start_commands_run_in_a_clone(tmp_path, origin, make_clone):
    """The "On your machine" commands, in a clone that holds the example manifest."""
    clone = make_clone("quickstart")
    (clone / "examples").mkdir()
    (clone / "examples" / "luminaguard.yml").write_text((ROOT / "examples" / "luminaguard.yml").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "WAVE_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    block = next(b for b in SH_BLOCKS if "lumina-wave local" in b)
    for command in commands(block):
        done = subprocess.run(
            command, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        if "local --manifest" in command:
            for n in (152, 154, 155):
                notes = subprocess.run(
                    ["git", "show", f"feature/issue-{n}:notes-{n}.md"],
                    cwd=clone,
                    capture_output=True,
                    text=True,
                )
                assert notes.returncode == 0, notes.stderr
                assert f"#{n}" in notes.stdout
    assert not (clone / ".worktrees").exists() or not any((clone / ".worktrees").iterdir())
