"""A GitHub Actions runner for the reusable workflow, driving ``entrypoint.py`` against the fake GitHub.

:class:`WaveRun` runs the jobs of ``.github/workflows/wave.yml`` as GitHub would: the ``plan`` job,
then the wave slots in order (one leg per matrix entry, the legs of a wave concurrently, at most
``max-parallel`` at once: prepare, the agent, collect), each followed by its publisher job (publish),
then ``summarize``. Each job gets a new runner: a fresh clone of the fake's bare ``origin`` as
GITHUB_WORKSPACE, as deep as the job's checkout step says (``summarize`` has no checkout: an empty
one), its own RUNNER_TEMP, and per step fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files, the
GITHUB_ENV exports applied to the later steps of the job. The action's inputs arrive as
``INPUT_<NAME>`` with hyphens kept, action.yml's defaults filled in. A leg's agent step is the
``run:`` text of wave.yml's agent step, run as the runner runs it (``bash -e {0}``) with the
step's ``env:`` (``inputs.agent-command`` is :mod:`tests.e2e.agent`, ``secrets.X`` the run's
``secrets``). Logs are kept as GitHub shows them: every value a step registered with
``::add-mask::``, and every secret of the run, replaced by ``***``. Artifacts follow
upload-artifact@v4 / download-artifact@v4: one name per upload, a second upload of a name fails
(409) unless the workflow's step says ``overwrite: true``. Job timings go into the fake
(``state.add_jobs``) from each leg's real start and end, as ``filter=latest`` shows them.

With a :class:`RunnerUser` the run has GitHub's two users: the runner's folders (job folder,
workspace, RUNNER_TEMP, its ``_github_home``, the step files) belong to that uid, the host steps
(checkout, the agent, the artifact copies) run as it through ``setpriv``, and the action runs as
root, as a Docker action does. After every action step :class:`Audit` lists each path under the
workspace, the home folder and RUNNER_TEMP not owned by the workspace's owner.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fakegithub import FakeGitHub
from file_commands import parse_file_commands
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "entrypoint.py"
WORKFLOW = ROOT / ".github" / "workflows" / "wave.yml"
ACTION = ROOT / "action.yml"
AGENT = Path(__file__).with_name("agent.py")
IMAGE_PYTHON = Path(__file__).with_name("image_python.py")
TOKEN = "ghs_e2eFakeInstallationToken0123456789AB"
PLAN_ARTIFACT = "lumina-wave-plan"
LEG_ARTIFACT = "lumina-wave-leg-{issue}"
RESULT_ARTIFACT = "lumina-wave-result-wave-{slot}"
STEP_TIMEOUT = 120
SETPRIV = "/usr/bin/setpriv"


@dataclass(frozen=True)
class RunnerUser:
    """The runner's user (uid 1001 on GitHub's hosted runners); ``home`` is its HOME, ``python``
    an interpreter it can run (the agent's; this process's may sit in a folder it cannot enter)."""

    uid: int
    gid: int
    home: Path
    python: str = "/usr/bin/python3"

    def argv(self, argv: list[str]) -> list[str]:
        """``argv`` run as this user, with no supplementary groups."""
        return [SETPRIV, f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", *argv]

    def action_python(self) -> list[str]:
        """How to start the action's Python so that it can still read its standard library and
        packages after it becomes this user (see :mod:`.image_python`)."""
        paths = sysconfig.get_paths()
        if all(_enterable(Path(paths[key])) for key in ("stdlib", "purelib", "platlib")):
            return [sys.executable]
        return [self.python, "-I", str(IMAGE_PYTHON), paths["purelib"]]

    def own(self, *paths: Path) -> None:
        """Give ``paths`` to this user, as the runner (running as it) would have made them."""
        for path in paths:
            os.chown(path, self.uid, self.gid)


@dataclass
class Audit:
    """Ownership after each action step: paths looked at, steps audited, and the foreign ones."""

    paths_checked: int = 0
    commands_checked: int = 0
    foreign: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, label: str, owner: tuple[int, int], roots: list[Path]) -> None:
        """Record every path under ``roots`` (links not followed) whose uid:gid is not ``owner``."""
        count, foreign = 0, []
        for root in roots:
            paths = [str(root)]
            for folder, dirs, files in os.walk(root):
                paths += (os.path.join(folder, name) for name in dirs + files)
            for path in paths:
                info = os.lstat(path)
                count += 1
                if (info.st_uid, info.st_gid) != owner:
                    foreign.append(f"{label}: {path} is {info.st_uid}:{info.st_gid}")
        with self._lock:
            self.paths_checked += count
            self.commands_checked += 1
            self.foreign += foreign


@dataclass(frozen=True)
class WorkflowFacts:
    """What the driver reads from wave.yml instead of assuming it."""

    slots: int  # wave-1 … wave-K jobs
    max_waves: str  # what the plan step passes
    overwrite: dict[str, bool]  # upload name pattern -> the step's overwrite
    agent_run: str  # the agent step's run: text
    agent_env: dict[str, str]  # the agent step's env:, expressions unevaluated
    fetch_depth: dict[str, int]  # job -> its checkout's fetch-depth (0: all history); no key: no checkout


@cache
def workflow_facts() -> WorkflowFacts:
    jobs = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    slots = sum(1 for name in jobs if name.startswith("wave-"))
    overwrite: dict[str, bool] = {}
    fetch_depth: dict[str, int] = {}
    max_waves = ""
    (agent,) = (step for step in jobs["wave-1"]["steps"] if step.get("id") == "agent")
    for name, job in jobs.items():
        for step in job["steps"]:
            uses, given = str(step.get("uses", "")), step.get("with") or {}
            if uses.startswith("actions/checkout@"):
                fetch_depth[name] = int(given.get("fetch-depth", 1))  # checkout's default is 1
            if uses.startswith("actions/upload-artifact@"):
                name = str(given["name"]).replace("${{ matrix.issue }}", "{issue}")
                name = name.replace("${{ matrix.slot }}", "{slot}")
                overwrite[name] = overwrite.get(name, True) and given.get("overwrite") in (True, "true")
            if given.get("command") == "plan":
                max_waves = str(given.get("max-waves", ""))
    return WorkflowFacts(slots, max_waves, overwrite, agent["run"], dict(agent["env"]), fetch_depth)


@cache
def action_defaults() -> dict[str, str]:
    """INPUT_* of every action.yml input with a default, as the runner sets them."""
    inputs = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))["inputs"]
    out = {}
    for name, spec in inputs.items():
        if "default" in spec:
            value = str(spec["default"])
            out[input_var(name)] = TOKEN if value == "${{ github.token }}" else value
    return out


def input_var(name: str) -> str:
    return "INPUT_" + name.replace(" ", "_").upper()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ArtifactConflict(Exception):
    """upload-artifact@v4's 409: an artifact with this name already exists on the workflow run."""


class Artifacts:
    """The run's artifacts: a folder per name, kept across re-run attempts as GitHub keeps them.

    With a ``user``, the copies in and out run as that user, as the artifact actions do.
    """

    def __init__(self, root: Path, user: RunnerUser | None = None) -> None:
        self.root = root
        self.user = user
        self._lock = threading.Lock()
        root.mkdir()
        if user:
            user.own(root)

    def upload(self, name: str, path: Path, overwrite: bool) -> bool:
        """Upload one file, or the files of a folder; False (a warning) when there are none."""
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        files = [f for f in files if f.is_file()]
        if not files:
            return False
        with self._lock:
            target = self.root / name
            if target.exists() and not overwrite:
                raise ArtifactConflict(
                    f"an artifact with this name already exists on the workflow run: {name}"
                )
            shutil.rmtree(target, ignore_errors=True)
            try:
                self._put(files, target)
            except subprocess.CalledProcessError:
                shutil.rmtree(target, ignore_errors=True)  # no artifact is made
                raise
        return True

    def download(self, name: str, dest: Path) -> None:
        """One artifact by name; a missing one fails the step, as download-artifact does."""
        source = self.root / name
        if not source.is_dir():
            raise FileNotFoundError(f"artifact not found: {name}")
        self._copy([source], dest)

    def download_pattern(self, prefix: str, dest: Path) -> None:
        """Every artifact named ``prefix*``, merged into ``dest`` (merge-multiple: true)."""
        with self._lock:
            sources = sorted(p for p in self.root.glob(prefix + "*") if p.is_dir())
        self._copy(sources, dest)

    def names(self, prefix: str = "") -> list[str]:
        return sorted(p.name for p in self.root.glob(prefix + "*") if p.is_dir())

    def _copy(self, sources: list[Path], dest: Path) -> None:
        with self._lock:
            self._put([file for source in sources for file in source.iterdir()], dest)

    def _put(self, files: list[Path], folder: Path) -> None:
        """Copy ``files`` into ``folder`` (made when missing), as the user when there is one;
        a file that user cannot read raises :class:`subprocess.CalledProcessError`."""
        if self.user is None:
            folder.mkdir(parents=True, exist_ok=True)
            for file in files:
                shutil.copy2(file, folder / file.name)
            return
        script = 'mkdir -p -- "$0" && for f; do cp --preserve=timestamps -- "$f" "$0/"; done'
        argv = self.user.argv(["sh", "-c", script, str(folder), *map(str, files)])
        subprocess.run(argv, check=True, capture_output=True, text=True)


@dataclass
class Step:
    id: str
    rc: int
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0  # wall-clock time of the step's process (0 for an artifact step)

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def outcome(self) -> str:
        return "success" if self.ok else "failure"


class Job:
    """One job on a fresh runner: ``job_id`` names its job in wave.yml, whose checkout step (if
    any) it runs as actions/checkout does: a clone of ``origin`` as deep as its fetch-depth."""

    def __init__(self, run: WaveRun, name: str, *, job_id: str) -> None:
        self.run = run
        self.name = name
        user = run.user
        attempt = run.root / f"attempt-{run.attempt}"
        attempt.mkdir(exist_ok=True)
        self.dir = attempt / name.replace(" ", "-").replace(":", "").replace("#", "")
        self.dir.mkdir()
        self.started = datetime.now(UTC)  # the checkout is part of the job's time, as on GitHub
        self.workspace = self.dir / "workspace"
        self.temp = self.dir / "runner_temp"
        self.home = self.temp / "_github_home"  # the action's HOME, mounted as /github/home
        if user:
            user.own(attempt, self.dir)
        depth = workflow_facts().fetch_depth.get(job_id)
        if depth is None:
            self.workspace.mkdir()
        else:  # a file:// URL: git ignores --depth when cloning a plain path
            shallow = [f"--depth={depth}", run.bare.as_uri()] if depth else [str(run.bare)]
            clone = ["git", "clone", "--quiet", *shallow, str(self.workspace)]
            env = {**run.base_env, **run.host_env}
            subprocess.run(user.argv(clone) if user else clone, check=True, capture_output=True, env=env)
        self.temp.mkdir()
        self.home.mkdir()
        if user:
            user.own(self.workspace, self.temp, self.home)
        self.env: dict[str, str] = {}  # what GITHUB_ENV exported so far
        self.steps: dict[str, Step] = {}
        self.summary = ""
        self.finished: datetime | None = None

    @property
    def conclusion(self) -> str:
        return "failure" if any(not s.ok for s in self.steps.values()) else "success"

    def _github_env(self, step_id: str) -> tuple[dict[str, str], Path, Path, Path]:
        files = [self.dir / f"{step_id}.{kind}" for kind in ("output", "env", "summary")]
        for file in files:
            file.touch()
            if self.run.user:
                self.run.user.own(file)
        env = {
            **self.run.base_env,
            **self.env,
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": self.run.fake.state.full_name,
            "GITHUB_REPOSITORY_OWNER": self.run.fake.state.owner.login,
            "GITHUB_RUN_ID": str(self.run.run_id),
            "GITHUB_RUN_ATTEMPT": str(self.run.attempt),
            "GITHUB_API_URL": self.run.fake.api,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_EVENT_NAME": self.run.event_name,
            "GITHUB_ACTOR": self.run.actor,
            "GITHUB_TRIGGERING_ACTOR": self.run.triggering_actor,
            "GITHUB_EVENT_PATH": str(self.run.event_path),
            "GITHUB_JOB": self.name,
            "GITHUB_OUTPUT": str(files[0]),
            "GITHUB_ENV": str(files[1]),
            "GITHUB_STEP_SUMMARY": str(files[2]),
            "RUNNER_TEMP": str(self.temp),
        }
        return env, *files

    def _run_step(self, step_id: str, argv: list[str], step_env: dict[str, str], *, container: bool) -> Step:
        """Run ``argv`` in the workspace as a step of this job, with the runner's variables and
        files plus ``step_env``; keep what it exported and wrote to the job summary.

        A ``container`` step (the action) runs as this process's user, and whatever it left
        running is killed when it exits, as the end of its container kills it. With a runner's
        user, host steps run as it, and the action gets the container's HOME (the job's
        ``_github_home``) and git configuration.
        """
        env, output, env_file, summary = self._github_env(step_id)
        env.update(step_env)
        user = self.run.user
        if container and user:
            # The image's git: no global configuration in HOME, the system one the Dockerfile wrote.
            env["HOME"] = str(self.home)
            env["GIT_CONFIG_SYSTEM"] = str(self.run.image_gitconfig)
            for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
                env.pop(name, None)
        elif user:
            env.update(self.run.host_env)
            argv = user.argv(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=self.workspace,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=STEP_TIMEOUT)
        finally:
            if container or proc.returncode is None:
                _kill_group(proc.pid)
            proc.wait()
        seconds = time.perf_counter() - start
        done = subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
        self.run.log(self, step_id, done)
        outputs = parse_file_commands(output)
        step = Step(step_id, done.returncode, outputs, done.stdout, done.stderr, seconds)
        self.env.update(parse_file_commands(env_file))
        self.summary += summary.read_text(encoding="utf-8")
        self.steps[step_id] = step
        if container and user:
            self.run.audit.check(
                f"{self.name} / {step_id}", (user.uid, user.gid), [self.workspace, self.temp]
            )
        return step

    def action(self, step_id: str, **given: str) -> Step:
        """A ``uses: lumina-wave/lumina-wave`` step: the container's entry point with ``given`` inputs."""
        inputs = {**action_defaults(), **{input_var(name): value for name, value in given.items()}}
        return self._run_step(step_id, self.run.entrypoint, inputs, container=True)

    def script(self, step_id: str, text: str, step_env: dict[str, str], shell: str = "bash") -> Step:
        """A ``run:`` step: its text in a file, run as the runner runs its ``shell:`` (none:
        ``bash -e {0}``; ``python``: ``python {0}``), with ``step_env`` from its ``env:``."""
        file = self.dir / f"{step_id}.{'py' if shell == 'python' else 'sh'}"
        file.write_text(text, encoding="utf-8")
        argv = [sys.executable, str(file)] if shell == "python" else ["bash", "-e", str(file)]
        return self._run_step(step_id, argv, step_env, container=False)

    def upload(self, step_id: str, name: str, file: Path, pattern: str) -> Step:
        """An upload-artifact step of ``file`` (a file or a folder's files); a name conflict fails
        it as v4 does."""
        try:
            self.run.artifacts.upload(name, file, workflow_facts().overwrite[pattern])
            step = Step(step_id, 0)
        except ArtifactConflict as exc:
            step = Step(step_id, 1, stderr=f"Error: Failed to CreateArtifact: (409) Conflict: {exc}")
        except subprocess.CalledProcessError as exc:  # the runner's user cannot read the file
            step = Step(step_id, 1, stderr=exc.stderr)
        self.steps[step_id] = step
        return step


@dataclass
class Leg:
    issue: int
    wave: int
    job: Job

    @property
    def conclusion(self) -> str:
        return self.job.conclusion


@dataclass
class Inputs:
    """The reusable workflow's inputs (``with:`` of the caller)."""

    manifest: str = ""
    label: str = ""
    epic: str = ""
    include_dependencies: bool = False
    stack: bool = False
    draft: bool = False
    pr_labels: str = ""
    pr_on_failure: bool = False
    base: str = ""
    max_parallel: int = 4
    comment_on: str = ""
    retry: str = ""
    previous_run_id: str = ""
    start_wave: str = ""
    plan_id: str = ""
    agent_retries: int = 0
    agent_retry_backoff: int = 0  # wave.yml's default is 30 s; the tests do not wait
    min_permission: str = ""
    allowed_bots: str = ""
    allowed_paths: str = ""
    blocked_paths: str = ""
    max_prs: str = ""
    existing_branch: str = "continue"


def _bool(value: bool) -> str:
    return "true" if value else "false"


class WaveRun:
    """One workflow run of wave.yml (``run_id``), with its attempts.

    ``agents`` maps an issue to its agent script (``fail``, ``sleep``, ``text``, ``change``,
    ``commit``, ``plant``); change it between attempts to script a re-run. ``user`` gives the
    run GitHub's two users (see the module's docstring); ``entrypoint`` is the action's command
    script (default: ``entrypoint.py``); ``after_checkout(job, issue)`` runs after each leg's checkout.
    ``actor`` is GITHUB_ACTOR (an admin of the fake's repository by default), ``triggering_actor``
    GITHUB_TRIGGERING_ACTOR (who re-ran it; set it between attempts); the event's name follows its
    payload (``comment``: issue_comment, ``pull_request``, ``issue``: issues) unless ``event_name`` says.
    """

    def __init__(
        self,
        fake: FakeGitHub,
        bare: Path,
        root: Path,
        *,
        inputs: Inputs,
        event: dict[str, Any] | None = None,
        agents: dict[int, dict[str, Any]] | None = None,
        run_id: int = 7001,
        env: dict[str, str] | None = None,
        user: RunnerUser | None = None,
        entrypoint: Path | None = None,
        after_checkout: Callable[[Job, int], None] | None = None,
        secrets: dict[str, str] | None = None,
        earlier: dict[int, WaveRun] | None = None,
        actor: str = "octocat",
        event_name: str | None = None,
    ) -> None:
        self.fake, self.bare, self.inputs, self.run_id = fake, bare, inputs, run_id
        self.earlier = dict(earlier or {})  # the repository's earlier runs, for run-id downloads
        self.user, self.after_checkout = user, after_checkout
        python = user.action_python() if user else [sys.executable]
        self.entrypoint = [*python, str(entrypoint or ENTRYPOINT)]
        self.audit = Audit()
        self.secrets = dict(secrets or {})
        self.masks = {value for value in self.secrets.values() if value}
        self.root = root / f"run-{run_id}"
        self.root.mkdir(parents=True)
        # What the Dockerfile's `git config --system` wrote, for the action of a two-user run.
        self.image_gitconfig = self.root / "image-gitconfig"
        if user:
            self.image_gitconfig.write_text("[safe]\n\tdirectory = *\n")
            user.own(self.root)
        self.artifacts = Artifacts(self.root / "artifacts", user)
        self.agents = dict(agents or {})
        self.actor = self.triggering_actor = actor
        self.event_name = event_name or _event_name(event or {})
        self.event_path = self.root / "event.json"
        self.event_path.write_text(json.dumps(event or {"inputs": {}, "ref": "refs/heads/main"}))
        base = {k: v for k, v in (env or dict(os.environ)).items() if not _runner_variable(k)}
        # No real sleep between writes: the pacer's waits pass on the run's virtual clock, which
        # the fake's secondary limit (when a test sets one) reads too (:meth:`clock`).
        self.clock_file = self.root / "virtual-clock"
        self.base_env = {
            **base,
            "LUMINA_WAVE_WRITE_GAP": "0",
            "LUMINA_WAVE_VIRTUAL_CLOCK": str(self.clock_file),
        }
        self.attempt = 0
        self.plan: Job | None = None
        self.legs: dict[int, Leg] = {}
        self.publishers: dict[int, Job] = {}
        self.summarize: Job | None = None
        self.legs_run = 0
        # Runs between the plan job and the legs: what a hostile leg could do to the artifacts.
        self.after_plan: Callable[[WaveRun], None] | None = None
        # Runs between a wave's legs and its publisher (wave number): a reviewer pushing mid-run.
        self.before_publish: Callable[[int], None] | None = None
        self.logs: list[str] = []
        self._lock = threading.Lock()

    # --- the workflow ----------------------------------------------------------------------

    def run(self, summarize: bool = True) -> WaveRun:
        """Attempt 1 (or "Re-run all jobs"): plan, every wave slot, then summarize unless told not to."""
        self.attempt += 1
        self.plan = self._plan_job()
        self.legs = {}
        self.publishers = {}
        if self.after_plan is not None and self.plan.conclusion == "success":
            self.after_plan(self)
        if self.plan.conclusion == "success":
            for k, entries in enumerate(self.waves, start=1):
                self._wave(k, [e["issue"] for e in entries])
                self._publish(k)
        if summarize:
            self._summarize_job()
        return self

    def summarize_together(self, count: int) -> list[Job]:
        """``count`` summarize jobs whose processes start at the same moment (a race)."""
        start = threading.Barrier(count)
        with ThreadPoolExecutor(max_workers=count) as pool:
            jobs = list(pool.map(lambda i: self._summarize_job(f"summarize-{i}", start), range(count)))
        return jobs

    def rerun_failed(self) -> WaveRun:
        """ "Re-run failed jobs": the failed legs and publishers and every job that needs them (their
        wave's publisher, the later waves, summarize)."""
        assert self.plan is not None and self.plan.conclusion == "success", "re-run the plan with run()"
        failed = [leg.wave for leg in self.legs.values() if leg.conclusion == "failure"]
        failed += [k for k, job in self.publishers.items() if job.conclusion == "failure"]
        if not failed:
            return self
        self.attempt += 1
        first = min(failed)
        for k, entries in enumerate(self.waves, start=1):
            if k < first:
                continue
            issues = [e["issue"] for e in entries]
            self._wave(k, [n for n in issues if k > first or self.legs[n].conclusion == "failure"])
            self._publish(k)
        self._summarize_job()
        return self

    def clock(self) -> float:
        """The run's virtual time (epoch seconds), as its processes' pacers see it."""
        from lumina_wave.github.pacing import VirtualClock

        return VirtualClock(self.clock_file).now()

    @property
    def host_env(self) -> dict[str, str]:
        """What host steps get instead of this process's HOME and git configuration."""
        if self.user is None:
            return {}
        return {"HOME": str(self.user.home), "GIT_CONFIG_GLOBAL": str(self.user.home / ".gitconfig")}

    @property
    def waves(self) -> list[list[dict]]:
        assert self.plan is not None
        return json.loads(self.plan.steps["plan"].outputs["waves"])

    def _plan_job(self) -> Job:
        """The plan job; a follow-up or retry run first downloads the earlier run's plan and records
        (``run-id``: previous-run-id, else what the ``previous`` step found) and passes the kept
        records on as ``lumina-wave-result-earlier``."""
        job = Job(self, "plan", job_id="plan")
        lw = job.workspace / ".lumina-wave"
        run_id = self.inputs.previous_run_id
        if self.inputs.retry and not run_id:
            found = job.action(
                "previous",
                command="previous",
                **{"github-token": TOKEN, "comment-on": self.inputs.comment_on},
            )
            if not found.ok:
                self._timing(job)
                return job
            run_id = found.outputs["run-id"]
        if run_id:
            earlier = self.earlier[int(run_id)].artifacts
            earlier.download(PLAN_ARTIFACT, lw)
            earlier.download_pattern("lumina-wave-result-", lw / "results")
        step = job.action(
            "plan",
            command="plan",
            **{
                "github-token": TOKEN,
                "manifest": self.inputs.manifest,
                "label": self.inputs.label,
                "epic": self.inputs.epic,
                "include-dependencies": _bool(self.inputs.include_dependencies),
                "max-waves": workflow_facts().max_waves,
                "start-wave": self.inputs.start_wave,
                "plan-id": self.inputs.plan_id,
                "retry": self.inputs.retry,
                "min-permission": self.inputs.min_permission,
                "allowed-bots": self.inputs.allowed_bots,
                "comment-on": self.inputs.comment_on,
            },
        )
        if step.ok:
            job.upload("upload", PLAN_ARTIFACT, lw / "plan.json", PLAN_ARTIFACT)
            if run_id:
                job.upload(
                    "upload-earlier",
                    "lumina-wave-result-earlier",
                    lw / "results",
                    "lumina-wave-result-earlier",
                )
        self._timing(job)
        return job

    def _wave(self, k: int, issues: list[int]) -> None:
        if k > workflow_facts().slots or not issues:
            return
        script = self.root / f"agents-{self.attempt}-{k}.json"
        script.write_text(json.dumps({str(n): s for n, s in self.agents.items()}))
        with ThreadPoolExecutor(max_workers=self.inputs.max_parallel) as pool:
            legs = list(pool.map(lambda n: self._leg(k, n, script), issues))
        for leg in legs:
            self.legs[leg.issue] = leg

    def _ours(self, job: Job, command: str, **inputs: str) -> Step:
        """The action's step ``command`` (its id too) with the token and the plan digest that every
        command after the plan job takes, and ``inputs`` (named as in action.yml)."""
        return job.action(
            command, command=command, **{"github-token": TOKEN, "plan-digest": self.plan_digest}, **inputs
        )

    def _branch_inputs(self) -> dict[str, str]:
        """The inputs prepare and publish share: where a branch starts and what an existing one gets."""
        return {
            "stack": _bool(self.inputs.stack),
            "base": self.inputs.base,
            "existing-branch": self.inputs.existing_branch,
        }

    def _leg(self, k: int, issue: int, script: Path) -> Leg:
        """A leg job: read-only, its token is GitHub's read-only job token (here: the same string)."""
        job = Job(self, f"wave {k}: #{issue}", job_id=f"wave-{k}")
        if self.after_checkout:
            self.after_checkout(job, issue)
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        # wave.yml: `if: matrix.wave > 1`, the plan's wave (a retry's slot 1 may work wave 2)
        if next(e["wave"] for e in self.waves[k - 1] if e["issue"] == issue) > 1:
            self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        prepare = self._ours(job, "prepare", issue=str(issue), **self._branch_inputs())
        skip = prepare.outputs.get("skip", "")
        agent_outcome, agent = "skipped", None
        if prepare.ok and skip == "false":
            facts = workflow_facts()
            step_env = {name: self._evaluate(value) for name, value in facts.agent_env.items()}
            agent = job.script("agent", facts.agent_run, {**step_env, "E2E_AGENT_SCRIPT": str(script)})

            agent_outcome = agent.outcome
        if skip != "true":
            self._ours(
                job,
                "collect",
                issue=str(issue),
                **{
                    "agent-outcome": agent_outcome,
                    "agent-attempts": agent.outputs.get("attempts", "") if agent else "",
                },
            )
        job.upload("upload", LEG_ARTIFACT.format(issue=issue), lw / "out", LEG_ARTIFACT)
        self._timing(job)
        with self._lock:
            self.legs_run += 1
        return Leg(issue, k, job)

    def _publish(self, k: int) -> None:
        """The publisher job of slot ``k``: a fresh runner, the write token, the wave's artifacts."""
        if k > workflow_facts().slots or not self.waves[k - 1]:
            return
        if self.before_publish is not None:
            self.before_publish(k)
        job = Job(self, f"publish wave {k}", job_id=f"publish-{k}")
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        if k > 1 or self.inputs.start_wave or self.inputs.retry:
            self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        self.artifacts.download_pattern("lumina-wave-leg-", lw / "legs")
        self._ours(
            job,
            "publish",
            wave=str(k),
            **self._branch_inputs(),
            **{
                "draft": _bool(self.inputs.draft),
                "labels": self.inputs.pr_labels,
                "pr-on-failure": _bool(self.inputs.pr_on_failure),
                "start-wave": self.inputs.start_wave,
                "allowed-paths": self.inputs.allowed_paths,
                "blocked-paths": self.inputs.blocked_paths,
                "max-prs": self.inputs.max_prs,
                "comment-on": self.inputs.comment_on,
            },
        )
        job.upload("upload", RESULT_ARTIFACT.format(slot=k), lw / "out", RESULT_ARTIFACT)
        self._timing(job)
        self.publishers[k] = job

    def _summarize_job(self, name: str = "summarize", start: threading.Barrier | None = None) -> Job | None:
        assert self.plan is not None
        if self.plan.conclusion != "success":
            self.summarize = None
            return None
        job = Job(self, name, job_id="summarize")
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        if start is not None:
            start.wait()
        self._ours(
            job,
            "summarize",
            **{
                "comment-on": self.inputs.comment_on,
                "stack": _bool(self.inputs.stack),
                "max-waves": workflow_facts().max_waves,
                "start-wave": self.inputs.start_wave,
            },
        )
        self._timing(job)
        self.summarize = job
        return job

    def _evaluate(self, value: str) -> str:
        """An agent step ``env:`` value: the agent command, another input, or a secret of the run
        (empty when unset)."""
        if value == "${{ inputs.agent-command }}":
            return f'"{self.user.python if self.user else sys.executable}" "{AGENT}"'
        given = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", value)
        if given:
            return str(getattr(self.inputs, given[1].replace("-", "_")))
        secret = re.fullmatch(r"\$\{\{ secrets\.([A-Za-z0-9_-]+) \}\}", value)
        assert secret, f"the driver cannot evaluate {value!r} of the agent step"
        return self.secrets.get(secret[1], "")

    def _timing(self, job: Job) -> None:
        """Register the job in the fake's run; a re-run job replaces its earlier attempt."""
        job.finished = datetime.now(UTC)
        with self._lock:
            jobs = self.fake.state.jobs.setdefault(self.run_id, [])
            jobs[:] = [j for j in jobs if j.name != job.name]
            (made,) = self.fake.state.add_jobs(
                self.run_id, [(job.name, stamp(job.started), stamp(job.finished))]
            )
            made.conclusion = job.conclusion

    # --- what happened ---------------------------------------------------------------------

    def log(self, job: Job, step_id: str, done: subprocess.CompletedProcess[str]) -> None:
        """Keep the step's output as the run's log shows it: an ``::add-mask::`` line is not shown
        and masks the lines after it (stderr, captured apart, comes after all of stdout)."""
        with self._lock:
            shown = [f"--- {job.name} / {step_id}: exit {done.returncode}"]
            for line in done.stdout.splitlines() + done.stderr.splitlines():
                if line.startswith("::add-mask::"):
                    if value := _unescape(line.removeprefix("::add-mask::")):
                        self.masks.add(value)
                    continue
                for value in sorted(self.masks, key=len, reverse=True):
                    line = line.replace(value, "***")
                shown.append(line)
            self.logs.append("\n".join(shown) + "\n")

    def records(self) -> dict[int, dict]:
        """The result records the publishers uploaded as artifacts, by issue."""
        out = {}
        for name in self.artifacts.names("lumina-wave-result-"):
            for file in sorted((self.artifacts.root / name).glob("result-*.json")):
                record = json.loads(file.read_text())
                out[record["issue"]] = record
        return out

    @property
    def plan_digest(self) -> str:
        """The plan job's ``plan-digest`` output, as ``needs.plan.outputs`` hands it on."""
        assert self.plan is not None
        return self.plan.steps["plan"].outputs["plan-digest"]

    @property
    def plan_id(self) -> str:
        assert self.plan is not None
        return self.plan.steps["plan"].outputs["plan-id"]

    def transcript(self) -> str:
        """Every step's exit code and output, for assertion messages."""
        return "\n".join(self.logs)


def _event_name(event: dict[str, Any]) -> str:
    for key, name in (("comment", "issue_comment"), ("pull_request", "pull_request"), ("issue", "issues")):
        if key in event:
            return name
    return "workflow_dispatch"


def _enterable(folder: Path) -> bool:
    """Whether every user can enter ``folder`` and each folder above it."""
    return all(os.stat(path).st_mode & stat.S_IXOTH for path in (folder, *folder.parents))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _unescape(data: str) -> str:
    """A workflow command's data as the runner reads it (%25, %0D, %0A)."""
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _runner_variable(name: str) -> bool:
    return name.startswith(("GITHUB_", "INPUT_", "RUNNER_", "WAVE_")) or name in (
        "ACTIONS_RUNTIME_TOKEN",
        "CI",
    )
