"""The planner: items + edges in, a validated DAG with waves out. Pure, no I/O."""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from lumina_wave.errors import InputError, Origin, input_errors
from lumina_wave.model import MAX_ISSUES, Edge, Item, Selection

PLAN_VERSION = 1
GITHUB_MATRIX_LIMIT = 256


def branch_name(issue: int) -> str:
    """The branch every leg of ``issue`` works on."""
    return f"feature/issue-{issue}"


@dataclass(frozen=True)
class Plan:
    """A validated wave plan. ``depends_on`` lists only issues inside the plan."""

    items: dict[int, Item]
    depends_on: dict[int, tuple[int, ...]]
    wave_of: dict[int, int]
    waves: tuple[tuple[int, ...], ...]
    critical_path: tuple[int, ...]
    plan_id: str
    source: str
    base: str | None = None
    draft: bool = False
    external_done: tuple[int, ...] = ()
    max_jobs_per_wave: int = GITHUB_MATRIX_LIMIT
    works: tuple[int, ...] | None = None  # a retry run works only these (lumina_wave.reruns); None: all

    @property
    def wave_count(self) -> int:
        return len(self.waves)

    def dependents(self) -> dict[int, tuple[int, ...]]:
        """The reverse of ``depends_on``: who waits for each issue."""
        out: dict[int, list[int]] = {n: [] for n in self.items}
        for issue, deps in self.depends_on.items():
            for dep in deps:
                out[dep].append(issue)
        return {n: tuple(sorted(v)) for n, v in out.items()}


def build_plan(selection: Selection, max_jobs_per_wave: int = GITHUB_MATRIX_LIMIT) -> Plan:
    """Validate ``selection`` and place every item in the earliest wave it can run in.

    An item's wave is one more than its deepest dependency's, and at least its pin; a wave
    holds at most ``max_jobs_per_wave`` issues (one matrix job each), the rest wait for the
    next; waves left empty are dropped (see :func:`layout`). Raises :class:`InputError` naming
    every problem found (duplicates, bad dependencies, a cycle) and, where known, its origin.
    """
    if max_jobs_per_wave < 1:
        raise InputError(f"max-jobs-per-wave must be at least 1, got {max_jobs_per_wave}")
    problems: list[InputError] = []
    items = _unique_items(selection.items, problems)
    if len(items) > MAX_ISSUES:
        raise InputError(
            f"{selection.source} selects {len(items):,} issues; a plan holds at most {MAX_ISSUES:,}"
        )
    depends_on = _dependencies(items, selection.edges, selection.done, problems)
    try:
        order = _topological_order(items, depends_on, selection.edges)
    except InputError as cycle:
        problems.append(cycle)
    if problems:
        raise input_errors(problems)
    pins = {n: i.min_wave for n, i in items.items()}
    wave_of, waves, critical_path = layout(order, depends_on, pins, max_jobs_per_wave)

    external = tuple(sorted({e.depends_on for e in selection.edges} & selection.done - items.keys()))
    fingerprint: dict = {
        "issues": [[n, list(depends_on[n]), items[n].min_wave] for n in sorted(items)],
        "base": selection.base,
        "external_done": list(external),
    }
    if len(items) > max_jobs_per_wave:  # only then can the cap move an issue
        fingerprint["max_jobs_per_wave"] = max_jobs_per_wave
    digest = hashlib.sha256(json.dumps(fingerprint, separators=(",", ":")).encode()).hexdigest()
    return Plan(
        items=dict(sorted(items.items())),
        depends_on=dict(sorted(depends_on.items())),
        wave_of=wave_of,
        waves=waves,
        critical_path=critical_path,
        plan_id=digest[:12],
        source=selection.source,
        base=selection.base,
        draft=selection.draft,
        external_done=external,
        max_jobs_per_wave=max_jobs_per_wave,
    )


def layout(
    order: Iterable[int],
    depends_on: Mapping[int, tuple[int, ...]],
    min_wave: Mapping[int, int],
    width: int = GITHUB_MATRIX_LIMIT,
) -> tuple[dict[int, int], tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """The waves of a DAG: ``wave_of`` (sorted by issue), ``waves`` and the critical path.

    ``order`` lists every issue after its dependencies. An issue's wave is the earliest its
    dependencies, its pin (``min_wave``) and ``width`` allow: when more issues are ready than a
    wave holds, those with the longest chain of dependents go first (so the plan stays short)
    and the rest wait for the next wave. Then the waves no issue landed in are dropped and the
    rest renumbered 1, 2, …: a pin orders an issue after the others, an empty wave orders
    nothing (and an empty matrix is refused by GitHub). The critical path is the longest
    dependency chain, ties going to the smaller issue number.
    """
    order = list(order)
    dependents: dict[int, list[int]] = {n: [] for n in order}
    for n in order:
        for d in depends_on[n]:
            dependents[d].append(n)
    height: dict[int, int] = {}  # the longest chain from an issue through its dependents
    for n in reversed(order):
        height[n] = 1 + max((height[m] for m in dependents[n]), default=0)

    placed: dict[int, int] = {}
    unplaced_deps = {n: len(depends_on[n]) for n in order}
    waiting = [(min_wave[n], n) for n in order if not depends_on[n]]  # (earliest wave, issue)
    heapq.heapify(waiting)
    ready: list[tuple[int, int]] = []  # (-height, issue)
    wave = 0
    while waiting or ready:
        wave = wave + 1 if ready else max(wave + 1, waiting[0][0])
        while waiting and waiting[0][0] <= wave:
            n = heapq.heappop(waiting)[1]
            heapq.heappush(ready, (-height[n], n))
        for _ in range(min(width, len(ready))):
            n = heapq.heappop(ready)[1]
            placed[n] = wave
            for m in dependents[n]:
                unplaced_deps[m] -= 1
                if not unplaced_deps[m]:  # n was its last dependency, in the latest wave so far
                    heapq.heappush(waiting, (max(min_wave[m], wave + 1), m))

    number = {w: k for k, w in enumerate(sorted(set(placed.values())), start=1)}
    wave_of = {n: number[placed[n]] for n in sorted(placed)}
    buckets: list[list[int]] = [[] for _ in number]
    for n, wave in wave_of.items():
        buckets[wave - 1].append(n)

    critical, _ = longest_chain(order, depends_on)
    return wave_of, tuple(tuple(b) for b in buckets), critical


def longest_chain(
    order: Iterable[int],
    depends_on: Mapping[int, Sequence[int]],
    weight: Mapping[int, float] | None = None,
) -> tuple[tuple[int, ...], float]:
    """The dependency chain with the largest total ``weight`` (1 per issue when None), and that
    total. ``order`` lists every issue after its dependencies; ties go to smaller issue numbers."""
    total: dict[int, float] = {}
    prev: dict[int, int | None] = {}
    for n in order:
        dep = max(depends_on[n], key=lambda d: (total[d], -d), default=None)
        total[n] = (1 if weight is None else weight[n]) + (total[dep] if dep is not None else 0)
        prev[n] = dep
    cursor = max(total, key=lambda n: (total[n], -n), default=None)
    length = total[cursor] if cursor is not None else 0
    chain = []
    while cursor is not None:
        chain.append(cursor)
        cursor = prev[cursor]
    return tuple(reversed(chain)), length


def _unique_items(items: Iterable[Item], problems: list[InputError]) -> dict[int, Item]:
    """The items by number; a number listed again is a problem (its first listing is kept)."""
    seen: dict[int, Item] = {}
    for item in items:
        if item.number in seen:
            first = seen[item.number].origin
            where = f" (first listed at {first})" if first else ""
            problems.append(InputError(f"issue #{item.number} is listed twice{where}", item.origin))
        else:
            seen[item.number] = item
    return seen


def _dependencies(
    items: dict[int, Item], edges: Iterable[Edge], done: set[int], problems: list[InputError]
) -> dict[int, tuple[int, ...]]:
    """Each item's dependencies in the plan; a bad edge is a problem, and left out."""
    deps: dict[int, set[int]] = {n: set() for n in items}
    for edge in edges:
        if edge.issue not in items:
            problems.append(InputError(f"dependency of unknown issue #{edge.issue}", edge.origin))
        elif edge.issue == edge.depends_on:
            problems.append(InputError(f"issue #{edge.issue} depends on itself", edge.origin))
        elif edge.depends_on in items:
            deps[edge.issue].add(edge.depends_on)
        elif edge.depends_on not in done:
            problems.append(
                InputError(
                    f"issue #{edge.issue} depends on #{edge.depends_on}, which is not in the plan",
                    edge.origin,
                )
            )
    return {n: tuple(sorted(d)) for n, d in deps.items()}


def _topological_order(
    items: dict[int, Item], depends_on: dict[int, tuple[int, ...]], edges: Iterable[Edge]
) -> list[int]:
    sorter: TopologicalSorter[int] = TopologicalSorter()
    for n in sorted(items):
        sorter.add(n, *depends_on[n])
    try:
        return list(sorter.static_order())
    except CycleError as exc:
        # graphlib lists each node before the one that depends on it; print "depends on" order.
        cycle = list(reversed(exc.args[1]))
        origins = {(e.issue, e.depends_on): e.origin for e in edges}
        origin = origins.get((cycle[0], cycle[1]))
        path = " -> ".join(str(n) for n in cycle)
        raise InputError(f"dependency cycle: {path} (each depends on the next)", origin) from None


def matrix_waves(plan: Plan) -> list[list[dict]]:
    """Matrix entries per wave, for ``strategy.matrix.include``: one job per issue (a wave holds
    at most ``plan.max_jobs_per_wave`` issues, GitHub's matrix at most 256 jobs).

    An entry carries only what the workflow reads (``matrix.issue``, ``matrix.wave``): the
    ``waves`` output shares GitHub's 1 MB of job outputs, and titles (an emoji is two UTF-16
    units of it) live in plan.json. 10,000 issues take at most ~340,000 units this way.
    """
    return [[{"issue": n, "wave": plan.wave_of[n]} for n in wave] for wave in plan.waves]


def plan_to_json(plan: Plan) -> dict:
    """The serialized plan (plan.json); everything downstream reads only this."""
    return {
        "version": PLAN_VERSION,
        "plan_id": plan.plan_id,
        "source": plan.source,
        "base": plan.base,
        "draft": plan.draft,
        "max_jobs_per_wave": plan.max_jobs_per_wave,
        "wave_count": plan.wave_count,
        "critical_path": list(plan.critical_path),
        "external_done": list(plan.external_done),
        "issues": [
            {
                "issue": n,
                "title": item.title,
                "kind": item.kind,
                "body": item.body,
                "url": item.url,
                "wave": plan.wave_of[n],
                "min_wave": item.min_wave,
                "depends_on": list(plan.depends_on[n]),
                "branch": branch_name(n),
            }
            for n, item in plan.items.items()
        ],
        "waves": matrix_waves(plan),
    } | ({"works": list(plan.works)} if plan.works is not None else {})


def plan_digest(raw: bytes) -> str:
    """The digest of a plan.json file as the plan job outputs it (``plan-digest``)."""
    return hashlib.sha256(raw).hexdigest()


def plan_from_json(data: dict, origin: str = "plan.json") -> Plan:
    """Rebuild a :class:`Plan` from :func:`plan_to_json` output, validated against its schema.

    The waves and the critical path follow from the dependencies and pins: a file whose
    recorded ones do not (edited, or written by something else) is refused, not trusted.
    """
    from lumina_wave.schemas import validate

    validate(data, "plan", origin)
    items: dict[int, Item] = {}
    for e in data["issues"]:
        if e["issue"] in items:
            raise InputError(f"invalid plan: issue #{e['issue']} is listed twice", Origin(origin))
        items[e["issue"]] = Item(
            number=e["issue"],
            title=e["title"],
            kind=e["kind"],
            body=e["body"],
            url=e["url"],
            min_wave=e["min_wave"],
        )
    depends_on = {e["issue"]: tuple(e["depends_on"]) for e in data["issues"]}
    for n, deps in depends_on.items():
        for d in deps:
            if d not in items:
                raise InputError(
                    f"invalid plan: issue #{n} depends on #{d}, which is not in the plan", Origin(origin)
                )
    try:
        order = _topological_order(items, depends_on, ())
    except InputError as exc:
        raise InputError(f"invalid plan: {exc.message}", Origin(origin)) from None
    pins = {n: i.min_wave for n, i in items.items()}
    wave_of, waves, critical_path = layout(order, depends_on, pins, data["max_jobs_per_wave"])
    for e in data["issues"]:
        if e["wave"] != wave_of[e["issue"]]:
            raise InputError(
                f"invalid plan: issue #{e['issue']} is in wave {e['wave']}, but its dependencies,"
                f" pin and max_jobs_per_wave place it in wave {wave_of[e['issue']]}",
                Origin(origin),
            )
    if data["wave_count"] != len(waves):
        raise InputError(
            f"invalid plan: wave_count is {data['wave_count']}, but the issues are in {len(waves)} waves",
            Origin(origin),
        )
    if tuple(data["critical_path"]) != critical_path:
        raise InputError("invalid plan: critical_path does not match the dependencies", Origin(origin))
    works = data.get("works")
    if works is not None and not set(works) <= set(items):
        raise InputError("invalid plan: works lists an issue that is not in the plan", Origin(origin))
    return Plan(
        items=items,
        depends_on=depends_on,
        wave_of=wave_of,
        waves=waves,
        critical_path=critical_path,
        plan_id=data["plan_id"],
        source=data["source"],
        base=data["base"],
        draft=data["draft"],
        external_done=tuple(data["external_done"]),
        max_jobs_per_wave=data["max_jobs_per_wave"],
        works=tuple(works) if works is not None else None,
    )
