"""The manifest source: a YAML wave plan, validated by a JSON Schema, with file:line:col errors."""

from __future__ import annotations

import datetime
import difflib
import os
from pathlib import Path
from typing import Any

from lumina_wave.errors import SURROGATE, InputError, Origin, input_errors
from lumina_wave.markdown import truncate
from lumina_wave.model import MAX_ISSUES, Edge, Item, Selection

DEFAULT_MANIFEST = ".github/waves.yml"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
# Values the document may hold, an alias counted each time it is used: 10,000 issues with a
# title, a kind and a few dependencies each fit; an alias bomb ("billion laughs") is stopped early.
MAX_VALUES = 250_000
MESSAGE_LIMIT = 200  # characters of a quoted problem in an error message
MAX_DEPTH = 64  # nesting; a manifest needs 4 levels, ruamel's composer recurses per level


def read_manifest(path: str | os.PathLike[str], name: str | None = None) -> Selection:
    """Read, validate and convert the manifest at ``path``, called ``name`` (default: ``path``)
    in errors and in the plan's source."""
    name = str(path) if name is None else name
    return parse_manifest(_read_text(Path(path), name), name)


def parse_manifest(text: str, name: str) -> Selection:
    """Convert manifest ``text`` (named ``name`` in errors) to items and edges."""
    from ruamel.yaml.composer import MaxDepthExceededError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    try:
        document = _yaml().load(text)
    except _Refused as exc:
        raise InputError(exc.message, Origin(name, exc.mark.line + 1, exc.mark.column + 1)) from None
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise InputError(
            f"nested deeper than {MAX_DEPTH} levels", Origin(name, mark.line + 1, mark.column + 1)
        ) from None
    except MarkedYAMLError as exc:
        problem, mark = _syntax_problem(exc, text)
        origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name)
        raise InputError(f"YAML syntax error: {problem}", origin) from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(
            f"character U+{character:04X} is not allowed in YAML", Origin(name, line, col)
        ) from None
    except (YAMLError, RecursionError) as exc:
        raise InputError(
            f"YAML error: {truncate(' '.join(str(exc).split()), MESSAGE_LIMIT)}", Origin(name)
        ) from None

    if document is None:
        raise InputError("the manifest is empty", Origin(name))
    problems = _schema_problems(document, name)
    if problems:
        raise input_errors(problems)

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


class _Refused(Exception):
    """A limit of the manifest, or a value Python cannot hold, met while reading (``mark``: where)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _yaml() -> Any:
    """ruamel's round-trip loader (it keeps line:col) with the depth and size limits above."""
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.events import AliasEvent

    class BoundedComposer(Composer):
        """Counts values as they are composed, an alias as the size of what it names."""

        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.values = 0
            self.sizes: dict[int, int] = {}
            self.root_key: Any = None

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if self.depth == 1 and index is not None:  # a value of the top-level mapping
                self.root_key = getattr(index, "value", None)
            elif self.depth == 2 and self.root_key == "issues" and index == MAX_ISSUES:
                # refused when the 10,001st issue is read, not after parsing all of it
                raise _Refused(
                    f"more than {MAX_ISSUES:,} issues; split the wave into several manifests",
                    event.start_mark,
                )
            before = self.values
            node = super().compose_node(parent, index)
            if isinstance(event, AliasEvent):
                self.values += self.sizes.get(id(node), 1)
            else:
                self.values += 1
                if node.anchor is not None:
                    self.sizes[id(node)] = self.values - before
            if self.values > MAX_VALUES:
                raise _Refused(
                    f"more than {MAX_VALUES:,} values (an alias counts as often as it is used)",
                    event.start_mark,
                )
            return node

    class Constructor(RoundTripConstructor):
        """Reports a value Python cannot hold (a 5,000-digit number, an empty ``!!int``) or text
        that is not valid Unicode (a lone surrogate written ``"\\ud83d"``) at its position."""

        def construct_non_recursive_object(self, node: Any, tag: Any = None) -> Any:
            try:
                value = super().construct_non_recursive_object(node, tag)
            # ruamel's reading of an empty "!!int", "!!bool" or "!!set" (fuzzing found them)
            except (AttributeError, IndexError, KeyError, TypeError):
                raise _Refused(f"unreadable value: not a valid {_tag_name(node)}", node.start_mark) from None
            except ValueError as exc:
                reason = truncate(" ".join(str(exc).split(";")[0].split()), MESSAGE_LIMIT)
                if _tag_name(node) == "!!timestamp":  # 2024-13-45, unquoted, is a bad date
                    reason += f"; YAML reads an unquoted {truncate(str(node.value), 60)} as a date: quote it"
                raise _Refused(f"unreadable value: {reason}", node.start_mark) from None
            surrogate = SURROGATE.search(value) if isinstance(value, str) else None
            if surrogate:
                raise _Refused(
                    f"not valid Unicode: U+{ord(surrogate.group()):04X} is half of a UTF-16 "
                    "surrogate pair; write the character itself, not its \\u escapes",
                    node.start_mark,
                )
            return value

    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = BoundedComposer
    yaml.Constructor = Constructor
    yaml.max_depth = MAX_DEPTH
    return yaml


def _tag_name(node: Any) -> str:
    """``!!int`` for a node tagged ``tag:yaml.org,2002:int``."""
    tag = str(getattr(node.tag, "value", node.tag))
    return truncate(tag.replace("tag:yaml.org,2002:", "!!"), 60)


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


# Keys people write for the manifest's own (difflib catches the typos: dependson, titel, Number).
SYNONYMS = {
    "needs": "depends_on", "deps": "depends_on", "after": "depends_on", "blocked_by": "depends_on",
    "id": "number", "issue": "number", "name": "title", "description": "body", "type": "kind",
}  # fmt: skip
# What YAML 1.2 reads as text but people mean as a boolean (YAML 1.1 read them as booleans).
YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


def _syntax_problem(exc: Any, text: str) -> tuple[str, Any]:
    """What a YAML syntax error means for the writer, and where: a quote or bracket that is never
    closed is reported where it opens (the parser notices only at the end of the file), a tab in
    the indentation and an unquoted ``: `` get a hint."""
    problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
    mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
    at_end = "end of stream" in problem or "<stream end>" in problem
    context = str(exc.context or "")
    if at_end and opened is not None and "quoted scalar" in context:
        quote = text[opened.index] if opened.index < len(text) else '"'
        return f"unterminated quote: the {quote} here is never closed", opened
    if opened is not None and "flow" in context and (at_end or mark.line > opened.line):
        # a flow list or mapping of a manifest fits on its line: ended by the file or a later line,
        # its bracket was not closed
        bracket = text[opened.index] if opened.index < len(text) else "["
        closing = {"[": "]", "{": "}"}.get(bracket, "]")
        found = (
            ""
            if at_end
            else f" (found {problem.rsplit('but got ', 1)[-1]} at {mark.line + 1}:{mark.column + 1})"
        )
        return f"the {bracket} here is never closed with {closing}{found}", opened
    problem = truncate(problem, MESSAGE_LIMIT)
    if "'\\t'" in problem:
        problem += "; YAML indents with spaces, not tabs"
    elif problem == "mapping values are not allowed here":
        problem += "; quote a value that holds ': ' (title: \"a: b\")"
    return problem, mark


def _schema_problems(document: Any, name: str) -> list[InputError]:
    """Every schema violation of ``document``, one per place: an unknown key each, and for a value
    of the wrong type only that (not also the range it misses)."""
    from lumina_wave import schemas

    by_path: dict[tuple, list] = {}
    for error in schemas.errors(document, "manifest"):
        by_path.setdefault(tuple(error.absolute_path), []).append(error)
    problems: list[InputError] = []
    seen: set[str] = set()
    for path, found in by_path.items():
        typed = [e for e in found if e.validator == "type"]
        for error in typed[:1] or found:
            if error.validator == "additionalProperties":
                for key in _unknown_keys(error):
                    problems.append(
                        InputError(
                            _unknown_key_message(key, error, list(path)),
                            _key_origin(document, list(path), key, name),
                        )
                    )
                continue
            message = _schema_message(error)
            if message not in seen:
                seen.add(message)
                # an empty value has no place of its own (ruamel puts it on the next line): its key's
                at_key = error.instance is None and path and isinstance(path[-1], str)
                origin = (
                    _key_origin(document, list(path[:-1]), path[-1], name)
                    if at_key
                    else _origin_of(document, list(path), name)
                )
                problems.append(InputError(message, origin))
    return problems


def _unknown_keys(error: Any) -> list:
    return sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)


def _unknown_key_message(key: Any, error: Any, path: list) -> str:
    message = f"unknown key {_show(key)} in {_describe_path(path)}"
    known = list(error.schema.get("properties", {}))
    if isinstance(key, str):
        word = key.strip().lower().replace("-", "_")
        guess = SYNONYMS.get(word) if SYNONYMS.get(word) in known else None
        guess = guess or next(iter(difflib.get_close_matches(word, known, n=1, cutoff=0.6)), None)
        if guess:
            message += f"; did you mean {guess!r}?"
    return message


def _schema_message(error: Any) -> str:
    path = list(error.absolute_path)
    where = _describe_path(path)
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator == "const" and path == ["version"]:
        return f"unsupported manifest version {_show(error.instance)}; this lumina-wave reads version 1"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where}: expected {expected}, got {_yaml_type(error.instance)}{_type_hint(expected, error.instance)}"
    if error.validator == "uniqueItems":
        return f"{where}: lists the same issue twice"
    return truncate(f"{where}: {error.message}", MESSAGE_LIMIT)


def _type_hint(expected: str, value: Any) -> str:
    """A hint for YAML's common traps: ``yes``/``no`` (text in YAML 1.2), an unquoted date, a
    quoted number, a bare ``true`` or number where text is wanted."""
    if expected == "boolean" and isinstance(value, str) and value.strip().lower() in YAML11_BOOLEANS:
        return f"; write true or false ({_show(value)} is text in YAML 1.2)"
    if expected == "integer" and isinstance(value, str) and value.strip().isdigit():
        return f"; write {value.strip()} without quotes (quoted, it is text)"
    if expected == "string" and isinstance(value, (datetime.date, bool, int, float)):
        kind = "a date" if isinstance(value, datetime.date) else f"a {_yaml_type(value)}"
        return f"; YAML reads this unquoted value as {kind}: quote it to make it text"
    if expected == "string" and value is None:
        return "; an empty value is null: write the text, or leave the key out"
    return ""


def _show(value: Any) -> str:
    """A value for an error message: short scalars as written, anything else by its type."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return f"<{_yaml_type(value)}>"
    return truncate(repr(value) if isinstance(value, str) else str(value), 60)


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
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    tag = getattr(value, "tag", None)
    if tag is not None and getattr(tag, "value", None):
        return f"a value tagged {truncate(str(tag.value), 60)}"
    return type(value).__name__


def _origin_of(document: Any, path: list, name: str) -> Origin:
    """The file position of ``path`` in the round-trip ``document`` (1-based line and column)."""
    node = document
    line, col = _position(node, (0, 0))
    for part in path:
        try:
            line, col = node.lc.item(part) if isinstance(part, int) else _value_position(node, part)
            node = node[part]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
        line, col = _position(node, (line, col))
    return Origin(name, line + 1, col + 1)


def _value_position(node: Any, key: Any) -> tuple[int, int]:
    """Where the value of ``key`` in mapping ``node`` is written: in the mapping itself, or in a
    mapping merged into it with ``<<:``."""
    try:
        return node.lc.value(key)
    except KeyError:
        for merged in getattr(node, "merge", ()):
            merged = merged[1] if isinstance(merged, tuple) else merged
            if key in getattr(getattr(merged, "lc", None), "data", {}):
                return merged.lc.value(key)
        raise


def _key_origin(document: Any, path: list, key: Any, name: str) -> Origin:
    """The file position of ``key`` in the mapping at ``path``."""
    origin = _origin_of(document, path, name)
    node = document
    try:
        for part in path:
            node = node[part]
        line, col = node.lc.key(key)
    except (AttributeError, KeyError, IndexError, TypeError):
        return origin
    return Origin(name, line + 1, col + 1)


def _position(node: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return fallback
    return lc.line, lc.col
