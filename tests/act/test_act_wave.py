"""The reusable workflow run by the runner emulator act, against the fake GitHub (issue 11, item 4).

``workflows/dispatch.yml`` (its agent swapped for ``tests/e2e/agent.py``, and a job that reads
the wave's outputs added) calls ``.github/workflows/wave.yml`` of this checkout, whose steps run
the action built from this checkout's Dockerfile, all through ``act-run`` of ``../shared/act``
(podman, the real artifact actions). Every container reaches the fake on 127.0.0.1 (host
network) and a bare ``origin`` mounted at its own path. Needs root, podman and minutes: marked
``act``, deselected by default; ``.ci/run`` runs it in its own section. See README.md beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from e2e import scenarios
from e2e.checks import branch_sha, open_prs, summary_comments
from fakegithub import FakeGitHub
from fakegithub.gitrepo import git, init_origin
from fakegithub.state import AUTHOR, Repo
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

pytestmark = pytest.mark.act

ROOT = Path(__file__).resolve().parents[2]
KIT = Path(os.environ.get("LUMINA_WAVE_ACT_KIT", ROOT.parent / "shared" / "act"))
CALLER = ROOT / "workflows" / "dispatch.yml"
WAVE = "lumina-wave/lumina-wave/.github/workflows/wave.yml@"
WORKFLOW = ".github/workflows/wave-dispatch.yml"
TOKEN = "ghs_actFakeInstallationToken0123456789AB"
OUTPUTS_JOB = "outputs"
OUTPUTS_MARK = "caller-outputs: "
ACT_TIMEOUT = 1800


def caller_workflow() -> str:
    """workflows/dispatch.yml with the test agent instead of Claude (no network), plus a job that
    reads the reusable workflow's outputs, as a caller would, and prints them on one line."""
    yaml = YAML()
    yaml.width = 4096
    doc = yaml.load(CALLER.read_text(encoding="utf-8"))
    (name,) = (k for k, job in doc["jobs"].items() if str(job.get("uses", "")).startswith(WAVE))
    given = doc["jobs"][name]["with"]
    given.pop("setup-command", None)
    given["agent-command"] = "E2E_AGENT_SCRIPT=scripts/agents.json python3 scripts/agent.py"
    doc["jobs"][OUTPUTS_JOB] = {
        "needs": name,
        "if": "${{ !cancelled() }}",
        "runs-on": "ubuntu-latest",
        "permissions": {},
        "steps": [
            {
                "env": {
                    key.upper().replace("-", "_"): f"${{{{ needs.{name}.outputs.{key} }}}}"
                    for key in ("summary-json", "failed-count", "success-rate")
                },
                "run": LiteralScalarString(
                    f'python3 -c \'import json, os; print("{OUTPUTS_MARK}" + json.dumps(\n'
                    '  {k: os.environ[k] for k in ("SUMMARY_JSON", "FAILED_COUNT", "SUCCESS_RATE")}))\'\n'
                ),
            }
        ],
    }
    out = StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


@dataclass
class Site:
    """One repository on the fake GitHub: its bare origin, the clone act runs, and the fake."""

    bare: Path
    repo: Path
    fake: FakeGitHub


@dataclass
class ActRun:
    code: int
    log: list[dict[str, Any]]  # act's --json log, one object a line
    text: str  # the same, for assertion messages

    def results(self) -> dict[str, str]:
        """Job results of the called workflow by job key, legs as ``#<issue>``; the caller's own
        jobs as ``caller/<key>``."""
        out = {}
        for rec in self.log:
            if "jobResult" not in rec:
                continue
            job = str(rec.get("job", "")).strip()
            matrix = rec.get("matrix") or {}
            if "issue" in matrix:
                key = f"#{matrix['issue']}"
            elif job.count("/") >= 2:  # <caller job>/<called workflow>/<job>
                key = rec["jobID"]
            else:
                key = f"caller/{rec['jobID']}"
            out[key] = rec["jobResult"]
        return out

    def outputs_of(self, job_id: str) -> dict[str, str]:
        """The step outputs one job set (act logs each as a ``set-output`` command)."""
        return {
            str(rec["name"]): str(rec.get("arg", ""))
            for rec in self.log
            if rec.get("jobID") == job_id and rec.get("command") == "set-output"
        }

    def caller_outputs(self) -> dict[str, str] | None:
        for rec in self.log:
            msg = str(rec.get("msg", "")).strip()
            if rec.get("jobID") == OUTPUTS_JOB and msg.startswith(OUTPUTS_MARK):
                return json.loads(msg.removeprefix(OUTPUTS_MARK))
        return None


def act_run_command() -> list[str]:
    found = shutil.which("act-run") or (str(KIT / "act-run") if (KIT / "act-run").is_file() else None)
    if found is None:
        pytest.fail(f"no act-run on PATH or in {KIT}: run `bash {KIT}/setup.sh` as root first")
    return [found]


def seed(root: Path, agents: dict[int, dict]) -> Site:
    """The LuminaGuard wave (examples/luminaguard.yml as .github/waves.yml) on a fresh fake, and
    a clone whose origin is the bare repository, holding the caller and the scripted agent."""
    bare, repo = init_origin(root)
    fake = FakeGitHub(Repo(git_dir=bare)).start()
    scenarios.luminaguard_manifest(fake, repo)
    (repo / WORKFLOW).parent.mkdir(parents=True, exist_ok=True)
    (repo / WORKFLOW).write_text(caller_workflow(), encoding="utf-8")
    (repo / "scripts").mkdir()
    shutil.copy(ROOT / "tests" / "e2e" / "agent.py", repo / "scripts" / "agent.py")
    (repo / "scripts" / "agents.json").write_text(json.dumps({str(n): a for n, a in agents.items()}))
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "The caller workflow and the scripted agent")
    git(repo, "push", "--quiet", "origin", "main")
    return Site(bare, repo, fake)


def dispatch(site: Site, work: Path) -> ActRun:
    """``workflow_dispatch`` of the caller, with its inputs' defaults, under act."""
    cmd = [
        *act_run_command(),
        "--work",
        str(work),
        str(site.repo),
        "workflow_dispatch",
        WORKFLOW,
        "--json",
        # The dispatcher: a collaborator the plan job's actor gate lets start a wave (act's own
        # default, nektos/act, has no role on the fake repository and is refused).
        "--actor",
        AUTHOR.login,
        "--local-repository",
        f"lumina-wave/lumina-wave@v1={ROOT}",
        "-s",
        f"GITHUB_TOKEN={TOKEN}",
        "--env",
        f"GITHUB_API_URL={site.fake.api}",
        "--env",
        f"GITHUB_REPOSITORY={site.fake.state.full_name}",
        "--container-options",
        f"-v {site.bare}:{site.bare}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=ACT_TIMEOUT)
    log_file = work / "act.log"
    text = log_file.read_text(errors="replace") if log_file.is_file() else done.stdout
    log = []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            log.append(rec)
    return ActRun(done.returncode, log, text[-20000:] + done.stderr[-5000:])


def pr_of(site: Site, issue: int) -> int:
    (number,) = open_prs(site.fake).get(f"feature/issue-{issue}", [])
    return number


def check_prs(site: Site, issues: tuple[int, ...], why: str) -> None:
    """One open PR per issue on its branch, at the branch's pushed commit, saying ``Closes #N``."""
    assert set(open_prs(site.fake)) == {f"feature/issue-{n}" for n in issues}, why
    for n in issues:
        number = pr_of(site, n)
        assert f"Closes #{n}" in (site.fake.state.issues[number].body or ""), why
        assert site.fake.state.pulls[number].head_sha == branch_sha(site.bare, f"feature/issue-{n}"), why


@pytest.fixture(scope="module")
def seed_wave(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, ActRun]:
    """The seed wave dispatched once; scenario c dispatches it again."""
    root = tmp_path_factory.mktemp("act-seed")
    site = seed(root, {})
    yield site, dispatch(site, root / "act-1")
    site.fake.stop()


def test_the_seed_wave_opens_three_prs_with_one_summary_each(seed_wave):
    site, run = seed_wave
    why = run.text
    assert run.code == 0, why
    assert run.results() == {
        "plan": "success",
        "#152": "success",
        "#154": "success",
        "#155": "success",
        "publish-1": "success",
        "publish-2": "success",
        "summarize": "success",
        f"caller/{OUTPUTS_JOB}": "success",
    }, why
    check_prs(site, (152, 154, 155), why)
    outputs = run.caller_outputs()
    assert outputs is not None, why
    summary = json.loads(outputs["SUMMARY_JSON"])
    assert outputs["FAILED_COUNT"] == "0" and float(outputs["SUCCESS_RATE"]) == 1.0
    assert {e["issue"]: e["status"] for e in summary["issues"]} == dict.fromkeys((152, 154, 155), "success")
    prs = {pr_of(site, n) for n in (152, 154, 155)}
    assert summary_comments(site.fake, summary["plan_id"]) == Counter(dict.fromkeys(prs, 1)), why
    assert len(site.fake.state.comments) == 3
    site.fake.assert_no_violations()


def test_a_failing_leg_blocks_its_dependent_and_not_its_sibling(tmp_path):
    site = seed(tmp_path, {154: {"fail": True}})
    try:
        run = dispatch(site, tmp_path / "act")
    finally:
        site.fake.stop()
    why = run.text
    assert run.code == 1, why
    results = run.results()
    # act ends the run at a failed job of a called workflow: the caller's later jobs never start.
    assert {k: v for k, v in results.items() if not k.startswith("caller/")} == {
        "plan": "success",
        "#152": "success",
        "#154": "failure",
        "#155": "success",  # blocked: prepare recorded it and the job skipped the agent
        "publish-1": "success",  # #154's failure is its own job's
        "publish-2": "success",
        "summarize": "failure",  # the wave had failures
    }, why
    check_prs(site, (152,), why)
    assert branch_sha(site.bare, "feature/issue-154") is not None, "a failed leg's branch is pushed"
    outputs = run.outputs_of("summarize")
    assert outputs.get("failed-count") == "2", why
    summary = json.loads(outputs["summary-json"])
    assert {e["issue"]: e["status"] for e in summary["issues"]} == {
        152: "success",
        154: "failed",
        155: "blocked",
    }
    assert summary_comments(site.fake, summary["plan_id"]) == Counter({pr_of(site, 152): 1}), why
    assert len(site.fake.state.comments) == 1
    site.fake.assert_no_violations()


def test_the_same_dispatch_again_opens_no_new_pr_and_writes_no_new_comment(seed_wave, tmp_path):
    site, first = seed_wave
    assert first.code == 0, first.text
    prs = dict(site.fake.state.pulls)
    comments = {c.id: c.issue_number for c in site.fake.state.comments.values()}

    again = dispatch(site, tmp_path / "act-2")
    why = again.text
    assert again.code == 0, why
    assert set(again.results().values()) == {"success"}, why
    assert site.fake.state.pulls.keys() == prs.keys(), why
    assert {c.id: c.issue_number for c in site.fake.state.comments.values()} == comments, why
    check_prs(site, (152, 154, 155), why)
    outputs = again.caller_outputs()
    assert outputs is not None and outputs["FAILED_COUNT"] == "0", why
    site.fake.assert_no_violations()
