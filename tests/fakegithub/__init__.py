"""A stateful fake GitHub for tests, checked against GitHub's OpenAPI description.

Use as a pytest plugin (``pytest_plugins = ["fakegithub.plugin"]`` in tests/conftest.py) for the
``fake_github`` fixture, or start one directly::

    with FakeGitHub(Repo(git_dir=bare)) as fake:
        gh = github.Github(base_url=fake.url)
"""

from .contract import Contract, Violation
from .faults import FaultPolicy, SecondaryLimit
from .server import FakeGitHub, Logged
from .state import ApiError, Repo

__all__ = [
    "ApiError",
    "Contract",
    "FakeGitHub",
    "FaultPolicy",
    "Logged",
    "Repo",
    "SecondaryLimit",
    "Violation",
]
