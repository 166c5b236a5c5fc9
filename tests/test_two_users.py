"""GitHub's two users (issue 11): the runner's steps as uid 1001, the action's container as root.

On a hosted runner checkout, the agent and the artifact actions run as the user ``runner``
(uid 1001) and a Docker action as root. Here the end-to-end driver does the same with
``setpriv``: the runner's folders belong to uid 1001, the checkout, the agent and the artifact
copies run as it, ``entrypoint.py`` runs as root. After every action step (plan, prepare,
collect, publish, summarize) no path under the workspace, the action's home and RUNNER_TEMP may belong to
anyone but the workspace's owner, and the records and plan.json must upload as uid 1001.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e import scenarios
from e2e.checks import branch_sha, check_run
from e2e.driver import SETPRIV, RunnerUser, WaveRun
from fakegithub import FakeGitHub, Repo
from fakegithub.gitrepo import init_origin

from lumina_wave.action import owner_to_become

RUNNER_UID = RUNNER_GID = 1001  # the user "runner" of GitHub's hosted Linux runners
STALLED = "refs/heads/feature/issue-154"
STALLED_ACTION = Path(__file__).with_name("e2e") / "stalled_action.py"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class World:
    """A runner machine and GitHub: every folder uid 1001 can reach, the origin its own."""

    root: Path
    user: RunnerUser
    fake: FakeGitHub
    bare: Path
    clone: Path
    failed_uploads: list[str] = field(default_factory=list)

    def give_origin_to_the_runner(self) -> None:
        """GitHub's server takes the runner's pushes: the bare origin belongs to uid 1001."""
        for folder, dirs, files in os.walk(self.bare):
            for name in (folder, *(os.path.join(folder, n) for n in dirs + files)):
                os.lchown(name, self.user.uid, self.user.gid)

    def stall_pushes_of_154(self) -> Path:
        """A pre-receive hook that hangs every push of #154's branch. Returns the start of the file
        it makes first, which ends in the process group of the push (the action's step)."""
        mark = self.bare / "push-stalled-"
        hook = self.bare / "hooks" / "pre-receive"
        hook.write_text(
            "#!/bin/sh\nread -r _ _ _ _ group _ < /proc/$$/stat\nwhile read -r old new ref; do\n"
            f'  if [ "$ref" = {STALLED} ]; then touch {shlex.quote(str(mark))}"$group"; exec sleep 600; fi\n'
            "done\n"
        )
        hook.chmod(0o755)
        return mark

    def run(self, scenario: scenarios.Scenario, agents: dict[int, dict], **kwargs) -> WaveRun:
        self.give_origin_to_the_runner()
        run = WaveRun(
            self.fake, self.bare, self.root, inputs=scenario.inputs, agents=agents, user=self.user, **kwargs
        )
        run.run()
        jobs = [run.plan, *(leg.job for leg in run.legs.values())]
        self.failed_uploads = [
            f"{j.name}: {j.steps['upload'].stderr}"
            for j in jobs
            if "upload" in j.steps and not j.steps["upload"].ok
        ]
        print(
            f"two users: {run.audit.commands_checked} action steps audited, "
            f"{run.audit.paths_checked} paths checked, {len(run.audit.foreign)} foreign"
        )
        return run


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[World]:
    if os.geteuid() != 0 or not Path(SETPRIV).exists():
        pytest.skip(f"needs root and {SETPRIV}: the action runs as root, the runner's steps as uid 1001")
    root = Path(tempfile.mkdtemp(prefix="lumina-wave-two-users-"))
    try:
        root.chmod(0o755)
        home = root / "home"  # the runner user's HOME, with its git identity
        home.mkdir()
        (home / ".gitconfig").write_text("[user]\n\tname = Runner Agent\n\temail = agent@example.com\n")
        user = RunnerUser(RUNNER_UID, RUNNER_GID, home)
        user.own(home, home / ".gitconfig")
        # This process (the fake GitHub's git, the checks) is root reading a repository uid 1001 owns.
        config = tmp_path / "root-gitconfig"
        config.write_text("[safe]\n\tdirectory = *\n[user]\n\tname = Test\n\temail = test@example.com\n")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
        server = root / "server"
        server.mkdir()
        bare, clone = init_origin(server)
        with FakeGitHub(Repo(git_dir=bare)) as fake:
            yield World(root, user, fake, bare, clone)
        fake.assert_no_violations()
    finally:
        shutil.rmtree(root)


@pytest.mark.parametrize(
    ("euid", "owner", "becomes"),
    [
        (0, (1001, 121), (1001, 121)),  # GitHub's hosted runner: the container's root becomes the runner
        (0, (0, 0), None),  # a self-hosted runner running as root
        (1001, (1001, 121), None),  # not root: nothing to give up
        (1001, (1002, 1002), None),
    ],
)
def test_the_action_becomes_the_workspace_owner_only_when_it_is_root_and_the_owner_is_not(
    euid, owner, becomes
):
    assert owner_to_become(euid, owner) == becomes


def test_without_the_right_to_switch_users_the_action_warns_and_goes_on_as_root(tmp_path, clean_env):
    """A container without CAP_SETUID/CAP_SETGID (setpriv drops them here) cannot become the owner."""
    if os.geteuid() != 0 or not Path(SETPRIV).exists():
        pytest.skip(f"needs root and {SETPRIV}")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shutil.copy(ROOT / "examples" / "luminaguard.yml", workspace / "waves.yml")
    os.chown(workspace, RUNNER_UID, RUNNER_GID)
    caps = ["--inh-caps=-setuid,-setgid", "--bounding-set=-setuid,-setgid"]
    env = {
        **clean_env,
        "GITHUB_WORKSPACE": str(workspace),
        "INPUT_COMMAND": "plan",
        "INPUT_MANIFEST": "waves.yml",
    }
    done = subprocess.run(
        [SETPRIV, *caps, sys.executable, str(ROOT / "entrypoint.py")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("::warning::")]
    assert warnings == [
        "::warning::running as root: cannot act as the workspace's owner 1001:1001: [Errno 1] Operation not permitted"
    ]
    assert (workspace / ".lumina-wave" / "plan.json").stat().st_uid == 0


def _seed(world: World) -> scenarios.Scenario:
    return scenarios.luminaguard_manifest(world.fake, world.clone)


def test_the_seed_wave_with_an_agent_that_commits_leaves_nothing_to_root(world):
    scenario = _seed(world)
    run = world.run(scenario, {n: {"commit": True} for n in scenario.issues})

    assert world.failed_uploads == []  # uid 1001 can read the records and plan.json
    assert run.audit.foreign == [], "\n".join(run.audit.foreign)
    check_run(run, scenario.expected())
    # plan, prepare and collect of 3 legs, the publishers of 2 waves, summarize
    assert run.audit.commands_checked == 1 + 3 * 2 + 2 + 1
    jobs = [run.plan, run.summarize, *(leg.job for leg in run.legs.values())]
    written = [
        f for j in jobs for d in (j.workspace / ".lumina-wave", j.temp / "lumina-wave") for f in d.rglob("*")
    ]
    names = {f.name for f in written}
    assert {"plan.json", "result-154.json", "issue-154.md", "issue-154.state.json", "summary.md"} <= names
    assert [f for f in written if f.stat().st_mode & 0o444 != 0o444] == []  # 0644 under umask 022
    for n in scenario.issues:
        subjects = subprocess.run(
            ["git", "--git-dir", str(world.bare), "log", "--format=%an: %s", f"feature/issue-{n}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert subjects[0] == f"Runner Agent: Agent's work on #{n}", run.transcript()


def test_a_failed_agent_and_its_blocked_dependent_leave_nothing_to_root(world):
    scenario = _seed(world)
    run = world.run(scenario, {154: {"fail": True, "commit": True}})

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    assert run.audit.foreign == [], "\n".join(run.audit.foreign)
    # plan, two legs, a blocked prepare, the publishers of 2 waves, summarize
    assert run.audit.commands_checked == 1 + 2 * 2 + 1 + 2 + 1


def test_a_git_timeout_fails_the_leg_and_leaves_nothing_to_root(world):
    scenario = _seed(world)
    world.stall_pushes_of_154()
    run = world.run(
        scenario,
        {},
        entrypoint=STALLED_ACTION,
        env={**os.environ, "E2E_GIT_TIMEOUT": "10"},
    )

    check_run(run, {152: "success", 154: "failed", 155: "blocked"})
    assert "timed out after" in run.records()[154]["error"]
    assert branch_sha(world.bare, "feature/issue-154") is None
    assert run.audit.foreign == [], "\n".join(run.audit.foreign)


def test_a_sigterm_in_the_middle_of_a_push_leaves_nothing_to_root(world):
    scenario = _seed(world)
    mark = world.stall_pushes_of_154()
    run = world.run(
        scenario,
        {},
        entrypoint=STALLED_ACTION,
        env={**os.environ, "E2E_SIGTERM_WHEN": str(mark)},
    )

    assert run.publishers[1].steps["publish"].rc == -15, run.transcript()  # it pushes #154
    assert {n: r["status"] for n, r in run.records().items()} == {152: "success", 155: "blocked"}, (
        run.transcript()
    )
    assert run.audit.foreign == [], "\n".join(run.audit.foreign)
