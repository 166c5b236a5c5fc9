"""Writes ``docs/reliability.md`` from the end-to-end figures at the end of a session.

Register with ``pytest_plugins = ["fakegithub.plugin", "e2e.plugin"]`` in tests/conftest.py (or
``-p e2e.plugin``). The file is written only when every test of the end-to-end files was
selected and the session passed, so a partial or red run never rewrites it; unchanged figures
leave the file untouched.
"""

from __future__ import annotations

import pytest

from .driver import ROOT
from .figures import DOC, FIGURES, TEST_FILES

_state = {"files": set(), "deselected": False}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _state["files"] = {item.path.name for item in items if item.path.name in TEST_FILES}


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(item.path.name in TEST_FILES for item in items):
        _state["deselected"] = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    complete = _state["files"] == set(TEST_FILES) and not _state["deselected"]
    if not complete or exitstatus != 0 or session.testsfailed or not FIGURES.rows:
        return
    target = ROOT / DOC
    text = FIGURES.markdown()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
