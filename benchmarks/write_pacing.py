"""Writes paced under GitHub's secondary limits: the widest wave's publishing and a 600-PR summarize.

Both run against the fake GitHub's secondary limit (80 writes a minute, 500 an hour) on a virtual
clock (``LUMINA_WAVE_VIRTUAL_CLOCK``), so an hour of pacing takes seconds; the write gap of
PyGithub (1 s in production) is off. Prints, for each: requests, writes, writes refused by the
limit, the busiest minute, the virtual wall time (what the pacer made the job wait) and the real
one, plus the API calls the progress comment adds per wave and home target.

    .venv/bin/python benchmarks/write_pacing.py [--issues 256] [--prs 600]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pacing_scenarios import Load, publish_wide_wave, summarize_wide_run, unlabelled


def line(name: str, load: Load) -> str:
    return (
        f"{name:<38} {load.requests:6d} requests  {load.writes:4d} writes  {load.refused:2d} refused  "
        f"busiest minute {load.peak_minute:3d}  virtual {load.virtual_seconds:7.1f} s  real {load.real_seconds:5.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=256, help="issues (PRs) of the published wave")
    parser.add_argument("--prs", type=int, default=600, help="PRs of the summarized run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "publish").mkdir()
        load, fake = publish_wide_wave(root / "publish", args.issues)
        prs = len(fake.state.pulls)
        print(line(f"publish, {args.issues} issues, pr-labels", load))
        print(
            f"  {prs} PRs, {prs - len({p.head for p in fake.state.pulls.values()})} duplicates, "
            f"{unlabelled(fake)} left unlabelled (the hour's budget)"
        )
        print(
            f"  progress comment after the wave: {load.progress_requests} requests per home target "
            "(list its comments, edit it; GET /user once per process)"
        )
        for ledger in (0, 470):
            (root / f"summarize-{ledger}").mkdir()
            load, fake = summarize_wide_run(root / f"summarize-{ledger}", args.prs, ledger)
            targets = [c.issue_number for c in fake.state.comments.values()]
            print(line(f"summarize, {args.prs} PRs, ledger {ledger}", load))
            print(
                f"  {len(targets)} comments (home + PR links), {len(targets) - len(set(targets))} duplicates"
            )


if __name__ == "__main__":
    main()
