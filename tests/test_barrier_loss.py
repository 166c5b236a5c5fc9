"""The scheduling simulation of benchmarks/barrier_loss.py, on plans small enough to work by hand."""

from __future__ import annotations

import math
import random
from pathlib import Path

from script_module import load_script

sim = load_script(Path(__file__).resolve().parent.parent / "benchmarks" / "barrier_loss.py")

COSTS = sim.Costs(startup=1.0, follow_up=3.0, poll=0.5, timeout=60.0)
FIFO, LAST = (lambda queued: 0), (lambda queued: len(queued) - 1)


def case(deps: dict[int, tuple[int, ...]], work: dict[int, float]) -> object:
    order = list(deps)
    _, waves, _ = sim.layout(order, deps, dict.fromkeys(order, 1))
    return sim.Case(deps, work, waves, sim.longest_chain(order, deps, work)[1])


# 1 -> {2, 3} -> 4 and 5 alone: waves (1, 5), (2, 3), (4,); the critical path 1-2-4 is 10+20+1.
DIAMOND = case({1: (), 2: (1,), 3: (1,), 4: (2, 3), 5: ()}, {1: 10, 2: 20, 3: 5, 4: 1, 5: 30})


def test_waves_wait_for_the_slowest_leg_of_the_wave_before():
    # wave 1 ends with 5 at 31; wave 2 at 31+21; wave 3 at 52+2.
    assert sim.waves(DIAMOND, COSTS, max_parallel=10).makespan == 54
    # max-parallel 1: the legs of a wave run one after the other.
    assert sim.waves(DIAMOND, COSTS, max_parallel=1).makespan == (11 + 31) + (21 + 6) + 2


def test_asap_starts_a_leg_when_its_dependencies_end():
    assert sim.asap(DIAMOND, COSTS, cap=None).makespan == 11 + 21 + 2
    # one runner: every leg in turn, never idle.
    assert sim.asap(DIAMOND, COSTS, cap=1).makespan == sum(DIAMOND.work.values()) + 5
    assert sim.asap(DIAMOND, COSTS, cap=None).runner_minutes == sum(DIAMOND.work.values()) + 5


def test_a_waiting_leg_holds_its_runner_until_its_next_poll():
    result = sim.waiting(DIAMOND, COSTS, cap=10, pick=FIFO)
    # 2 and 3 wait from 1 to 11 (a poll falls on 11); 4 waits from 1 until 2 ends at 31.
    assert result.makespan == 32
    assert result.waiting_minutes == 10 + 10 + 30
    assert result.runner_minutes == sum(DIAMOND.work.values()) + 5 + 50
    assert not result.deadlocked


def test_waiting_legs_started_out_of_order_can_hold_every_runner():
    chain = case({1: (), 2: (1,), 3: (2,)}, {1: 1, 2: 1, 3: 1})
    assert sim.waiting(chain, COSTS, cap=1, pick=LAST).deadlocked
    assert sim.waiting(chain, COSTS, cap=2, pick=LAST).deadlocked  # 3 and 2 wait for 1
    assert sim.waiting(chain, COSTS, cap=3, pick=LAST).makespan == 4
    assert sim.waiting(chain, COSTS, cap=1, pick=FIFO).makespan == 6


def test_starved_when_a_ready_leg_queues_behind_a_waiting_one():
    # two runners: 1 (long) and 2 start; when 2 ends its runner goes to 3, which waits for 1,
    # while 4 could work.
    plan = case({1: (), 2: (), 3: (1,), 4: ()}, {1: 10, 2: 1, 3: 1, 4: 1})
    result = sim.waiting(plan, COSTS, cap=2, pick=FIFO)
    assert result.starved and not result.deadlocked
    assert not sim.waiting(plan, COSTS, cap=4, pick=FIFO).starved


def test_random_plans_are_dags_of_5_to_200_issues_laid_out_in_waves():
    rng = random.Random(1)
    for _ in range(50):
        plan = sim.random_case(rng, 0.8)
        assert 5 <= len(plan.work) <= 200
        assert all(d < n for n, deps in plan.depends_on.items() for d in deps)
        assert sorted(n for wave in plan.waves for n in wave) == sorted(plan.work)
        assert 0 < plan.critical <= sum(plan.work.values())
        assert sim.asap(plan, COSTS, None).makespan >= plan.critical
        assert sim.waves(plan, COSTS, 256).makespan >= sim.asap(plan, COSTS, None).makespan - 1e-9
        assert not sim.waiting(plan, COSTS, 20, FIFO).deadlocked
        assert math.isfinite(sim.waiting(plan, COSTS, 60, FIFO).makespan)
