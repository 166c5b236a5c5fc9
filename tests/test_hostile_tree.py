"""Issue 13, item 2: what writes treats the agent's tree as data. The agent plants every hook and
every configuration git turns into a command (:mod:`e2e.plant`); none of it runs, through the
end-to-end driver (collect in the leg, publish in its own job) and in ``lumina-wave local``.
A control shows that the same planting does run under a plain git."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from e2e import scenarios
from e2e.checks import check_run
from e2e.driver import WaveRun
from e2e.plant import plant, ran

PLANT = Path(__file__).parent / "e2e" / "plant.py"


def test_control_a_plain_git_runs_what_the_agent_planted(clone, tmp_path, sh):
    marker = tmp_path / "marker"
    planted = plant(clone, marker)
    assert {"core.fsmonitor", "core.hooksPath", "include.path", "credential.helper"} <= set(planted)
    (clone / "work.txt").write_text("x\n")
    sh(clone, "add", "work.txt")
    sh(clone, "commit", "-qm", "work")
    assert {"filter clean", "hooksPath pre-commit", "hooksPath post-commit", "included fsmonitor"} <= set(
        ran(marker)
    )


def test_nothing_planted_runs_in_collect_or_publish(fake_github, fake_origin, tmp_path):
    bare, clone = fake_origin
    scenario = scenarios.luminaguard_manifest(fake_github, clone)
    marker = tmp_path / "marker"
    agents = {n: {"plant": str(marker)} for n in scenario.issues}
    run = WaveRun(fake_github, bare, tmp_path, inputs=scenario.inputs, agents=agents).run()
    assert ran(marker) == [], run.transcript()
    check_run(run, scenario.expected())
    # the agent's files are its change, committed as data (its .gitattributes included)
    for n in scenario.issues:
        files = subprocess.run(
            ["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", f"feature/issue-{n}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert {f"work/issue-{n}.txt", ".gitattributes"} <= set(files)


def test_nothing_planted_runs_in_local_with_push(origin, make_clone, tmp_path, sh):
    repo = make_clone("repo")
    marker = tmp_path / "marker"
    manifest = tmp_path / "wave.yml"
    manifest.write_text(
        "version: 1\nissues:\n  - number: 1\n    title: One\n  - number: 2\n    title: Two\n    depends_on: [1]\n"
    )
    agent = f'"{sys.executable}" "{PLANT}" "{marker}" && echo "$WAVE_ISSUE_NUMBER" > "work-$WAVE_ISSUE_NUMBER.txt"'
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lumina_wave",
            "local",
            "--manifest",
            str(manifest),
            "--agent",
            agent,
            "--push",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ran(marker) == []
    for n in (1, 2):
        assert sh(origin, "show", f"feature/issue-{n}:work-{n}.txt").strip() == str(n)
        assert sh(repo, "rev-parse", f"feature/issue-{n}") == sh(origin, "rev-parse", f"feature/issue-{n}")
