#!/usr/bin/env python3
"""Start-up of the action's entry point per command, against a bare interpreter as the floor.

Each command runs to its exit on tiny inputs (the three-issue LuminaGuard plan, a local bare
``origin``, no token: no GitHub call), so the time is the start-up plus a few milliseconds of work.
Prints the median of N runs per command and of ``python -c pass`` with the same flags, on this
machine's interpreter and, when podman and the image exist, inside the image (the same script,
run there with the image's python: container creation is not counted, it is the same for every
command), with the image's size.

    .venv/bin/python benchmarks/startup.py [-n 15] [--image lumina-wave:ci]

Standard library only, so it runs inside the image as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = ["-I", "-B", "-u", "-X", "utf8"]  # the image's ENTRYPOINT flags
MANIFEST = """version: 1
issues:
  - {number: 152, title: Cross-Platform VM Research}
  - {number: 154, title: Hypervisor Abstraction Layer}
  - {number: 155, title: macOS Virtualization.framework Backend, depends_on: [154]}
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def workspace(root: Path) -> Path:
    """A clone of a bare ``origin`` with one commit on main, and the manifest beside it."""
    bare, ws = root / "origin.git", root / "ws"
    git(root, "init", "-q", "--bare", "-b", "main", str(bare))
    git(root, "clone", "-q", str(bare), str(ws))
    for key, value in (("user.name", "bench"), ("user.email", "bench@example.com")):
        git(ws, "config", key, value)
    (ws / "README.md").write_text("bench\n")
    git(ws, "add", ".")
    git(ws, "commit", "-q", "-m", "start")
    git(ws, "push", "-q", "origin", "main")
    (root / "waves.yml").write_text(MANIFEST)
    return ws


def median_ms(argv: list[str], env: dict[str, str], cwd: Path, runs: int, reset=None) -> float:
    times = []
    for _ in range(runs):
        if reset is not None:
            reset()
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{argv} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return statistics.median(times) * 1000


def measure(python: str, entrypoint: str, runs: int) -> dict[str, float]:
    """Median milliseconds of ``python -c pass`` and of each command of the entry point."""
    root = Path(tempfile.mkdtemp(prefix="lw-startup-"))
    try:
        ws = workspace(root)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
        base |= {"GITHUB_WORKSPACE": str(ws), "RUNNER_TEMP": str(root / "temp"), "INPUT_GITHUB-TOKEN": ""}
        run = [python, *FLAGS, entrypoint]
        out = {"bare python -c pass": median_ms([python, *FLAGS, "-c", "pass"], base, ws, runs)}
        plan = {**base, "INPUT_COMMAND": "plan", "INPUT_MANIFEST": "waves.yml"}
        plan["GITHUB_WORKSPACE"] = str(root)
        out["plan (manifest)"] = median_ms(run, plan, root, runs)
        lw = ws / ".lumina-wave"
        lw.mkdir()
        shutil.copy(root / ".lumina-wave" / "plan.json", lw / "plan.json")
        leg = {**base, "INPUT_ISSUE": "152", "INPUT_PLAN-FILE": ".lumina-wave/plan.json"}

        def fresh_leg() -> None:
            git(ws, "checkout", "-q", "-f", "main")
            shutil.rmtree(lw / "results", ignore_errors=True)
            subprocess.run(run, env={**leg, "INPUT_COMMAND": "prepare"}, cwd=ws, capture_output=True)
            (ws / "work.txt").write_text(str(time.time()))

        out["prepare"] = median_ms(run, {**leg, "INPUT_COMMAND": "prepare"}, ws, runs)
        finish = {**leg, "INPUT_COMMAND": "finish", "INPUT_AGENT-OUTCOME": "success"}
        out["finish (commit, push)"] = median_ms(run, finish, ws, runs, reset=fresh_leg)
        out["summarize"] = median_ms(run, {**base, "INPUT_COMMAND": "summarize"}, ws, runs)
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(title: str, figures: dict[str, float]) -> None:
    floor = figures["bare python -c pass"]
    print(f"\n{title}")
    for name, ms in figures.items():
        print(f"  {name:<24} {ms:7.1f} ms  {ms / floor:5.1f}x bare")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="runs per command (median)")
    parser.add_argument("--image", default="lumina-wave:ci")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # in the image: print the figures as JSON for the host
        print(json.dumps(measure("/app/venv/bin/python", "/app/entrypoint.py", args.n)))
        return 0
    root = Path(__file__).resolve().parent.parent
    report(
        f"host ({sys.executable}, median of {args.n})",
        measure(sys.executable, str(root / "entrypoint.py"), args.n),
    )
    podman = shutil.which("podman")
    exists = podman and subprocess.run([podman, "image", "exists", args.image]).returncode == 0
    if not exists:
        print(
            f"\nimage {args.image}: not measured (no podman or no such image; build it with .ci/container-smoke)"
        )
        return 0
    here = Path(__file__).resolve()
    done = subprocess.run(
        [podman, "run", "--rm", "--network", "none", "-v", f"{here}:/bench.py:ro", "--entrypoint",
         "/app/venv/bin/python", args.image, "/bench.py", "--inside", "-n", str(args.n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report(f"image {args.image} (inside the container, median of {args.n})", json.loads(done.stdout))
    size = subprocess.run(
        [podman, "image", "inspect", "--format", "{{.Size}}", args.image], capture_output=True, text=True
    ).stdout.strip()
    print(f"  image size               {int(size) / 1e6:7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
