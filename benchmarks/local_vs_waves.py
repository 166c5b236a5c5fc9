"""ASAP (``lumina-wave local``) against wave-by-wave scheduling on a 30-issue DAG of sleeping agents.

Each side runs the same plan in its own throwaway repository (bare origin + clone, no push) with
the real local runner: worktrees, leg code, result records. Wave by wave adds the barrier of the
GitHub workflow: nothing of wave k starts before every issue of waves < k ended. Prints, per side,
the wall time and wall time / critical-path length, where the critical path is the longest chain
of sleeps through the dependencies (the best any scheduler could do with unlimited slots).

    .venv/bin/python benchmarks/local_vs_waves.py [--issues 30] [--seed 7] [--max-parallel 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import random
import shlex
import statistics
import tempfile
import time
from pathlib import Path

from lumina_wave.demo_wave import make_repository
from lumina_wave.local_wave import LocalOptions, LocalRun
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import Plan, build_plan
from lumina_wave.progress import Progress

AGENT = 'sleep "$(cat {sleeps}/"$WAVE_ISSUE_NUMBER")"'  # one file per issue holds its sleep


def random_dag(issues: int, seed: int) -> tuple[Plan, dict[int, float]]:
    """A seeded DAG: each issue depends on up to 3 of the 8 issues before it; sleeps 0.1 to 0.6 s."""
    rng = random.Random(seed)
    numbers = list(range(1, issues + 1))
    edges = []
    for n in numbers[1:]:
        window = numbers[max(0, n - 9) : n - 1]
        for dep in rng.sample(window, k=min(len(window), rng.choice([0, 1, 1, 2, 3]))):
            edges.append(Edge(issue=n, depends_on=dep))
    sleeps = {n: round(rng.uniform(0.1, 0.6), 2) for n in numbers}
    plan = build_plan(
        Selection(source="benchmark", items=[Item(number=n, title=f"task {n}") for n in numbers], edges=edges)
    )
    return plan, sleeps


def critical_path_seconds(plan: Plan, sleeps: dict[int, float]) -> float:
    """The longest sum of sleeps along a dependency chain."""
    finish: dict[int, float] = {}
    for n in sorted(plan.items, key=lambda i: plan.wave_of[i]):
        finish[n] = sleeps[n] + max((finish[d] for d in plan.depends_on[n]), default=0.0)
    return max(finish.values())


def run_side(plan: Plan, sleeps: dict[int, float], by_wave: bool, max_parallel: int) -> float:
    """Wall time of one full run in a fresh repository."""
    with tempfile.TemporaryDirectory(prefix="lumina-wave-bench-") as tmp:
        root = Path(tmp)
        sleep_dir = root / "sleeps"
        sleep_dir.mkdir()
        for n, seconds in sleeps.items():
            (sleep_dir / str(n)).write_text(f"{seconds}\n")
        repo = make_repository(root)
        options = LocalOptions(
            agent=AGENT.format(sleeps=shlex.quote(str(sleep_dir))),
            repo=repo,
            max_parallel=max_parallel,
            default_base="main",
            by_wave=by_wave,
        )
        progress = Progress(io.StringIO(), live=False, issues=list(plan.items))
        start = time.monotonic()
        outcome = LocalRun(plan, options, progress).run()
        wall = time.monotonic() - start
        bad = {
            n: r["status"] for n, r in outcome.results.items() if r["status"] not in ("success", "no-changes")
        }
        if bad:
            raise SystemExit(f"benchmark run had failures: {bad}")
        return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-parallel", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the median is shown")
    args = parser.parse_args()

    plan, sleeps = random_dag(args.issues, args.seed)
    critical = critical_path_seconds(plan, sleeps)
    slowest_per_wave = sum(max(sleeps[n] for n in wave) for wave in plan.waves)
    print(
        f"{len(plan.items)} issues, {plan.wave_count} waves, {sum(len(d) for d in plan.depends_on.values())} "
        f"edges, seed {args.seed}, max-parallel {args.max_parallel}"
    )
    print(
        f"sum of sleeps {sum(sleeps.values()):.2f}s, critical path {critical:.2f}s, "
        f"sum of each wave's slowest sleep {slowest_per_wave:.2f}s ({slowest_per_wave / critical:.2f} x cp)"
    )
    print(f"{'scheduling':<14}{'median wall':>12}{'wall / critical path':>24}   all runs")
    for name, by_wave in (("local (ASAP)", False), ("wave by wave", True)):
        walls = [run_side(plan, sleeps, by_wave, args.max_parallel) for _ in range(args.repeat)]
        wall = statistics.median(walls)
        runs = " ".join(f"{w:.2f}" for w in walls)
        print(f"{name:<14}{wall:>11.2f}s{wall / critical:>24.2f}   {runs}")


if __name__ == "__main__":
    main()
