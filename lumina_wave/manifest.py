"""The manifest source: a YAML wave plan, validated by a JSON Schema, with file:line:col errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lumina_wave.errors import InputError, Origin
from lumina_wave.model import Edge, Item, Selection

DEFAULT_MANIFEST = ".github/waves.yml"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024


def read_manifest(path: str | os.PathLike[str]) -> Selection:
    """Read, validate and convert the manifest at ``path``."""
    name = str(path)
    return parse_manifest(_read_text(Path(path), name), name)


def parse_manifest(text: str, name: str) -> Selection:
    """Convert manifest ``text`` (named ``name`` in errors) to items and edges."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from lumina_wave import schemas

    try:
        document = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name)
        raise InputError(f"YAML syntax error: {problem}", origin) from None
    except (YAMLError, RecursionError) as exc:
        raise InputError(f"YAML error: {' '.join(str(exc).split())}", Origin(name)) from None

    if document is None:
        raise InputError("the manifest is empty", Origin(name))
    found = schemas.errors(document, "manifest")
    if found:
        error = found[0]
        raise InputError(_schema_message(error), _origin_of(document, list(error.absolute_path), name, error))

    defaults = document.get("defaults") or {}
    items: list[Item] = []
    edges: list[Edge] = []
    for index, entry in enumerate(document["issues"]):
        number = int(entry["number"])
        items.append(
            Item(
                number=number,
                title=str(entry.get("title", "")),
                kind=str(entry.get("kind", "")),
                body=str(entry.get("body", "")),
                min_wave=int(entry.get("wave", 1)),
                origin=_origin_of(document, ["issues", index], name),
            )
        )
        for dep_index, dep in enumerate(entry.get("depends_on") or []):
            origin = _origin_of(document, ["issues", index, "depends_on", dep_index], name)
            edges.append(Edge(issue=number, depends_on=int(dep), origin=origin))
    return Selection(
        source=f"manifest:{name}",
        items=items,
        edges=edges,
        base=defaults.get("base"),
        draft=bool(defaults.get("draft", False)),
    )


def _read_text(path: Path, name: str) -> str:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("not a regular file", Origin(name))
        if size > MAX_MANIFEST_BYTES:
            raise InputError(
                f"the manifest is {size:,} bytes; the limit is {MAX_MANIFEST_BYTES:,}", Origin(name)
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", Origin(name)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", Origin(name)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", Origin(name, line, col)
        ) from None


def _schema_message(error: Any) -> str:
    path = list(error.absolute_path)
    where = _describe_path(path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
        return f"unknown key {extra[0]!r} in {where}" if extra else f"unknown key in {where}"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator == "const" and path == ["version"]:
        return f"unsupported manifest version {error.instance!r}; this lumina-wave reads version 1"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where}: expected {expected}, got {_yaml_type(error.instance)}"
    if error.validator == "uniqueItems":
        return f"{where}: lists the same issue twice"
    return f"{where}: {error.message}"


def _describe_path(path: list) -> str:
    if not path:
        return "the manifest"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _yaml_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _origin_of(document: Any, path: list, name: str, error: Any = None) -> Origin:
    """The file position of ``path`` in the round-trip ``document`` (1-based line and column).

    For an unknown key the position is that of the key itself.
    """
    node = document
    line, col = _position(node, (0, 0))
    for part in path:
        try:
            line, col = node.lc.item(part) if isinstance(part, int) else node.lc.value(part)
            node = node[part]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
        line, col = _position(node, (line, col))
    if error is not None and error.validator == "additionalProperties" and hasattr(node, "lc"):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)
        if extra:
            line, col = node.lc.key(extra[0])
    return Origin(name, line + 1, col + 1)


def _position(node: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return fallback
    return lc.line, lc.col
