"""``lumina-wave demo``: the LuminaGuard wave end to end, offline, from the source tree and from a wheel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from lumina_wave.demo_wave import agent

ROOT = Path(__file__).resolve().parent.parent


def check_demo_output(result: subprocess.CompletedProcess) -> None:
    """Two runs: #154's agent fails (scripted) and blocks #155 beside a done #152; the retry ends done."""
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 issues in 2 waves" in out
    first, second = out.split("\nrun 2: ")
    assert "1 of 3 done, 1 failed, 1 blocked" in first
    assert re.search(r"#152 +success", first) and re.search(r"#155 +blocked +—", first)
    assert re.search(
        r"error: agent exited with 1: demo agent: error: .*scripted.* \(log \.lumina-wave/logs/issue-154\.log\)",
        first,
    )
    assert "3 of 3 done, 0 failed, 0 blocked" in second
    for n in (152, 154, 155):
        assert re.search(rf"#{n} +success", second)


def run_demo(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    env = env or {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "lumina_wave", "demo", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_demo_shows_a_failure_its_blocked_dependent_and_the_retry_offline(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    result = run_demo(env={**env, "TMPDIR": str(tmp_path)})
    check_demo_output(result)
    # the agents' pauses show: 152 and 154 run together; in the retry 155 starts after 154 is done
    events = [line for line in result.stderr.splitlines() if "#15" in line]
    order = [(m.group(1), m.group(2)) for m in (re.search(r"#(\d+) (\w+)", e) for e in events) if m]
    assert order.index(("154", "running")) < order.index(("152", "done"))
    assert order.index(("155", "running")) > order.index(("154", "done"))
    # without --keep it names no path of the repository it deletes, and says --keep keeps it
    assert not list(tmp_path.iterdir())
    assert str(tmp_path) not in result.stdout and ".worktrees/" not in result.stdout
    assert "--keep" in result.stdout


def test_demo_keep_names_the_kept_directory_and_its_summary(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    result = run_demo("--keep", env={**env, "TMPDIR": str(tmp_path)})
    check_demo_output(result)
    (root,) = tmp_path.iterdir()
    repo = root / "luminaguard"
    last = result.stdout.splitlines()[-1]
    assert str(root) in last and f"summary: {repo / '.lumina-wave' / 'summary.md'}" in last
    assert "3 of 3 issues done" in (repo / ".lumina-wave" / "summary.md").read_text()
    for n in (152, 154, 155):  # every place it lists exists
        line = next(line for line in result.stdout.splitlines() if f"feature/issue-{n}" in line)
        for place in line.split()[-2:]:
            assert (repo / place).exists(), place
    assert "demo agent: wrote" in (repo / ".lumina-wave" / "logs" / "issue-154.log").read_text()


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
    with out.open("w") as stream:
        assert agent(env, pause=0, out=stream, fail=154) == 1  # the failure the demo scripts
    assert "error: " in out.read_text().splitlines()[-1]


def test_demo_works_from_a_plain_non_editable_install(tmp_path: Path):
    def pip(*args: str | Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "pip", *map(str, args)], check=True, capture_output=True, timeout=300
        )

    wheels = tmp_path / "wheels"
    pip("wheel", "--no-deps", "-q", "-w", wheels, ROOT)
    (wheel,) = wheels.glob("lumina_wave-*.whl")
    site = tmp_path / "site"
    pip("install", "--no-deps", "-q", "--target", site, wheel)
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
    check_demo_output(run_demo(cwd=tmp_path, env=env))
