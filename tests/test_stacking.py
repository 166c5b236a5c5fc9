"""Which stacked PRs form native stacks (pure), and their registration against the fake GitHub."""

from __future__ import annotations

from fakegithub.state import Pull, Stack
from test_local import make_plan

from lumina_wave.github.client import connect
from lumina_wave.github.stacks import register_stacks
from lumina_wave.plan import branch_name
from lumina_wave.results import new_record
from lumina_wave.stacking import StackPlan, plan_stacks


def records(plan, bases: dict[int, int | None], without_pr: tuple[int, ...] = ()) -> dict[int, dict]:
    """A record per issue: based on the branch of ``bases[n]`` (None: main), with PR 100 + n."""
    return {
        n: new_record(
            plan.plan_id,
            n,
            "success",
            branch_name(n),
            base=branch_name(on) if on else "main",
            pr_number=None if n in without_pr else 100 + n,
        )
        for n, on in bases.items()
    }


def test_a_line_a_fork_that_goes_on_and_a_diamond():
    # 1 -> 2 -> 3; 4 builds on 1 too, 5 on 4; 6 needs 3 and 5.
    plan = make_plan({1: [], 2: [1], 3: [2], 4: [1], 5: [4], 6: [3, 5]})
    got = plan_stacks(plan, records(plan, {1: None, 2: 1, 3: 2, 4: 1, 5: 4, 6: None}))
    assert got == StackPlan(
        chains=((1, 2, 3), (4, 5)),
        not_stacked=(
            (4, "#1 already has #2 on top in its stack"),
            (6, "depends on #3, #5: a stack is one line of PRs, so its PR is based on main"),
        ),
    )


def test_a_pr_based_on_a_dependency_without_a_pr_starts_nothing():
    plan = make_plan({1: [], 2: [1], 3: [2]})
    got = plan_stacks(plan, records(plan, {1: None, 2: 1, 3: 2}, without_pr=(1,)))
    assert got.chains == ((2, 3),) and got.not_stacked == ()
    assert plan_stacks(plan, records(plan, {1: None, 2: None, 3: None})) == StackPlan((), ())


def test_a_stack_holding_other_prs_is_left_alone_and_said(fake_github):
    plan = make_plan({1: [], 2: [1]})
    state = fake_github.state
    for n in (1, 2, 3):
        state.add_issue(100 + n, title=f"pr {n}")
    # Two PRs as the legs would have opened them, and a stack someone made by hand with another top.
    state.pulls[101] = Pull(101, 9001, "feature/issue-1", "main", "a" * 40, "b" * 40)
    state.pulls[102] = Pull(102, 9002, "feature/issue-2", "feature/issue-1", "c" * 40, "a" * 40)
    state.pulls[103] = Pull(103, 9003, "someone-else", "feature/issue-1", "d" * 40, "a" * 40)
    for n in (101, 102, 103):
        state.issues[n].is_pull = True
    state.stacks[7] = Stack(7, 9100, [101, 103], "2026-08-01T00:00:00Z")
    client = connect(state.full_name, "t", api_url=fake_github.api, seconds_between_writes=0)
    report = register_stacks(client, plan_stacks(plan, records(plan, {1: None, 2: 1})), {1: 101, 2: 102})
    assert report.stacks == () and report.unavailable is None
    assert report.not_stacked == tuple(
        (n, "not stacked: stack #7 holds #101 → #103, not #101 → #102: left as it is") for n in (1, 2)
    )
