#!/usr/bin/env python3
"""Start-up of the action's entry point per command, against a bare interpreter as the floor.

Each command runs to its exit on tiny inputs (the three-issue LuminaGuard plan, a local bare
``origin``, no token: no GitHub call), so the time is the start-up plus a few milliseconds of
work. For every command it prints the median of N runs to the first byte on stdout or stderr
(what the step's log shows first) and to the exit, next to the floor run the same way: a bare
``python -c pass`` for the exit, and ``python -c print()`` for the first output (``pass`` prints
nothing, and a container's output ends only after podman has removed it):

- on this machine's interpreter;
- when podman and the image exist, from container start, as the runner starts a Docker action
  step: one ``podman run`` per run, the workspace mounted, inputs as ``INPUT_*``;
- inside one container of the image: the interpreter's start alone, without the container's;
- the image's size, and the time to move it: ``podman save`` to an archive, then ``podman load``
  of it into an empty store (what a runner without the image's layers unpacks when it pulls).

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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

FLAGS = ["-I", "-B", "-u", "-X", "utf8"]  # the image's ENTRYPOINT flags
IMAGE_PYTHON, IMAGE_ENTRYPOINT = "/app/venv/bin/python", "/app/entrypoint.py"
MANIFEST = """version: 1
issues:
  - {number: 152, title: Cross-Platform VM Research}
  - {number: 154, title: Hypervisor Abstraction Layer}
  - {number: 155, title: macOS Virtualization.framework Backend, depends_on: [154]}
"""
BARE, BARE_PRINT = "bare python -c pass", "bare python -c print()"

# How a command line is started: (argv, env, cwd) -> the argv that runs it.
Launch = Callable[[list[str], dict[str, str], Path], list[str]]


def direct(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    return argv


def in_container(podman: str, image: str, root: Path) -> Launch:
    """Each run in a new container of ``image``: ``root`` mounted at the same path, the
    variables the command reads passed as ``-e``, no network (no command here uses it)."""

    def launch(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
        passed = [f"--env={k}={v}" for k, v in env.items() if k.startswith(("INPUT_", "GITHUB_", "RUNNER_"))]
        return [podman, "run", "--rm", "--network=none", f"--volume={root}:{root}", f"--workdir={cwd}",
                *passed, f"--entrypoint={argv[0]}", image, *argv[1:]]  # fmt: skip

    return launch


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


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds to the first byte of output (stdout and stderr together, as the log has them)
    and to the exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = os.read(proc.stdout.fileno(), 1)
    first_at = time.perf_counter() - start
    rest = proc.stdout.read()
    proc.wait()
    exit_at = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed ({proc.returncode}):\n{(first + rest).decode(errors='replace')}")
    return first_at, exit_at


def medians_ms(
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    runs: int,
    launch: Launch,
    reset: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Median milliseconds to the first output and to the exit over ``runs`` runs."""
    firsts, exits = [], []
    for _ in range(runs):
        if reset is not None:
            reset()
        first, done = timed(launch(argv, env, cwd), env, cwd)
        firsts.append(first)
        exits.append(done)
    return statistics.median(firsts) * 1000, statistics.median(exits) * 1000


def measure(
    python: str, entrypoint: str, runs: int, launch: Launch = direct, root: Path | None = None
) -> dict[str, tuple[float, float]]:
    """Median (first output, exit) milliseconds of ``python -c pass`` and of each command."""
    root = root or Path(tempfile.mkdtemp(prefix="lw-startup-"))
    try:
        ws = workspace(root)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
        base |= {"GITHUB_WORKSPACE": str(ws), "RUNNER_TEMP": str(root / "temp"), "INPUT_GITHUB-TOKEN": ""}
        run = [python, *FLAGS, entrypoint]
        out = {BARE: medians_ms([python, *FLAGS, "-c", "pass"], base, ws, runs, launch)}
        out[BARE_PRINT] = medians_ms([python, *FLAGS, "-c", "print()"], base, ws, runs, launch)
        plan = {**base, "INPUT_COMMAND": "plan", "INPUT_MANIFEST": "waves.yml", "GITHUB_WORKSPACE": str(root)}
        out["plan (manifest)"] = medians_ms(run, plan, root, runs, launch)
        lw = ws / ".lumina-wave"
        lw.mkdir()
        shutil.copy(root / ".lumina-wave" / "plan.json", lw / "plan.json")
        leg = {**base, "INPUT_ISSUE": "152", "INPUT_PLAN-FILE": ".lumina-wave/plan.json"}
        prepare = {**leg, "INPUT_COMMAND": "prepare"}

        def fresh_leg() -> None:
            git(ws, "checkout", "-q", "-f", "main")
            shutil.rmtree(lw / "results", ignore_errors=True)
            subprocess.run(launch(run, prepare, ws), env=prepare, cwd=ws, capture_output=True, check=True)
            (ws / "work.txt").write_text(str(time.time()))

        out["prepare"] = medians_ms(run, prepare, ws, runs, launch)
        collect = {**leg, "INPUT_COMMAND": "collect", "INPUT_AGENT-OUTCOME": "success"}
        out["collect (commit, bundle)"] = medians_ms(run, collect, ws, runs, launch, reset=fresh_leg)
        out["summarize"] = medians_ms(run, {**base, "INPUT_COMMAND": "summarize"}, ws, runs, launch)
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(title: str, figures: Mapping[str, Sequence[float]]) -> None:
    """One table: per row, (first output, exit) milliseconds and their ratios to the floors."""
    first_floor, exit_floor = figures[BARE_PRINT][0], figures[BARE][1]
    print(f"\n{title}")
    print(f"  {'':<24} {'first output':>12} {'x bare':>7} {'exit':>10} {'x bare':>7}")
    for name, (first, done) in figures.items():
        print(
            f"  {name:<24} {first:9.1f} ms {first / first_floor:6.1f}x {done:7.1f} ms {done / exit_floor:6.1f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="runs per command (median)")
    parser.add_argument("--image", default="lumina-wave:ci")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # in the image: print the figures as JSON for the host
        print(json.dumps(measure(IMAGE_PYTHON, IMAGE_ENTRYPOINT, args.n)))
        return 0
    print(f"median of {args.n} runs; 'x bare' divides by the bare interpreter's time, run the same way")
    root = Path(__file__).resolve().parent.parent
    report(
        f"host ({sys.executable}): interpreter start",
        measure(sys.executable, str(root / "entrypoint.py"), args.n),
    )
    podman = shutil.which("podman")
    exists = podman and subprocess.run([podman, "image", "exists", args.image]).returncode == 0
    if not exists:
        print(
            f"\nimage {args.image}: not measured (no podman or no such image; build it with .ci/container-smoke)"
        )
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="lw-startup-"))
    report(
        f"image {args.image}: container start (one podman run each)",
        measure(IMAGE_PYTHON, IMAGE_ENTRYPOINT, args.n, in_container(podman, args.image, scratch), scratch),
    )
    here = Path(__file__).resolve()
    done = subprocess.run(
        [podman, "run", "--rm", "--network=none", f"--volume={here}:/bench.py:ro", f"--entrypoint={IMAGE_PYTHON}",
         args.image, "/bench.py", "--inside", "-n", str(args.n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report(f"image {args.image}: interpreter start (inside one container)", json.loads(done.stdout))
    size = subprocess.run(
        [podman, "image", "inspect", "--format", "{{.Size}}", args.image], capture_output=True, text=True
    ).stdout.strip()
    saved, archive, loaded = transfer(podman, args.image)
    print(f"\nimage {args.image}: size and transfer (one run each)")
    print(f"  image size                   {int(size) / 1e6:8.1f} MB")
    print(f"  saved archive                {archive / 1e6:8.1f} MB")
    print(f"  podman save                  {saved:8.2f} s")
    print(f"  podman load (an empty store) {loaded:8.2f} s  (a pull without the network)")
    return 0


def transfer(podman: str, image: str) -> tuple[float, int, float]:
    """Seconds to ``podman save`` the image, the archive's bytes, and seconds to ``podman load`` it
    into an empty store of its own, as a runner that has none of its layers unpacks a pull. The
    machine's store is left as it was."""
    scratch = Path(tempfile.mkdtemp(prefix="lw-image-"))
    try:
        archive = scratch / "image.tar"
        start = time.perf_counter()
        subprocess.run([podman, "save", "--quiet", "--output", str(archive), image], check=True)
        saved = time.perf_counter() - start
        store = [f"--root={scratch / 'root'}", f"--runroot={scratch / 'run'}"]
        start = time.perf_counter()
        subprocess.run(
            [podman, *store, "load", "--quiet", "--input", str(archive)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        loaded = time.perf_counter() - start
        subprocess.run([podman, *store, "rmi", "--all", "--force"], capture_output=True)
        return saved, archive.stat().st_size, loaded
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
