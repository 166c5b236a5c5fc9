"""What the wave barrier costs on GitHub, and what legs that wait for their dependencies would.

A simulation, no GitHub. It draws thousands of random plans (5 to 200 issues, shapes from a
single chain through layered DAGs to wide fans, waves laid out by ``lumina_wave.plan.layout``),
gives every leg a log-normal agent time (median 10 minutes, long tail) plus a start-up cost per
job (runner, action image, checkout), and schedules each plan three ways:

- **waves** as ``wave.yml`` does today: a wave starts when every leg of the wave before ended,
  at most ``max-parallel`` legs of a wave at once, and a follow-up run (summarize, dispatch,
  plan) after every 10 waves;
- **as soon as possible**: a leg starts when its dependencies ended, with unlimited runners
  and under an account's concurrent-job cap;
- **waiting legs**: every leg is queued at once and holds its runner while it polls for its
  dependencies, under the cap; GitHub starts queued jobs in matrix order (``fifo``) or, across
  runs and with other workflows of the account competing, in no promised order (``any``).

Makespan excludes the plan and summarize jobs (common to all). The critical path is the
longest chain of agent times, so even unlimited runners show the start-up cost in the ratio.
Runner-minutes count the time a job holds a runner. A waiting design deadlocks when every
runner is held by a waiting leg whose dependencies cannot start; it starves when a leg that
could work sits queued while a runner is held by a waiting leg.

    .venv/bin/python benchmarks/barrier_loss.py [--plans 3000] [--seed 18] [--startup 1.0]
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lumina_wave.plan import GITHUB_MATRIX_LIMIT, layout, longest_chain

WAVE_SLOTS = 10  # wave.yml's wave-K jobs; a deeper plan continues in a follow-up run


@dataclass(frozen=True)
class Case:
    """One random plan: issues 1..n in dependency order, agent minutes, waves."""

    depends_on: dict[int, tuple[int, ...]]
    work: dict[int, float]
    waves: tuple[tuple[int, ...], ...]
    critical: float


@dataclass(frozen=True)
class Costs:
    """Minutes the platform adds: per job, per follow-up run, between polls, and the legs' limit."""

    startup: float
    follow_up: float
    poll: float
    timeout: float


@dataclass(frozen=True)
class Outcome:
    makespan: float  # math.inf when deadlocked
    runner_minutes: float
    waiting_minutes: float = 0.0
    deadlocked: bool = False
    starved: bool = False
    past_timeout: bool = False  # a leg's job ran past timeout-minutes only because it waited


def random_case(rng: random.Random, sigma: float) -> Case:
    """A random DAG: a log-uniform number of layers between 1 (independent issues) and n (a
    chain), layer sizes cut at random (so 2 layers can be one issue fanning out to all the rest,
    or all fanning in to one); each issue depends on one of the layer before and maybe on up to
    two more from any earlier layer."""
    n = rng.randint(5, 200)
    layers = max(1, min(n, round(math.exp(rng.uniform(0, math.log(n))))))
    cuts = sorted(rng.sample(range(1, n), layers - 1))
    bounds = list(zip([0, *cuts], [*cuts, n], strict=True))
    depends_on: dict[int, tuple[int, ...]] = {}
    for level, (lo, hi) in enumerate(bounds):
        for number in range(lo + 1, hi + 1):
            if level == 0:
                depends_on[number] = ()
                continue
            prev_lo, prev_hi = bounds[level - 1]
            deps = {rng.randint(prev_lo + 1, prev_hi)}
            for _ in range(rng.choice((0, 0, 1, 2))):
                deps.add(rng.randint(1, lo))
            depends_on[number] = tuple(sorted(deps))
    work = {number: rng.lognormvariate(math.log(10.0), sigma) for number in depends_on}
    order = list(depends_on)
    _, waves, _ = layout(order, depends_on, dict.fromkeys(order, 1), GITHUB_MATRIX_LIMIT)
    _, critical = longest_chain(order, depends_on, work)
    return Case(depends_on, work, waves, critical)


def waves(case: Case, costs: Costs, max_parallel: int) -> Outcome:
    """wave.yml: one matrix per wave, ``max-parallel`` legs at once in matrix order, a barrier
    between waves, a follow-up run after every ``WAVE_SLOTS`` waves."""
    clock = 0.0
    for index, wave in enumerate(case.waves):
        if index and index % WAVE_SLOTS == 0:
            clock += costs.follow_up
        free = [clock] * min(max_parallel, len(wave))
        for number in wave:
            start = heapq.heappop(free)
            heapq.heappush(free, start + costs.startup + case.work[number])
        clock = max(free)
    held = sum(costs.startup + w for w in case.work.values())
    return Outcome(clock, held)


def asap(case: Case, costs: Costs, cap: int | None) -> Outcome:
    """A leg is queued when its dependencies end and starts when a runner is free (``cap``
    runners, unlimited when None), oldest queued first."""
    remaining = {n: len(deps) for n, deps in case.depends_on.items()}
    dependents = _dependents(case)
    queue = [(0.0, n) for n, left in remaining.items() if not left]  # (queued at, issue)
    heapq.heapify(queue)
    running: list[tuple[float, int]] = []  # (ends at, issue)
    clock = 0.0
    while queue or running:
        while queue and (cap is None or len(running) < cap):  # everything queued is due
            _, n = heapq.heappop(queue)
            heapq.heappush(running, (clock + costs.startup + case.work[n], n))
        clock, n = heapq.heappop(running)
        for m in dependents[n]:
            remaining[m] -= 1
            if not remaining[m]:
                heapq.heappush(queue, (clock, m))
    held = sum(costs.startup + w for w in case.work.values())
    return Outcome(clock, held)


def waiting(case: Case, costs: Costs, cap: int, pick: Callable[[list[int]], int]) -> Outcome:
    """Every leg queued at once; ``pick`` chooses which queued leg the next free runner takes. A
    started leg holds its runner through start-up, then polls every ``costs.poll`` minutes until
    its dependencies ended, then works."""
    remaining = {n: len(deps) for n, deps in case.depends_on.items()}
    dependents = _dependents(case)
    queued = list(case.depends_on)  # matrix order: dependency order
    events: list[tuple[float, int, int]] = []  # (time, kind, issue): 0 started up, 1 ended
    started: dict[int, float] = {}
    waiting_legs: dict[int, float] = {}  # issue -> when it began waiting
    queued_ready = sum(1 for n in queued if not remaining[n])
    clock, waited, starved, past_timeout, ended = 0.0, 0.0, False, False, 0

    def dispatch() -> None:
        nonlocal queued_ready
        while queued and len(started) - ended < cap:
            n = queued.pop(pick(queued))
            queued_ready -= not remaining[n]
            started[n] = clock
            heapq.heappush(events, (clock + costs.startup, 0, n))

    def work(n: int, at: float) -> None:
        nonlocal past_timeout
        heapq.heappush(events, (at + case.work[n], 1, n))
        if at + case.work[n] - started[n] > costs.timeout >= costs.startup + case.work[n]:
            past_timeout = True

    dispatch()
    while events:
        clock, kind, n = heapq.heappop(events)
        if kind == 0:
            if remaining[n]:
                waiting_legs[n] = clock
            else:
                work(n, clock)
        else:
            ended += 1
            for m in dependents[n]:
                remaining[m] -= 1
                if remaining[m]:
                    continue
                if m in waiting_legs:  # noticed at its next poll
                    since = waiting_legs.pop(m)
                    at = since + math.ceil((clock - since) / costs.poll) * costs.poll
                    waited += at - since
                    work(m, at)
                elif m not in started:
                    queued_ready += 1
            dispatch()
        starved |= bool(queued_ready and waiting_legs)
    held = sum(costs.startup + w for w in case.work.values()) + waited
    if queued or waiting_legs:  # no event left to free a runner: held until timeout-minutes
        return Outcome(math.inf, math.inf, math.inf, deadlocked=True, starved=starved)
    return Outcome(clock, held, waited, starved=starved, past_timeout=past_timeout)


def _dependents(case: Case) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {n: [] for n in case.depends_on}
    for n, deps in case.depends_on.items():
        for d in deps:
            out[d].append(n)
    return out


def schedulers(costs: Costs, rng: random.Random) -> dict[str, Callable[[Case], Outcome]]:
    """The designs compared, by the row name the table prints."""
    fifo: Callable[[list[int]], int] = lambda queued: 0  # noqa: E731
    anyone: Callable[[list[int]], int] = lambda queued: rng.randrange(len(queued))  # noqa: E731
    return {
        "waves, max-parallel 4 (default)": lambda c: waves(c, costs, 4),
        "waves, max-parallel 20": lambda c: waves(c, costs, 20),
        "waves, max-parallel 60": lambda c: waves(c, costs, 60),
        "asap, unlimited runners": lambda c: asap(c, costs, None),
        "asap, cap 20": lambda c: asap(c, costs, 20),
        "asap, cap 60": lambda c: asap(c, costs, 60),
        "waiting legs, cap 20, fifo": lambda c: waiting(c, costs, 20, fifo),
        "waiting legs, cap 20, any order": lambda c: waiting(c, costs, 20, anyone),
        "waiting legs, cap 60, fifo": lambda c: waiting(c, costs, 60, fifo),
        "waiting legs, cap 60, any order": lambda c: waiting(c, costs, 60, anyone),
    }


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by the nearest rank (infinite values sort last)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def fmt(value: float, spec: str) -> str:
    return "inf" if math.isinf(value) else format(value, spec)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table, columns padded to their widest cell, numbers right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    lines.append(
        "|" + "|".join("-" * (w + 1) + ":" if i else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    )
    for row in rows:
        cells = [
            c.ljust(w) if not i else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def design_row(name: str, results: Sequence[Outcome], cases: Sequence[Case]) -> list[str]:
    """One row of the main table: the quantiles and rates of one design over all plans."""
    ratios = [r.makespan / c.critical for r, c in zip(results, cases, strict=True)]
    per_issue = [r.runner_minutes / len(c.work) for r, c in zip(results, cases, strict=True)]
    share = [r.waiting_minutes / r.runner_minutes if r.runner_minutes < math.inf else 1.0 for r in results]

    def rate(key: str) -> str:
        return f"{sum(getattr(r, key) for r in results) / len(results):.1%}"

    return [
        name,
        fmt(quantile(ratios, 0.5), ".2f"),
        fmt(quantile(ratios, 0.9), ".2f"),
        fmt(quantile(per_issue, 0.5), ".1f"),
        fmt(quantile(per_issue, 0.9), ".1f"),
        f"{quantile(share, 0.5):.0%}",
        rate("deadlocked"),
        rate("starved"),
        rate("past_timeout"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=3000, help="random plans (default 3000, ~20 s)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--sigma", type=float, default=0.8, help="log-normal sigma of agent minutes")
    parser.add_argument("--startup", type=float, default=1.0, help="minutes a job spends before its work")
    parser.add_argument("--follow-up", type=float, default=3.0, help="minutes per follow-up run")
    parser.add_argument("--poll", type=float, default=0.5, help="minutes between a waiting leg's polls")
    parser.add_argument("--timeout", type=float, default=60.0, help="a leg's timeout-minutes")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rng = random.Random(args.seed)
    costs = Costs(args.startup, args.follow_up, args.poll, args.timeout)
    cases = [random_case(rng, args.sigma) for _ in range(args.plans)]
    designs = schedulers(costs, random.Random(args.seed + 1))
    outcomes = {name: [run(c) for c in cases] for name, run in designs.items()}

    sizes = [len(c.work) for c in cases]
    depths = [len(c.waves) for c in cases]
    print(
        f"{args.plans} plans (seed {args.seed}): {min(sizes)}-{max(sizes)} issues (median"
        f" {statistics.median(sizes):.0f}), {min(depths)}-{max(depths)} waves (median"
        f" {statistics.median(depths):.0f}); agent minutes log-normal, median 10, sigma {args.sigma};"
        f" start-up {args.startup} min/job, follow-up run {args.follow_up} min, poll {args.poll} min"
    )
    header = ["design", "makespan/critical p50", "p90", "runner-min/issue p50", "p90",
              "waiting share p50", "deadlock", "starved", "past timeout"]  # fmt: skip
    print("\n" + table(header, [design_row(name, results, cases) for name, results in outcomes.items()]))

    print("\nmedian makespan/critical by the plan's wave count:")
    buckets = {"1": (1, 1), "2-3": (2, 3), "4-10": (4, 10), "11+": (11, math.inf)}
    columns = ("waves, max-parallel 20", "asap, cap 20", "waves, max-parallel 60", "asap, cap 60")
    rows = []
    for label, (lo, hi) in buckets.items():
        picked = [i for i, c in enumerate(cases) if lo <= len(c.waves) <= hi]
        if picked:
            cells = [
                statistics.median(outcomes[d][i].makespan / cases[i].critical for i in picked)
                for d in columns
            ]
            rows.append([label, str(len(picked)), *(f"{v:.2f}" for v in cells)])
    print(table(["waves", "plans", *columns], rows))
    print(f"\n{time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
