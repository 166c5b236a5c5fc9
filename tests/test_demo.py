"""``lumina-wave demo``: the LuminaGuard wave end to end, offline, from the source tree and from a wheel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from lumina_wave.demo import agent

ROOT = Path(__file__).resolve().parent.parent


def check_demo_output(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 issues in 2 waves" in out
    for n in (152, 154, 155):
        line = next(line for line in out.splitlines() if f"#{n}" in line and f"feature/issue-{n}" in line)
        assert re.search(r"\b(success|done)\b", line), line


def test_demo_runs_the_luminaguard_wave_offline():
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "demo"], capture_output=True, text=True, env=env, timeout=120
    )
    check_demo_output(result)
    # the agents' pauses show: 152 and 154 run together, 155 after 154
    events = [line for line in result.stderr.splitlines() if "#15" in line]
    order = [(m.group(1), m.group(2)) for m in (re.search(r"#(\d+) (\w+)", e) for e in events) if m]
    assert order.index(("155", "running")) > order.index(("154", "done"))
    assert order.index(("154", "running")) < order.index(("152", "done"))


def test_examples_manifest_is_the_packaged_one():
    example = ROOT / "examples" / "luminaguard.yml"
    assert example.is_symlink()
    assert example.resolve() == ROOT / "lumina_wave" / "examples" / "luminaguard.yml"


def test_demo_agent_describes_its_issue_from_the_wave_variables(tmp_path: Path, monkeypatch):
    context = tmp_path / "context.md"
    context.write_text("Issue #154: Hypervisor Abstraction Layer\n")
    monkeypatch.chdir(tmp_path)
    env = {
        "WAVE_ISSUE_NUMBER": "154",
        "WAVE_ISSUE_TITLE": "Hypervisor Abstraction Layer",
        "WAVE_CONTEXT_FILE": str(context),
    }
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        assert agent(env, pause=0, out=stream) == 0
    note = (tmp_path / "notes" / "issue-154.md").read_text()
    assert note.startswith("# #154 Hypervisor Abstraction Layer")
    assert "Issue #154: Hypervisor Abstraction Layer" in note
    assert "working on #154" in out.read_text()


def test_demo_works_from_a_plain_non_editable_install(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("lumina_wave-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import lumina_wave; print(lumina_wave.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)  # the installed copy, not the source tree
    result = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    check_demo_output(result)
