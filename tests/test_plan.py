"""The planner: waves, pins, the width of a wave, critical path, plan id, and its errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumina_wave.errors import InputError, Origin
from lumina_wave.model import Edge, Item, Selection
from lumina_wave.plan import build_plan, matrix_waves, plan_from_json, plan_to_json
from lumina_wave.schemas import validate


def selection(deps: dict[int, list[int]], pins: dict[int, int] | None = None, **kw) -> Selection:
    pins = pins or {}
    return Selection(
        source="test",
        items=[Item(number=n, title=f"issue {n}", min_wave=pins.get(n, 1)) for n in deps],
        edges=[Edge(issue=n, depends_on=d) for n, ds in deps.items() for d in ds],
        **kw,
    )


def test_diamond_waves_and_critical_path():
    plan = build_plan(selection({1: [], 2: [1], 3: [1], 4: [2, 3], 5: []}))
    assert plan.waves == ((1, 5), (2, 3), (4,))
    assert plan.critical_path == (1, 2, 4)
    assert plan.dependents()[1] == (2, 3)


def test_pin_delays_an_item_and_its_dependents():
    plan = build_plan(selection({1: [], 2: [1], 3: []}, pins={1: 2}))
    assert plan.wave_of == {1: 2, 2: 3, 3: 1}
    assert plan.waves == ((3,), (1,), (2,))


def test_a_pin_past_the_other_waves_leaves_no_empty_wave():
    plan = build_plan(Selection("m", [Item(1, min_wave=3)]))
    assert (plan.waves, plan.wave_of, plan.wave_count) == (((1,),), {1: 1}, 1)
    assert matrix_waves(plan) == [[plan_to_json(plan)["waves"][0][0]]]
    plan = build_plan(selection({1: [], 2: [], 3: [2]}, pins={2: 3, 3: 6}))
    assert plan.waves == ((1,), (2,), (3,))


def test_closed_external_dependency_is_dropped_and_reported():
    plan = build_plan(selection({1: [99], 2: [1]}, done={99}))
    assert plan.depends_on == {1: (), 2: (1,)}
    assert plan.external_done == (99,)


def test_plan_id_is_stable_and_tracks_content():
    a = build_plan(selection({1: [], 2: [1]}))
    b = build_plan(selection({2: [1], 1: []}))
    c = build_plan(selection({1: [], 2: []}))
    d = build_plan(selection({1: [], 2: [1]}, base="develop"))
    assert a.plan_id == b.plan_id
    assert len({a.plan_id, c.plan_id, d.plan_id}) == 3


def test_titles_do_not_change_the_plan_id():
    plain = selection({1: []})
    retitled = Selection(source="test", items=[Item(number=1, title="new title")])
    assert build_plan(plain).plan_id == build_plan(retitled).plan_id


def test_empty_selection_plans_no_waves():
    plan = build_plan(Selection(source="test"))
    assert (plan.waves, plan.critical_path, plan.wave_count) == ((), (), 0)


@pytest.mark.parametrize(
    ("deps", "message"),
    [
        ({1: [1]}, "issue #1 depends on itself"),
        ({1: [2]}, "issue #1 depends on #2, which is not in the plan"),
        ({1: [3], 2: [1], 3: [2]}, "dependency cycle: 1 -> 3 -> 2 -> 1 (each depends on the next)"),
    ],
)
def test_errors(deps, message):
    with pytest.raises(InputError) as info:
        build_plan(selection(deps))
    assert str(info.value) == message


def test_cycle_error_carries_the_origin_of_its_first_edge():
    origin = Origin("waves.yml", 7, 18)
    sel = Selection(
        source="t",
        items=[Item(1), Item(2)],
        edges=[Edge(1, 2, origin), Edge(2, 1, Origin("waves.yml", 9, 18))],
    )
    with pytest.raises(InputError) as info:
        build_plan(sel)
    assert str(info.value) == "waves.yml:7:18: dependency cycle: 1 -> 2 -> 1 (each depends on the next)"


def test_duplicate_names_both_places():
    sel = Selection(
        source="t", items=[Item(5, origin=Origin("m.yml", 3, 5)), Item(5, origin=Origin("m.yml", 9, 5))]
    )
    with pytest.raises(
        InputError, match=r"^m\.yml:9:5: issue #5 is listed twice \(first listed at m\.yml:3:5\)$"
    ):
        build_plan(sel)


def test_edge_from_an_unknown_issue():
    with pytest.raises(InputError, match="dependency of unknown issue #7"):
        build_plan(Selection(source="t", items=[Item(1)], edges=[Edge(7, 1)]))


def test_plan_json_round_trip_is_valid():
    plan = build_plan(selection({1: [], 2: [1], 3: [1, 2]}, base="main", draft=True))
    data = json.loads(json.dumps(plan_to_json(plan)))
    validate(data, "plan", "plan.json")
    again = plan_from_json(data)
    assert (again.waves, again.depends_on, again.critical_path, again.plan_id) == (
        plan.waves,
        plan.depends_on,
        plan.critical_path,
        plan.plan_id,
    )
    assert data["waves"][1] == [{"issue": 2, "wave": 2}]


def test_plan_from_json_rejects_a_tampered_file():
    data = plan_to_json(build_plan(selection({1: []})))
    data["issues"][0]["issue"] = "one"
    with pytest.raises(InputError, match=r"^plan\.json: invalid plan: issues/0/issue: 'one' is not of type"):
        plan_from_json(data)


def _tampered(change) -> dict:
    data = json.loads(json.dumps(plan_to_json(build_plan(selection({1: [], 2: [1], 3: []})))))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["issues"][1].update(wave=1.0),
            "invalid plan: issues/1/wave: 1.0 is not of type 'integer'",
        ),
        (
            lambda d: d["issues"][1].update(wave=True),
            "invalid plan: issues/1/wave: True is not of type 'integer'",
        ),
        (
            lambda d: d["issues"][1].update(wave=3),
            "invalid plan: issue #2 is in wave 3, but its dependencies, pin and max_jobs_per_wave place it in wave 2",
        ),
        (
            lambda d: d["issues"][1].update(wave=1),
            "invalid plan: issue #2 is in wave 1, but its dependencies, pin and max_jobs_per_wave place it in wave 2",
        ),
        (
            lambda d: d["issues"][2].update(depends_on=[9]),
            "invalid plan: issue #3 depends on #9, which is not in the plan",
        ),
        (
            lambda d: d.update(wave_count=1),
            "invalid plan: wave_count is 1, but the issues are in 2 waves",
        ),
        (
            lambda d: d["issues"][0].update(depends_on=[2]),
            "invalid plan: dependency cycle: 1 -> 2 -> 1 (each depends on the next)",
        ),
        (
            lambda d: d["issues"].append(dict(d["issues"][2])),
            "invalid plan: issue #3 is listed twice",
        ),
        (
            lambda d: d.update(max_jobs_per_wave=1),
            "invalid plan: issue #3 is in wave 1, but its dependencies, pin and max_jobs_per_wave"
            " place it in wave 3",
        ),
        (
            lambda d: d.update(critical_path=[3, 9]),
            "invalid plan: critical_path does not match the dependencies",
        ),
    ],
)
def test_plan_from_json_refuses_waves_that_do_not_follow_from_the_dependencies(change, message):
    with pytest.raises(InputError) as info:
        plan_from_json(_tampered(change), "in/plan.json")
    assert (info.value.message, info.value.origin) == (message, Origin("in/plan.json"))


def test_matrix_entries_carry_only_what_the_workflow_reads_and_plan_keeps_the_rest():
    sel = Selection(source="t", items=[Item(1, title="x" * 500)])
    data = plan_to_json(build_plan(sel))
    assert data["waves"] == [[{"issue": 1, "wave": 1}]]
    assert data["issues"][0]["title"] == "x" * 500


def test_a_wave_holds_at_most_max_jobs_and_the_longest_chains_go_first():
    # 600 independent issues, and 601 -> 600 -> 599: the chain's head must not wait.
    deps = {n: [] for n in range(1, 600)} | {600: [599], 601: [600]}
    plan = build_plan(selection(deps), max_jobs_per_wave=256)
    assert [len(w) for w in plan.waves] == [256, 256, 89]
    assert (plan.wave_of[599], plan.wave_of[600], plan.wave_of[601]) == (1, 2, 3)
    assert plan.waves[0] == (*range(1, 256), 599)
    matrix = matrix_waves(plan)
    assert [[e["issue"] for e in w] for w in matrix] == [list(w) for w in plan.waves]
    assert plan_to_json(plan)["waves"] == matrix


def test_dependents_of_a_delayed_issue_move_with_it():
    plan = build_plan(selection({1: [], 2: [], 3: [], 4: [3]}, {3: 1}), max_jobs_per_wave=2)
    # 3 has a dependent, so it goes first; 2 waits for wave 2, with 4 beside it.
    assert plan.waves == ((1, 3), (2, 4))


def test_a_wave_at_the_limit_stays_whole_and_the_cap_keeps_the_plan_id():
    deps = {n: [] for n in range(1, 257)}
    plan = build_plan(selection(deps), max_jobs_per_wave=256)
    assert [len(w) for w in plan.waves] == [256]
    assert plan.plan_id == build_plan(selection(deps), max_jobs_per_wave=300).plan_id
    assert plan.plan_id != build_plan(selection(deps), max_jobs_per_wave=100).plan_id


def test_a_capped_plan_round_trips():
    plan = build_plan(selection({n: [] for n in range(1, 8)} | {8: [1]}), max_jobs_per_wave=3)
    again = plan_from_json(json.loads(json.dumps(plan_to_json(plan))))
    assert (again.waves, again.max_jobs_per_wave) == (plan.waves, 3)


def test_max_jobs_must_be_positive():
    with pytest.raises(InputError, match="max-jobs-per-wave must be at least 1, got 0"):
        build_plan(selection({1: []}), max_jobs_per_wave=0)


def test_a_selection_past_the_issue_limit_is_refused_before_planning():
    many = Selection(source="label:wave", items=[Item(n) for n in range(1, 10_002)])
    with pytest.raises(InputError, match="label:wave selects 10,001 issues; a plan holds at most 10,000"):
        build_plan(many)


@st.composite
def dags(draw):
    """Random DAGs: an edge only from a higher to a lower index, so no cycles; random pins."""
    size = draw(st.integers(min_value=1, max_value=40))
    numbers = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    deps = {
        n: sorted(set(draw(st.lists(st.sampled_from(numbers[:i]), max_size=4)))) if i else []
        for i, n in enumerate(numbers)
    }
    pins = draw(st.dictionaries(st.sampled_from(numbers), st.integers(1, 5), max_size=5))
    return deps, pins


@settings(max_examples=200, deadline=None)
@given(dags())
def test_every_wave_is_as_early_as_it_can_be_then_empty_waves_are_dropped(dag):
    deps, pins = dag
    plan = build_plan(selection(deps, pins))
    # The earliest wave dependencies and pins allow (numbers are listed dependencies-first) …
    earliest: dict[int, int] = {}
    for n, ds in deps.items():
        earliest[n] = max([pins.get(n, 1)] + [earliest[d] + 1 for d in ds])
    # … compressed: the waves no issue landed in are dropped, the order of the rest is kept.
    rank = {w: k for k, w in enumerate(sorted(set(earliest.values())), start=1)}
    assert plan.wave_of == {n: rank[earliest[n]] for n in deps}
    for n, ds in deps.items():
        assert all(plan.wave_of[d] < plan.wave_of[n] for d in ds)
    assert all(plan.waves) and plan.wave_count == len(rank)
    assert sorted(n for w in plan.waves for n in w) == sorted(deps)
    assert all(plan.wave_of[n] == k for k, w in enumerate(plan.waves, start=1) for n in w)
    # the critical path is a real dependency chain and as long as the deepest chain
    path = plan.critical_path
    assert all(path[i] in deps[path[i + 1]] for i in range(len(path) - 1))
    depth: dict[int, int] = {}
    for n in deps:
        depth[n] = 1 + max((depth[d] for d in deps[n]), default=0)
    assert len(path) == max(depth.values())


@settings(max_examples=200, deadline=None)
@given(dags(), st.integers(1, 6))
def test_a_capped_wave_is_full_unless_the_rest_must_wait(dag, width):
    deps, _ = dag
    plan = build_plan(selection(deps), max_jobs_per_wave=width)
    assert all(0 < len(w) <= width for w in plan.waves)
    assert sorted(n for w in plan.waves for n in w) == sorted(deps)
    for n, ds in deps.items():
        assert all(plan.wave_of[d] < plan.wave_of[n] for d in ds)
    # No issue waits while an earlier wave has room: it waits for a dependency in that wave or later.
    for k, wave in enumerate(plan.waves, start=1):
        if len(wave) < width:
            later = (n for n in deps if plan.wave_of[n] > k)
            assert all(any(plan.wave_of[d] >= k for d in deps[n]) for n in later)


def test_a_plan_file_cannot_claim_a_wider_matrix_than_github_runs():
    data = plan_to_json(build_plan(selection({1: []})))
    data["max_jobs_per_wave"] = 257
    with pytest.raises(InputError, match="max_jobs_per_wave: 257 is greater than the maximum of 256"):
        plan_from_json(data)
