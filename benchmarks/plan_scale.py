"""How planning scales: a 10,000-issue manifest with 20,000 dependencies.

Prints the time to read the manifest (YAML parse + schema validation + positions) next to
the time to plan it (DAG, waves, critical path, plan id) and to serialize plan.json.

    .venv/bin/python benchmarks/plan_scale.py [ISSUES] [EDGES]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from lumina_wave.manifest import read_manifest
from lumina_wave.plan import build_plan, plan_to_json


def make_manifest(issues: int, edges: int, seed: int = 7) -> str:
    """A random DAG: each edge points from a later issue to an earlier one."""
    rng = random.Random(seed)
    deps: dict[int, set[int]] = {n: set() for n in range(1, issues + 1)}
    placed = 0
    while placed < edges:
        a, b = rng.sample(range(1, issues + 1), 2)
        lo, hi = min(a, b), max(a, b)
        if hi - lo <= 200 and lo not in deps[hi]:  # keep chains realistic, not one giant fan-in
            deps[hi].add(lo)
            placed += 1
    lines = ["version: 1", "issues:"]
    for n, ds in deps.items():
        lines.append(f"  - number: {n}")
        lines.append(f"    title: Issue {n}")
        if ds:
            lines.append(f"    depends_on: [{', '.join(map(str, sorted(ds)))}]")
    return "\n".join(lines) + "\n"


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    issues = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    edges = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "waves.yml")
        path.write_text(make_manifest(issues, edges))
        size = path.stat().st_size
        selection, read_s = timed(lambda: read_manifest(path))
        plan, plan_s = timed(lambda: build_plan(selection))
        _, json_s = timed(lambda: plan_to_json(plan))
    print(f"manifest: {issues:,} issues, {len(selection.edges):,} dependencies, {size / 1e6:.2f} MB")
    print(f"read (parse + validate + positions): {read_s:8.3f} s")
    print(f"plan (DAG + waves + critical path):  {plan_s:8.3f} s  ({plan_s / read_s:.1%} of read)")
    print(f"serialize plan.json + matrix:        {json_s:8.3f} s")
    print(f"waves: {plan.wave_count}, critical path: {len(plan.critical_path)} issues")


if __name__ == "__main__":
    main()
