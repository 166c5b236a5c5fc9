"""JSON Schemas shipped with the package, and validation that fails as :class:`InputError`.

Start-up. jsonschema costs about 60 ms to import (``referencing``, ``rpds``, attrs classes,
format checkers) and more to build a validator: several times a bare interpreter's start.
So the schemas a command validates on its way (:data:`COMPILED`) are also shipped as plain
Python, generated from the same JSON files by ``fastjsonschema`` (``python -m lumina_wave.schemas``
rewrites them; a test fails when they drift). A document the generated check accepts is valid;
anything else goes to jsonschema, the reference, which finds and words the error (or accepts
what the stricter generated check refused). fastjsonschema is needed only to regenerate.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from lumina_wave.errors import InputError, Origin

HERE = Path(__file__).resolve().parent
# The schemas validated on the way of plan, prepare, finish and summarize.
COMPILED = ("manifest", "plan", "result", "usage")
# The keywords whose generated check means what JSON Schema 2020-12 means; others are refused.
FAST_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$defs", "title", "description", "type", "properties",
        "additionalProperties", "required", "items", "minItems", "uniqueItems", "minLength",
        "maxLength", "pattern", "minimum", "maximum", "const", "enum", "not", "oneOf", "format",
    }
)  # fmt: skip


@cache
def load(name: str) -> dict:
    """The schema ``<name>.schema.json`` from this package."""
    return json.loads((HERE / f"{name}.schema.json").read_text("utf-8"))


@cache
def _validator(name: str) -> Any:
    """Schema ``name``'s jsonschema validator, strict about integers (``1.0``, ``1e3`` and ``true``
    are not integers, as in the compiled checks) and checking ``uniqueItems`` only on lists of
    integers (other lists fail their item type, and jsonschema compares unhashable items
    pairwise, quadratic in the list's length)."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def unique_integers(validator: Any, unique: bool, instance: Any, schema: dict) -> Any:
        numbers = instance if isinstance(instance, list) else []
        if unique and all(_is_integer(None, n) for n in numbers) and len(set(numbers)) != len(numbers):
            yield ValidationError("lists the same issue twice")

    cls = validators.extend(
        Draft202012Validator,
        validators={"uniqueItems": unique_integers},
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
    )
    return cls(load(name))


def _is_integer(checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _fast_check(name: str) -> Callable[[Any], bool]:
    return importlib.import_module(f"{__name__}.compiled_{name}").is_valid


def surely_valid(data: Any, name: str) -> bool:
    """Whether the generated check of schema ``name`` accepts ``data``: then it is valid (the check
    is at least as strict as jsonschema, and both take integers strictly: ``1.0`` is not one).
    False says nothing: ask jsonschema."""
    return name in COMPILED and _fast_check(name)(data)


def errors(data: Any, name: str) -> list:
    """Every schema violation of ``data``, the most specific first, in document order."""
    if surely_valid(data, name):
        return []
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


# --- generating the compiled checks (development only: needs fastjsonschema) --------------

_HEADER = 'VERSION = "{version}"\nfrom decimal import Decimal\n'
_EXCEPTION_IMPORT = "from fastjsonschema import JsonSchemaValueException\n"
# fastjsonschema lets an integral float (1.0) pass as an integer; lumina-wave does not.
_FLOAT_AS_INTEGER = re.compile(r" and not \(isinstance\((\w+), float\) and \1\.is_integer\(\)\)")


def compiled_source(name: str) -> str:
    """The Python source of ``compiled_<name>.py``: fastjsonschema's code for schema ``name``,
    importing nothing but ``re``, with an ``is_valid(data)`` entry point."""
    import fastjsonschema

    schema = load(name)
    _check_keywords(schema, name)
    code = fastjsonschema.compile_to_code(schema, use_default=False, use_formats=False)
    header = _HEADER.format(version=fastjsonschema.VERSION)
    if not code.startswith(header) or code.count(_EXCEPTION_IMPORT) != 1:
        raise RuntimeError(
            f"fastjsonschema {fastjsonschema.VERSION} writes another header; review {__name__}"
        )
    entry = code[code.index("\ndef ") + 5 : code.index("(data")]
    body = _FLOAT_AS_INTEGER.sub("", code[len(header) :])
    if "is_integer" in body:
        raise RuntimeError(f"fastjsonschema {fastjsonschema.VERSION} checks integers another way")
    body = body.replace(
        _EXCEPTION_IMPORT,
        "\n\nclass JsonSchemaValueException(ValueError):\n"
        "    def __init__(self, message, **details):\n"
        "        super().__init__(message)\n",
    )
    return (
        f'"""Generated from {name}.schema.json by fastjsonschema {fastjsonschema.VERSION}: '
        'python -m lumina_wave.schemas. Do not edit."""\n\n'
        "# ruff: noqa\n# fmt: off\n"
        "# JSON and YAML readers give int and float, never Decimal (whose import costs 2 ms).\n"
        "Decimal = float\n"
        f"{body.rstrip()}\n\n\n"
        "def is_valid(data):\n"
        "    try:\n"
        f"        {entry}(data)\n"
        "    except JsonSchemaValueException:\n"
        "        return False\n"
        "    return True\n"
    )


def _check_keywords(node: Any, name: str, key: str = "") -> None:
    """Refuse keywords outside :data:`FAST_KEYWORDS`, and a number ``const``/``enum`` without a
    ``type`` (the generated check compares with ``==``, so ``true`` would equal ``1``)."""
    if isinstance(node, list):
        for item in node:
            _check_keywords(item, name)
        return
    if not isinstance(node, dict):
        return
    if key in ("properties", "$defs"):
        for value in node.values():
            _check_keywords(value, name)
        return
    unknown = set(node) - FAST_KEYWORDS
    if unknown:
        raise ValueError(f"{name}.schema.json: no compiled check for {', '.join(sorted(unknown))}")
    values = [node["const"]] if "const" in node else list(node.get("enum", []))
    if "type" not in node and any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise ValueError(f"{name}.schema.json: a number in const/enum needs a sibling 'type'")
    for child_key, value in node.items():
        if child_key not in ("const", "enum"):
            _check_keywords(value, name, child_key)
