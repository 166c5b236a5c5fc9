"""Which issues a run works again: the choice shared by ``local --retry`` and the reusable
workflow's ``retry`` input. Pure, no I/O.

A retry re-runs chosen issues of the same plan, ``failed`` (every issue whose record did not end
done: failed, blocked, cancelled) or a list of numbers, together with every issue that depends on
them (directly or not) and the issues that never ran; every other issue keeps its record.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from lumina_wave.errors import InputError
from lumina_wave.plan import Plan
from lumina_wave.results import ResultRecord
from lumina_wave.statuses import DONE_STATUSES


def not_done(plan: Plan, previous: Mapping[int, ResultRecord]) -> frozenset[int]:
    """``failed``: the issues of the plan whose record did not end done (failed, blocked, cancelled)."""
    return frozenset(n for n, r in previous.items() if n in plan.items and r["status"] not in DONE_STATUSES)


def parse_retry(text: str, plan: Plan, previous: Mapping[int, ResultRecord], what: str) -> frozenset[int]:
    """The issues ``text`` chooses: ``failed`` (see :func:`not_done`) or numbers like ``154,155``;
    anything else, or a number outside the plan, is bad input naming ``what`` (the option or input)."""
    if text.strip() == "failed":
        return not_done(plan, previous)
    numbers = set()
    for part in re.split(r"[\s,]+", text.strip()):
        if not re.fullmatch(r"#?[1-9][0-9]*", part):
            raise InputError(f"{what} takes 'failed' or issue numbers like 154,155; got {part!r}")
        numbers.add(int(part.lstrip("#")))
    outside = sorted(numbers - set(plan.items))
    if outside:
        raise InputError(f"{what} names {', '.join(f'#{n}' for n in outside)}, not in the plan")
    return frozenset(numbers)


def to_run(
    plan: Plan, previous: Mapping[int, ResultRecord], rerun: bool, retry: Collection[int] | None = None
) -> list[int]:
    """The issues a run works, in plan order: all with ``rerun``; with ``retry``, those issues,
    every issue that depends on them (directly or not) and the ones that never ran; else those
    without a done record."""
    if retry is not None:
        dependents = plan.dependents()
        chosen, todo = set(), list(retry)
        while todo:
            n = todo.pop()
            if n not in chosen:
                chosen.add(n)
                todo.extend(dependents[n])
        return [n for n in plan.items if n in chosen or n not in previous]
    return [n for n in plan.items if rerun or n not in previous or previous[n]["status"] not in DONE_STATUSES]
