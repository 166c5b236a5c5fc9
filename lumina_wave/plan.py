"""The planner: items + edges in, a validated DAG with waves out. Pure, no I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from lumina_wave.errors import InputError
from lumina_wave.model import Edge, Item, Selection

PLAN_VERSION = 1
GITHUB_MATRIX_LIMIT = 256
MATRIX_TITLE_LIMIT = 120


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


def build_plan(selection: Selection) -> Plan:
    """Validate ``selection`` and place every item in the earliest wave it can run in.

    An item's wave is one more than its deepest dependency's, and at least its pin.
    Raises :class:`InputError` naming the problem and, where known, its origin.
    """
    items = _unique_items(selection.items)
    depends_on = _dependencies(items, selection.edges, selection.done)
    order = _topological_order(items, depends_on, selection.edges)

    wave_of: dict[int, int] = {}
    chain_len: dict[int, int] = {}
    chain_prev: dict[int, int | None] = {}
    for n in order:
        deps = depends_on[n]
        wave_of[n] = max([items[n].min_wave] + [wave_of[d] + 1 for d in deps])
        # Longest chain ending at n; ties go to the smaller issue number for stability.
        best = max(deps, key=lambda d: (chain_len[d], -d), default=None)
        chain_len[n] = 1 + (chain_len[best] if best is not None else 0)
        chain_prev[n] = best

    wave_count = max(wave_of.values(), default=0)
    buckets: list[list[int]] = [[] for _ in range(wave_count)]
    for n in sorted(wave_of):
        buckets[wave_of[n] - 1].append(n)

    critical: list[int] = []
    cursor = max(chain_len, key=lambda n: (chain_len[n], -n), default=None)
    while cursor is not None:
        critical.append(cursor)
        cursor = chain_prev[cursor]
    critical.reverse()

    external = tuple(sorted({e.depends_on for e in selection.edges} & selection.done - items.keys()))
    fingerprint = {
        "issues": [[n, list(depends_on[n]), items[n].min_wave] for n in sorted(items)],
        "base": selection.base,
        "external_done": list(external),
    }
    digest = hashlib.sha256(json.dumps(fingerprint, separators=(",", ":")).encode()).hexdigest()
    return Plan(
        items=dict(sorted(items.items())),
        depends_on=dict(sorted(depends_on.items())),
        wave_of=dict(sorted(wave_of.items())),
        waves=tuple(tuple(b) for b in buckets),
        critical_path=tuple(critical),
        plan_id=digest[:12],
        source=selection.source,
        base=selection.base,
        draft=selection.draft,
        external_done=external,
    )


def _unique_items(items: Iterable[Item]) -> dict[int, Item]:
    seen: dict[int, Item] = {}
    for item in items:
        if item.number in seen:
            first = seen[item.number].origin
            where = f" (first listed at {first})" if first else ""
            raise InputError(f"issue #{item.number} is listed twice{where}", item.origin)
        seen[item.number] = item
    return seen


def _dependencies(
    items: dict[int, Item], edges: Iterable[Edge], done: set[int]
) -> dict[int, tuple[int, ...]]:
    deps: dict[int, set[int]] = {n: set() for n in items}
    for edge in edges:
        if edge.issue not in items:
            raise InputError(f"dependency of unknown issue #{edge.issue}", edge.origin)
        if edge.issue == edge.depends_on:
            raise InputError(f"issue #{edge.issue} depends on itself", edge.origin)
        if edge.depends_on in items:
            deps[edge.issue].add(edge.depends_on)
        elif edge.depends_on not in done:
            raise InputError(
                f"issue #{edge.issue} depends on #{edge.depends_on}, which is not in the plan",
                edge.origin,
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


def matrix_waves(plan: Plan, max_jobs_per_wave: int = GITHUB_MATRIX_LIMIT) -> list[list[dict]]:
    """Matrix entries per wave, for ``strategy.matrix.include``.

    Every entry lists its ``issues``. A wave with more issues than ``max_jobs_per_wave``
    is dealt round-robin into that many batch entries, each carrying several issues.
    """
    if max_jobs_per_wave < 1:
        raise InputError(f"max-jobs-per-wave must be at least 1, got {max_jobs_per_wave}")
    out: list[list[dict]] = []
    for wave_number, wave in enumerate(plan.waves, start=1):
        if len(wave) <= max_jobs_per_wave:
            out.append([_entry(plan, n) for n in wave])
            continue
        batches = [list(wave[i::max_jobs_per_wave]) for i in range(max_jobs_per_wave)]
        out.append(
            [
                {
                    "batch": index,
                    "issues": batch,
                    "wave": wave_number,
                    "title": f"wave {wave_number} batch {index}: {len(batch)} issues",
                    "depends_on": sorted({d for n in batch for d in plan.depends_on[n]}),
                }
                for index, batch in enumerate(batches, start=1)
            ]
        )
    return out


def _entry(plan: Plan, n: int) -> dict:
    title = plan.items[n].title
    if len(title) > MATRIX_TITLE_LIMIT:
        title = title[: MATRIX_TITLE_LIMIT - 1] + "…"
    return {
        "issue": n,
        "issues": [n],
        "title": title,
        "wave": plan.wave_of[n],
        "depends_on": list(plan.depends_on[n]),
        "branch": branch_name(n),
    }


def plan_to_json(plan: Plan, max_jobs_per_wave: int = GITHUB_MATRIX_LIMIT) -> dict:
    """The serialized plan (plan.json); everything downstream reads only this."""
    return {
        "version": PLAN_VERSION,
        "plan_id": plan.plan_id,
        "source": plan.source,
        "base": plan.base,
        "draft": plan.draft,
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
        "waves": matrix_waves(plan, max_jobs_per_wave),
    }


def plan_from_json(data: dict, origin: str = "plan.json") -> Plan:
    """Rebuild a :class:`Plan` from :func:`plan_to_json` output, validated against its schema."""
    from lumina_wave.schemas import validate

    validate(data, "plan", origin)
    items = {
        e["issue"]: Item(
            number=e["issue"],
            title=e["title"],
            kind=e["kind"],
            body=e["body"],
            url=e["url"],
            min_wave=e["min_wave"],
        )
        for e in data["issues"]
    }
    wave_of = {e["issue"]: e["wave"] for e in data["issues"]}
    waves: list[list[int]] = [[] for _ in range(data["wave_count"])]
    for n in sorted(wave_of):
        waves[wave_of[n] - 1].append(n)
    return Plan(
        items=items,
        depends_on={e["issue"]: tuple(e["depends_on"]) for e in data["issues"]},
        wave_of=wave_of,
        waves=tuple(tuple(w) for w in waves),
        critical_path=tuple(data["critical_path"]),
        plan_id=data["plan_id"],
        source=data["source"],
        base=data["base"],
        draft=data["draft"],
        external_done=tuple(data["external_done"]),
    )
