"""JSON Schemas shipped with the package, and validation that fails as :class:`InputError`."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from lumina_wave.errors import InputError, Origin


@cache
def load(name: str) -> dict:
    """The schema ``<name>.schema.json`` from this package."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load(name))


def errors(data: Any, name: str) -> list:
    """Every schema violation of ``data``, the most specific first, in document order."""
    from jsonschema.exceptions import relevance

    return sorted(_validator(name).iter_errors(data), key=lambda e: (list(e.absolute_path), relevance(e)))


def describe(error: Any) -> str:
    """A short human sentence for one jsonschema error."""
    where = "/".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{where or 'top level'}: unknown key {', '.join(repr(k) for k in extra)}"
    return f"{where or 'top level'}: {error.message}"


def validate(data: Any, name: str, origin: str) -> None:
    """Raise :class:`InputError` for the first violation of schema ``name``."""
    found = errors(data, name)
    if found:
        raise InputError(f"invalid {name}: {describe(found[0])}", Origin(origin))
