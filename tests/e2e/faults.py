"""Seeded faults whose decisions depend on the call, not on the order threads make calls in.

The fake's :class:`~fakegithub.faults.FaultPolicy` draws from one random stream in arrival order,
so concurrent legs would change which call is faulted from run to run. Here the ``n``-th call of
an operation is faulted or not by a stream seeded with ``(seed, operation, n)``: the number of
faults of each kind per operation is then the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from fakegithub.faults import WRITES, Fault, FaultPolicy


@dataclass
class SeededFaults(FaultPolicy):
    def decide(self, method: str, operation: str) -> Fault | None:
        with self._lock:
            self._calls[operation] += 1
            nth = self._calls[operation]
            fault = next((r.fault for r in self.rules if r.operation == operation and r.nth == nth), None)
            rng = random.Random(f"{self.seed}/{operation}/{nth}")
            if fault is None and self.rate and rng.random() < self.rate:
                kind = rng.choice(self.kinds)
                after = method in WRITES and kind in ("502", "drop") and rng.random() < self.after_share
                fault = Fault(kind, after)
            if fault is not None:
                self.injected[(fault.kind + ("-after-write" if fault.after else ""), operation)] += 1
            return fault
