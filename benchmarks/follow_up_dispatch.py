"""Time to the follow-up dispatch of a deep plan's summarize with 600 PRs to comment on.

The plan has 601 issues in 11 waves; the run works waves 1-10 (600 issues, each with a PR), so
summarize must dispatch the follow-up for wave 11 and comment on 600 PRs. It runs as the runner
runs it (``entrypoint.py``, the default 1 s write gap) against the fake GitHub; the benchmark
prints how long after its start the dispatch arrived and how many comments were written before
it, then stops summarize (publishing the rest takes about 600 s). Before the dispatch moved
ahead of publishing, the dispatch came after every comment: past the job's 10-minute timeout.

    .venv/bin/python benchmarks/follow_up_dispatch.py [--prs 600]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakegithub import FakeGitHub, Repo

from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, plan_to_json
from lumina_wave.results import new_record
from lumina_wave.store import write_result

ROOT = Path(__file__).resolve().parents[1]
CALLER = "wave-caller.yml"
WAVES = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prs", type=int, default=600, help="issues (and PRs) of waves 1-10")
    args = parser.parse_args()
    per_wave = max(args.prs // WAVES, 1)
    issues = list(range(1, args.prs + 2))  # the last one is wave 11
    edges = [Edge(issue=n, depends_on=n - per_wave) for n in issues if n > per_wave and n <= args.prs]
    edges.append(Edge(issue=issues[-1], depends_on=args.prs))
    plan = build_plan(
        Selection(source="benchmark", items=[Item(number=n, title=f"Issue {n}") for n in issues], edges=edges)
    )
    assert plan.wave_count == WAVES + 1, plan.wave_count

    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(Repo()) as fake:
        state = fake.state
        state.workflows[CALLER] = ("plan-id", "start-wave", "previous-run-id", "comment-on")
        for n in issues:
            state.add_issue(n, f"Issue {n}")
        for n in issues[:-1]:
            state.add_issue(10_000 + n, f"PR for #{n}")  # a PR is an issue to comment on
        ws = Path(tmp)
        lw = ws / ".lumina-wave"
        lw.mkdir()
        (lw / "plan.json").write_text(json.dumps(plan_to_json(plan)))
        for n in issues[:-1]:
            pr = 10_000 + n
            record = new_record(
                plan.plan_id,
                n,
                "success",
                f"feature/issue-{n}",
                pr_number=pr,
                pr_url=f"https://github.com/{state.full_name}/pull/{pr}",
            )
            write_result(lw / "results", record)
        env = fake.runner_env() | {
            "GITHUB_RUN_ID": "4711",
            "GITHUB_WORKSPACE": str(ws),
            "GITHUB_WORKFLOW_REF": f"{state.full_name}/.github/workflows/{CALLER}@refs/heads/main",
            "INPUT_COMMAND": "summarize",
            "INPUT_MAX-WAVES": str(WAVES),
        }
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "entrypoint.py")], cwd=ws, env=env, stdout=subprocess.DEVNULL
        )
        try:
            while not state.dispatches and proc.poll() is None:
                time.sleep(0.01)
            seconds = time.perf_counter() - started
        finally:
            proc.kill()
            proc.wait()
        if not state.dispatches:
            raise SystemExit(f"summarize ended (exit {proc.returncode}) without dispatching")
        before = [r.operation for r in fake.requests]
        cut = before.index("actions/create-workflow-dispatch")
        comments = sum(op in ("issues/create-comment", "issues/update-comment") for op in before[:cut])
        print(f"{args.prs} PRs, {plan.wave_count} waves, summarize working waves 1-{WAVES}")
        print(f"time to dispatch the follow-up   {seconds:6.2f} s (process start included)")
        print(f"requests before the dispatch     {cut:6d} ({comments} comment writes)")


if __name__ == "__main__":
    main()
