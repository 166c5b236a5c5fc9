"""What a leg's git work costs on a big repository, beside a bare depth-1 clone of the same repository.

Builds once, cached, a bare repository of 50,000 commits whose pack is over 300 MB (``git
fast-import`` of generated files: random bytes in base64, so neither zlib nor deltas shrink them;
4,000 files of about 9 kB at the tip, so a checkout of the tip is about 35 MB, as a mid-sized
project's). Each run then works on a copy of it (``git clone --bare --shared``, a bare ``origin``)
with a fake GitHub, and times, in the same run:

- a bare ``git clone --depth 1`` over file://, the floor of any checkout;
- a leg as ``wave.yml`` runs it, through the end-to-end driver (tests/e2e/driver.py): the
  checkout as the workflow configures it, ``prepare``, a one-file agent change, ``collect`` (the
  agent's change read as data into a bundle), each step a real process; for a plain leg (wave 1)
  and a leg stacked on it (wave 2, ``stack: true``);
- apart, the publisher's job that pushes that leg (its checkout as configured, ``publish``:
  the bundle checked, fetched, pushed, the PR opened on the fake), which runs after the legs.

A container step (prepare, collect, publish) is modelled as one fresh process of the action's
entry point on this machine's interpreter, as the driver runs it: what ``docker run`` adds to it
(and the image's pull) is measured by benchmarks/startup.py, not here. The image runs byte-code
compiled when it was built (Dockerfile: ``compileall``), so the package's byte-code is compiled
here once before the runs: with PYTHONDONTWRITEBYTECODE set, each step would compile every
module from source again, a cost no container step has.

Each timed clone and each wave starts after ``sync``, so that writing back the run before does
not land in it. Where the runs work (``--dir``) decides the floor: a depth-1 clone creates
4,000 files, which costs a disk far more than memory (``--dir /dev/shm``); what a leg adds to
its checkout is about the same in both.

    .venv/bin/python benchmarks/leg_overhead.py [--runs 3] [--cache DIR] [--dir DIR]

The first run builds the repository (a few minutes, about 1 GB of disk while it builds).
"""

from __future__ import annotations

import argparse
import base64
import compileall
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from e2e.driver import ENTRYPOINT, Inputs, Job, WaveRun, workflow_facts
from fakegithub import FakeGitHub, Repo

ROOT = Path(__file__).resolve().parents[1]
COMMITS = 50_000
FILES = 4_000  # the first FILES commits add one file each, the others rewrite one at random
BLOB = 6_600  # random bytes per file version: 8,900 characters of base64
MANIFEST = b"version: 1\nissues:\n  - {number: 1, title: One}\n  - {number: 2, title: Two, depends_on: [1]}\n"
VERSION = 1  # of the generator: a change makes a new cache entry
# A workflow_dispatch event as GitHub writes it: it names the default branch, so no job asks origin.
DISPATCH = {"inputs": {}, "ref": "refs/heads/main", "repository": {"default_branch": "main"}}


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lumina-wave-bench"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def build(target: Path) -> None:
    """The big repository at ``target`` (bare): written under a temporary name, then renamed."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    git(partial.parent, "init", "--quiet", "--bare", "--initial-branch=main", str(partial))
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=partial, stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    rng = random.Random(18)
    out = importer.stdin
    for i in range(COMMITS + 1):
        message = b"Add the wave manifest\n" if i == COMMITS else b"change %d\n" % i
        out.write(
            b"commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + i)
        )
        out.write(b"data %d\n%s" % (len(message), message))
        if i == COMMITS:
            out.write(b"M 100644 inline .github/waves.yml\ndata %d\n%s\n" % (len(MANIFEST), MANIFEST))
            continue
        n = i if i < FILES else rng.randrange(FILES)
        data = base64.encodebytes(rng.randbytes(BLOB))
        out.write(b"M 100644 inline src/d%02d/f%04d.txt\ndata %d\n%s\n" % (n % 50, n, len(data), data))
    out.write(b"done\n")
    out.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    partial.rename(target)


def repository(cache: Path) -> Path:
    target = cache / f"big-{COMMITS}-{FILES}-{BLOB}-v{VERSION}.git"
    if not target.is_dir():
        print(f"building {target} (once) ...", flush=True)
        start = time.perf_counter()
        build(target)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    return target


def pack_bytes(repo: Path) -> int:
    return sum(p.stat().st_size for p in (repo / "objects" / "pack").glob("*.pack"))


def bare_clone(origin: Path, dest: Path) -> float:
    os.sync()
    start = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", "--depth=1", origin.as_uri(), str(dest)], check=True)
    return time.perf_counter() - start


STEPS = ("checkout", "prepare", "agent", "collect", "other")  # the leg's job, step by step


@dataclass(frozen=True)
class Run:
    """One run's seconds: the bare clone, the leg's job (and the part of it after its checkout),
    the publisher's job of that leg, and the leg's job by :data:`STEPS` (other: the artifact
    steps and the driver's own work between steps)."""

    clone: float
    leg: float
    beyond_checkout: float
    publisher: float
    steps: dict[str, float]


def seconds(job: Job) -> float:
    assert job.finished is not None
    return (job.finished - job.started).total_seconds()


def wave(big: Path, root: Path, stack: bool, run_id: int) -> Run:
    """One run of the two-issue wave on a fresh copy of ``big``, the bare depth-1 clone timed just
    before it: leg 1 and its publisher (plain), or leg 2 and its publisher (stacked on leg 1)."""
    origin = root / f"origin-{run_id}.git"
    git(root, "clone", "--quiet", "--bare", "--shared", str(big), str(origin))
    floor = bare_clone(origin, root / f"bare-{run_id}")
    shutil.rmtree(root / f"bare-{run_id}")
    os.sync()
    with FakeGitHub(Repo(git_dir=origin)) as fake:
        for n, title in ((1, "One"), (2, "Two")):
            fake.state.add_issue(n, title=title)
        checked_out: dict[int, datetime] = {}
        run = WaveRun(
            fake,
            origin,
            root,
            inputs=Inputs(stack=stack),
            run_id=run_id,
            event=DISPATCH,
            after_checkout=lambda job, issue: checked_out.setdefault(issue, datetime.now(UTC)),
        )
        run.after_plan = lambda _run: os.sync()  # the plan job's checkout written back before the legs
        run.run(summarize=False)
        records = run.records()
        if {n: r["status"] for n, r in records.items()} != {1: "success", 2: "success"}:
            raise SystemExit(f"the wave failed:\n{run.transcript()}")
        if stack and records[2]["base"] != "feature/issue-1":
            raise SystemExit(f"leg 2 did not stack on leg 1:\n{run.transcript()}")
        issue = 2 if stack else 1  # issue N is the only leg of wave N
        leg = run.legs[issue].job
        assert leg.finished is not None
        after = (leg.finished - checked_out[issue]).total_seconds()
        steps = {"checkout": seconds(leg) - after}
        steps |= {name: leg.steps[name].seconds for name in ("prepare", "agent", "collect")}
        steps["other"] = seconds(leg) - sum(steps.values())
        timed = Run(floor, seconds(leg), after, seconds(run.publishers[issue]), steps)
    shutil.rmtree(root / f"run-{run_id}")
    shutil.rmtree(origin)
    return timed


def process_start(runs: int = 9) -> float:
    """Median seconds of one action process that starts and exits at once (bad input: exit 2)."""
    env = {**os.environ, "INPUT_COMMAND": "none"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each wave (median; default 3)")
    parser.add_argument(
        "--cache", type=Path, default=default_cache(), help="where the big repository is kept"
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the runs clone and work (default: the temporary folder)"
    )
    args = parser.parse_args()
    big = repository(args.cache)
    compileall.compile_dir(ROOT / "lumina_wave", quiet=1)  # as the image's build does
    commits = git(big, "rev-list", "--count", "main")
    print(f"repository: {big}\n  {int(commits):,} commits, pack {pack_bytes(big) / 1e6:.0f} MB")
    depths = workflow_facts().fetch_depth
    print(f"  checkout fetch-depth (wave.yml): leg {depths['wave-1']}, publisher {depths['publish-1']}")
    figures: dict[str, list[Run]] = {"plain leg": [], "stacked leg": []}
    with tempfile.TemporaryDirectory(prefix="lw-leg-", dir=args.dir) as tmp:
        kind = subprocess.run(["stat", "-f", "-c", "%T", tmp], capture_output=True, text=True).stdout.strip()
        print(f"  runs in {tmp} ({kind or 'unknown'} file system)")
        for i in range(args.runs):
            figures["plain leg"].append(wave(big, Path(tmp), stack=False, run_id=8000 + i))
            figures["stacked leg"].append(wave(big, Path(tmp), stack=True, run_id=9000 + i))
    print(f"\nmedian of {args.runs} runs; each leg beside a bare depth-1 clone timed in the same run")
    print("  (ratio: the median of the runs' ratios; the leg ends at collect, its publisher is a job")
    print("  of its own that runs after the wave's legs)")
    print("  (after checkout: the leg's time past its own checkout, the same clone as the floor)")
    print(
        f"  {'':<12} {'git clone --depth 1':>20} {'leg':>8} {'ratio':>7} {'after checkout':>15} {'publisher':>10}"
    )
    for name, runs in figures.items():
        floor = statistics.median(r.clone for r in runs)
        leg = statistics.median(r.leg for r in runs)
        ratio = statistics.median(r.leg / r.clone for r in runs)
        after = statistics.median(r.beyond_checkout for r in runs)
        publisher = statistics.median(r.publisher for r in runs)
        print(f"  {name:<12} {floor:18.2f} s {leg:6.2f} s {ratio:6.2f}x {after:13.2f} s {publisher:8.2f} s")
        each = ", ".join(f"{r.leg:.2f}/{r.clone:.2f}/{r.beyond_checkout:.2f}/{r.publisher:.2f}" for r in runs)
        print(f"  {'':<12} each run (leg/clone/after checkout/publisher, s): {each}")
    print(
        "\nthe leg's job by step (median of the runs, s; other: artifact steps and the driver between steps)"
    )
    print(f"  {'':<12} " + " ".join(f"{step:>9}" for step in STEPS))
    for name, runs in figures.items():
        medians = (statistics.median(r.steps[step] for r in runs) for step in STEPS)
        print(f"  {name:<12} " + " ".join(f"{value:9.3f}" for value in medians))
    print(f"\none action process (start and exit, as a container step is modelled): {process_start():.3f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
