"""A GitHub Actions runner for the reusable workflow, driving ``entrypoint.py`` against the fake GitHub.

:class:`WaveRun` runs the jobs of ``.github/workflows/wave.yml`` as GitHub would: the ``plan`` job,
then the wave slots in order (one leg per matrix entry, the legs of a wave concurrently, at most
``max-parallel`` at once: prepare, the agent, collect), each followed by its publisher job (publish),
then ``summarize``. Each job gets a new runner: a fresh clone of the
fake's bare ``origin`` as GITHUB_WORKSPACE (``summarize`` has no checkout: an empty one), its own
RUNNER_TEMP, and per step fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files, the
GITHUB_ENV exports applied to the later steps of the job. The action's inputs arrive as
``INPUT_<NAME>`` with hyphens kept, action.yml's defaults filled in. A leg's agent step is
:mod:`tests.e2e.agent` run through ``bash -c "$AGENT_COMMAND"``. Artifacts follow
upload-artifact@v4 / download-artifact@v4: one name per upload, a second upload of a name fails
(409) unless the workflow's step says ``overwrite: true``. Job timings go into the fake
(``state.add_jobs``) from each leg's real start and end, as ``filter=latest`` shows them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
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
TOKEN = "ghs_e2eFakeInstallationToken0123456789AB"
PLAN_ARTIFACT = "lumina-wave-plan"
LEG_ARTIFACT = "lumina-wave-leg-{issue}"
RESULT_ARTIFACT = "lumina-wave-result-wave-{slot}"
STEP_TIMEOUT = 120


@dataclass(frozen=True)
class WorkflowFacts:
    """What the driver reads from wave.yml instead of assuming it."""

    slots: int  # wave-1 … wave-K jobs
    max_waves: str  # what the plan step passes
    overwrite: dict[str, bool]  # upload name pattern -> the step's overwrite


@cache
def workflow_facts() -> WorkflowFacts:
    jobs = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    slots = sum(1 for name in jobs if name.startswith("wave-"))
    overwrite: dict[str, bool] = {}
    max_waves = ""
    for job in jobs.values():
        for step in job["steps"]:
            uses, given = str(step.get("uses", "")), step.get("with") or {}
            if uses.startswith("actions/upload-artifact@"):
                name = str(given["name"]).replace("${{ matrix.issue }}", "{issue}")
                name = name.replace("${{ matrix.slot }}", "{slot}")
                overwrite[name] = overwrite.get(name, True) and given.get("overwrite") in (True, "true")
            if given.get("command") == "plan":
                max_waves = str(given.get("max-waves", ""))
    return WorkflowFacts(slots, max_waves, overwrite)


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
    """The run's artifacts: a folder per name, kept across re-run attempts as GitHub keeps them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

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
            target.mkdir(parents=True)
            for file in files:
                shutil.copy2(file, target / file.name)
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
        dest.mkdir(parents=True, exist_ok=True)
        with self._lock:
            for source in sources:
                for file in source.iterdir():
                    shutil.copy2(file, dest / file.name)


@dataclass
class Step:
    id: str
    rc: int
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0

    @property
    def outcome(self) -> str:
        return "success" if self.ok else "failure"


class Job:
    """One job on a fresh runner."""

    def __init__(self, run: WaveRun, name: str, *, checkout: bool) -> None:
        self.run = run
        self.name = name
        self.dir = (
            run.root / f"attempt-{run.attempt}" / name.replace(" ", "-").replace(":", "").replace("#", "")
        )
        self.dir.mkdir(parents=True)
        self.workspace = self.dir / "workspace"
        if checkout:  # actions/checkout with fetch-depth: 0
            subprocess.run(
                ["git", "clone", "--quiet", str(run.bare), str(self.workspace)],
                check=True,
                capture_output=True,
            )
        else:
            self.workspace.mkdir()
        self.temp = self.dir / "runner_temp"
        self.temp.mkdir()
        self.env: dict[str, str] = {}  # what GITHUB_ENV exported so far
        self.steps: dict[str, Step] = {}
        self.summary = ""
        self.started = datetime.now(UTC)
        self.finished: datetime | None = None

    @property
    def conclusion(self) -> str:
        return "failure" if any(not s.ok for s in self.steps.values()) else "success"

    def _github_env(self, step_id: str) -> tuple[dict[str, str], Path, Path, Path]:
        files = [self.dir / f"{step_id}.{kind}" for kind in ("output", "env", "summary")]
        for file in files:
            file.touch()
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
            "GITHUB_EVENT_PATH": str(self.run.event_path),
            "GITHUB_JOB": self.name,
            "GITHUB_OUTPUT": str(files[0]),
            "GITHUB_ENV": str(files[1]),
            "GITHUB_STEP_SUMMARY": str(files[2]),
            "RUNNER_TEMP": str(self.temp),
        }
        return env, *files

    def _run_step(self, step_id: str, argv: list[str], step_env: dict[str, str]) -> Step:
        """Run ``argv`` in the workspace as a step of this job, with the runner's variables and
        files plus ``step_env``; keep what it exported and wrote to the job summary."""
        env, output, env_file, summary = self._github_env(step_id)
        env.update(step_env)
        done = subprocess.run(
            argv, cwd=self.workspace, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
        )
        self.run.log(self, step_id, done)
        step = Step(step_id, done.returncode, parse_file_commands(output), done.stdout, done.stderr)
        self.env.update(parse_file_commands(env_file))
        self.summary += summary.read_text(encoding="utf-8")
        self.steps[step_id] = step
        return step

    def action(self, step_id: str, **given: str) -> Step:
        """A ``uses: lumina-wave/lumina-wave`` step: the container's entry point with ``given`` inputs."""
        inputs = {**action_defaults(), **{input_var(name): value for name, value in given.items()}}
        return self._run_step(step_id, [sys.executable, str(ENTRYPOINT)], inputs)

    def script(self, step_id: str, command: str, step_env: dict[str, str]) -> Step:
        """A ``run: bash -c "$COMMAND"`` step with ``step_env`` from its ``env:``."""
        return self._run_step(step_id, ["bash", "-e", "-c", command], step_env)

    def upload(self, step_id: str, name: str, file: Path, pattern: str) -> Step:
        """An upload-artifact step of ``file`` (a file or a folder's files)."""
        """An upload-artifact step; a name conflict fails it as v4 does."""
        try:
            self.run.artifacts.upload(name, file, workflow_facts().overwrite[pattern])
            step = Step(step_id, 0)
        except ArtifactConflict as exc:
            step = Step(step_id, 1, stderr=f"Error: Failed to CreateArtifact: (409) Conflict: {exc}")
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


def _bool(value: bool) -> str:
    return "true" if value else "false"


class WaveRun:
    """One workflow run of wave.yml (``run_id``), with its attempts.

    ``agents`` maps an issue to its agent script (``fail``, ``sleep``, ``text``, ``change``);
    change it between attempts to script a re-run.
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
    ) -> None:
        self.fake, self.bare, self.inputs, self.run_id = fake, bare, inputs, run_id
        self.root = root / f"run-{run_id}"
        self.root.mkdir(parents=True)
        self.artifacts = Artifacts(self.root / "artifacts")
        self.agents = dict(agents or {})
        self.event_name = "issues" if event and "issue" in event else "workflow_dispatch"
        self.event_path = self.root / "event.json"
        self.event_path.write_text(json.dumps(event or {"inputs": {}, "ref": "refs/heads/main"}))
        base = {k: v for k, v in (env or dict(os.environ)).items() if not _runner_variable(k)}
        self.base_env = {**base, "LUMINA_WAVE_WRITE_GAP": "0"}
        self.attempt = 0
        self.plan: Job | None = None
        self.legs: dict[int, Leg] = {}
        self.publishers: dict[int, Job] = {}
        self.summarize: Job | None = None
        self.legs_run = 0
        # Runs between the plan job and the legs: what a hostile leg could do to the artifacts.
        self.after_plan: Callable[[WaveRun], None] | None = None
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

    @property
    def waves(self) -> list[list[dict]]:
        assert self.plan is not None
        return json.loads(self.plan.steps["plan"].outputs["waves"])

    def _plan_job(self) -> Job:
        job = Job(self, "plan", checkout=True)
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
            },
        )
        if step.ok:
            job.upload("upload", PLAN_ARTIFACT, job.workspace / ".lumina-wave" / "plan.json", PLAN_ARTIFACT)
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

    def _leg(self, k: int, issue: int, script: Path) -> Leg:
        """A leg job: read-only, its token is GitHub's read-only job token (here: the same string)."""
        job = Job(self, f"wave {k}: #{issue}", checkout=True)
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        if k > 1:
            self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        prepare = job.action(
            "prepare",
            command="prepare",
            issue=str(issue),
            **{
                "github-token": TOKEN,
                "stack": _bool(self.inputs.stack),
                "base": self.inputs.base,
                "plan-digest": self.plan_digest,
            },
        )
        skip = prepare.outputs.get("skip", "")
        agent_outcome = "skipped"
        if prepare.ok and skip == "false":
            agent = job.script(
                "agent",
                'bash -c "$AGENT_COMMAND"',
                {
                    "AGENT_COMMAND": f'"{sys.executable}" "{AGENT}"',
                    "E2E_AGENT_SCRIPT": str(script),
                    "ANTHROPIC_API_KEY": "",
                    "OPENAI_API_KEY": "",
                },
            )
            agent_outcome = agent.outcome
        if skip != "true":
            job.action(
                "collect",
                command="collect",
                issue=str(issue),
                **{"github-token": TOKEN, "agent-outcome": agent_outcome, "plan-digest": self.plan_digest},
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
        job = Job(self, f"publish wave {k}", checkout=True)
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        if k > 1:
            self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        self.artifacts.download_pattern("lumina-wave-leg-", lw / "legs")
        job.action(
            "publish",
            command="publish",
            wave=str(k),
            **{
                "github-token": TOKEN,
                "stack": _bool(self.inputs.stack),
                "base": self.inputs.base,
                "draft": _bool(self.inputs.draft),
                "labels": self.inputs.pr_labels,
                "pr-on-failure": _bool(self.inputs.pr_on_failure),
                "plan-digest": self.plan_digest,
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
        job = Job(self, name, checkout=False)
        lw = job.workspace / ".lumina-wave"
        self.artifacts.download(PLAN_ARTIFACT, lw)
        self.artifacts.download_pattern("lumina-wave-result-", lw / "results")
        if start is not None:
            start.wait()
        job.action(
            "summarize",
            command="summarize",
            **{"github-token": TOKEN, "comment-on": self.inputs.comment_on, "plan-digest": self.plan_digest},
        )
        self._timing(job)
        self.summarize = job
        return job

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
        with self._lock:
            self.logs.append(
                f"--- {job.name} / {step_id}: exit {done.returncode}\n{done.stdout}{done.stderr}"
            )

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


def _runner_variable(name: str) -> bool:
    return name.startswith(("GITHUB_", "INPUT_", "RUNNER_", "WAVE_")) or name in (
        "ACTIONS_RUNTIME_TOKEN",
        "CI",
    )
