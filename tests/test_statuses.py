"""The status table is the one definition (the schemas' enums name exactly its statuses), and the
pure summary that reads it."""

from __future__ import annotations

import subprocess
import sys

from lumina_wave import schemas
from lumina_wave.statuses import DONE_STATUSES, STATUSES, TABLE, Status


def test_every_status_has_one_row():
    assert list(TABLE) == list(Status)


def test_the_result_schema_names_the_recorded_statuses_in_the_tables_order():
    assert schemas.load("result")["properties"]["status"]["enum"] == list(STATUSES)


def test_the_summary_schema_names_every_status_once():
    enum = schemas.load("summary")["$defs"]["status"]["enum"]
    assert len(enum) == len(set(enum))
    assert set(enum) == set(TABLE)


def test_done_statuses_are_recorded_ones():
    assert {Status.SUCCESS, Status.NO_CHANGES, Status.SKIPPED} == DONE_STATUSES
    assert set(STATUSES) >= DONE_STATUSES


def test_the_summary_imports_nothing_of_lumina_wave_github():
    probe = (
        "import sys, lumina_wave.summary; print(sorted(m for m in sys.modules if 'lumina_wave.github' in m))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
