"""GitHub's size limits that bind lumina-wave, and the one place sizes are measured.

GitHub measures each limit its own way (docs/limits.md lists them with lumina-wave's figures):

- job outputs: 1 MB per job, counted by the runner's template evaluator as .NET strings, so in
  UTF-16 code units (an emoji is 2, ``é`` is 1) over every output of the job, names included;
- the step summary: 1 MiB of UTF-8 bytes per step;
- a comment body: 65,536 characters.

lumina-wave keeps its outputs under :data:`OUTPUT_BUDGET`, below the job limit, so that the
runner's own bookkeeping and a caller's outputs beside ours still fit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

JOB_OUTPUTS_LIMIT = 1_048_576  # UTF-16 code units of all outputs of one job
OUTPUT_BUDGET = 900_000  # what lumina-wave's outputs of one job may take: ~14% headroom
STEP_SUMMARY_LIMIT = 1024 * 1024  # UTF-8 bytes of one step's summary
COMMENT_LIMIT = 65_536  # characters of an issue or PR comment body


def utf16_units(text: str) -> int:
    """``text``'s length as GitHub's runner counts job outputs: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_bytes(text: str) -> int:
    """``text``'s size as GitHub counts a step summary: UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def output_units(outputs: Mapping[str, str]) -> int:
    """UTF-16 code units of a job's ``outputs`` (name -> value), names included."""
    return sum(utf16_units(name) + utf16_units(value) for name, value in outputs.items())


def output_text(value: Any) -> str:
    """An output's value as it is written: a string as it is, anything else as compact JSON
    (ASCII: an emoji becomes a 12-unit ``\\ud83d\\ude80`` escape, measured as such)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
