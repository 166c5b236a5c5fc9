"""Outputs and the step summary within GitHub's limits at the largest scale lumina-wave runs,
measured as GitHub measures them (lumina_wave/limits.py): job outputs in UTF-16 code units,
the step summary in UTF-8 bytes. Through ``entrypoint.py`` as the runner starts it.

``pytest -s`` prints the measured figures (docs/limits.md quotes them).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from file_commands import run_entrypoint_in

from lumina_wave.limits import (
    JOB_OUTPUTS_LIMIT,
    OUTPUT_BUDGET,
    STEP_SUMMARY_LIMIT,
    output_units,
    utf8_bytes,
    utf16_units,
)
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import branch_name, build_plan, plan_to_json
from lumina_wave.results import new_record
from lumina_wave.store import write_result

ROOT = Path(__file__).resolve().parent.parent
SLOTS, WIDTH = 10, 256  # the reusable workflow's wave slots; GitHub's jobs per matrix
EMOJI_TITLE = "🚀" * 120  # 240 UTF-16 units, 480 UTF-8 bytes, a 1,440-unit escape in JSON output
LONG_ERROR = ("❌ assertion `left == right` failed in 🧪 test_vm_boot: " * 60)[:2500]


def run_entrypoint(workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    done, outputs = run_entrypoint_in(workspace, {"GITHUB_WORKSPACE": str(workspace)}, inputs, timeout=300)
    assert "Traceback" not in done.stdout + done.stderr
    return done, outputs


def report(what: str, outputs: dict[str, str], summary: Path) -> None:
    sizes = ", ".join(f"{name} {utf16_units(value):,}" for name, value in outputs.items())
    print(
        f"\n{what}: outputs {output_units(outputs):,} UTF-16 units ({sizes}); "
        f"step summary {utf8_bytes(summary.read_text(encoding='utf-8')):,} bytes"
    )


def wide_manifest(path: Path) -> None:
    """10 waves of 256 issues with 120-emoji titles; each issue after the first wave depends on
    the one 256 before it."""
    lines = ["version: 1", "issues:"]
    for n in range(1, SLOTS * WIDTH + 1):
        lines += [f"  - number: {n}", f'    title: "{EMOJI_TITLE}"']
        if n > WIDTH:
            lines.append(f"    depends_on: [{n - WIDTH}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_plan_outputs_of_10_waves_of_256_emoji_titles_fit(tmp_path):
    wide_manifest(tmp_path / "waves.yml")
    done, outputs = run_entrypoint(tmp_path, command="plan", manifest="waves.yml", max_waves=str(SLOTS))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    waves = json.loads(outputs["waves"])
    assert [len(w) for w in waves] == [WIDTH] * SLOTS
    assert waves[1][0] == {"issue": WIDTH + 1, "wave": 2}  # what wave.yml reads, nothing more
    report("plan, 10 x 256 issues, 120-emoji titles", outputs, tmp_path / "step-summary.md")
    assert output_units(outputs) <= OUTPUT_BUDGET < JOB_OUTPUTS_LIMIT
    assert utf8_bytes((tmp_path / "step-summary.md").read_text(encoding="utf-8")) <= STEP_SUMMARY_LIMIT
    plan = json.loads((tmp_path / ".lumina-wave" / "plan.json").read_text(encoding="utf-8"))
    assert {issue["title"] for issue in plan["issues"]} == {EMOJI_TITLE}  # the titles stay in plan.json


def test_the_widest_plan_fits_by_construction():
    """10,000 issues (a plan's most) of the largest 32-bit numbers: the plan step's two lists
    (the waves of one run's 10 slots, and every issue) stay under the budget."""
    first = 2**31 - 10_000
    items = [Item(n, title=EMOJI_TITLE) for n in range(first, 2**31)]
    edges = [Edge(n, n - WIDTH) for n in range(first + WIDTH, 2**31)]
    plan = build_plan(Selection("manifest:wide", items, edges))
    data = plan_to_json(plan)
    outputs = {
        "waves": json.dumps(data["waves"][:SLOTS], separators=(",", ":")),
        "issues": json.dumps([n for wave in plan.waves for n in wave], separators=(",", ":")),
    }
    print(f"\nwidest plan: waves + issues {output_units(outputs):,} UTF-16 units")
    assert output_units(outputs) <= OUTPUT_BUDGET


def test_summarize_outputs_of_300_failures_with_long_errors_fit(tmp_path):
    lines = ["version: 1", "issues:"] + [
        f'  - number: {n}\n    title: "{EMOJI_TITLE}"' for n in range(1, 301)
    ]
    (tmp_path / "waves.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done, planned = run_entrypoint(tmp_path, command="plan", manifest="waves.yml")
    assert done.returncode == 0, done.stdout[-2000:]
    for n in range(1, 301):
        record = new_record(
            planned["plan-id"],
            n,
            "failed",
            branch_name(n),
            started_at="2026-01-05T10:00:00Z",
            finished_at="2026-01-05T10:05:00Z",
            error=LONG_ERROR,
        )
        write_result(tmp_path / ".lumina-wave" / "results" / f"result-{n}", record)
    done, outputs = run_entrypoint(tmp_path, command="summarize")
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr
    report("summarize, 300 failures with 2.5 KB errors", outputs, tmp_path / "step-summary.md")
    assert output_units(outputs) <= OUTPUT_BUDGET
    assert utf8_bytes((tmp_path / "step-summary.md").read_text(encoding="utf-8")) <= STEP_SUMMARY_LIMIT
    fitted = json.loads(outputs["summary-json"])
    full = json.loads((tmp_path / ".lumina-wave" / "summary.json").read_text(encoding="utf-8"))
    # the failures stay, their errors cut to 300 characters; summary.json has them whole
    assert fitted["omitted"] == {"issues": 0, "errors": 300} and fitted["not_done"] == 300
    assert {len(i["error"]) for i in fitted["issues"]} == {300}
    assert len(full["issues"]) == 300 and {i["error"] for i in full["issues"]} == {LONG_ERROR}
    assert "summary.json has everything" in done.stdout
