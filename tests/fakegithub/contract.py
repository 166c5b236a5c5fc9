"""Check HTTP exchanges against GitHub's OpenAPI description (OpenAPI 3.0, as @octokit/openapi publishes it).

The description is converted once for ``jsonschema`` (Draft 4, which shares OpenAPI 3.0's
keyword semantics): ``nullable: true`` becomes a type union with ``"null"`` and every
``$ref`` resolves against the whole document through a ``referencing`` registry. Validators
are compiled lazily, one per schema location, and cached.

What is checked, for a request: that method + path name an operation; path and query
parameters against their declared schemas (an undeclared query parameter is a violation:
GitHub would silently ignore a misspelt one); the JSON body against the requestBody schema,
with undeclared top-level fields flagged for the same reason. For a response: that the
status is declared for the operation (an undeclared error status must still carry GitHub's
``{"message": …}`` error shape) and that the body matches that response's schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

TRIMMED = Path(__file__).resolve().parent.parent / "openapi" / "api.github.com.json"
_URN = "urn:github-openapi"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_ERRORS = 3

_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if isinstance(value, str):
        if "T" not in value:
            raise ValueError(f"{value!r} has no time part")
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@_formats.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@dataclass(frozen=True)
class Violation:
    """One way an exchange broke the contract; ``status`` is None for request violations."""

    method: str
    path: str
    status: int | None
    message: str

    def __str__(self) -> str:
        side = "request" if self.status is None else f"response {self.status}"
        return f"{self.method} {self.path} {side}: {self.message}"


@dataclass(frozen=True)
class Operation:
    """One operation of the description, with its parameters resolved."""

    method: str
    template: str
    pointer: str  # JSON pointer of the operation object
    spec: dict = field(repr=False)

    @property
    def id(self) -> str:
        return self.spec.get("operationId", f"{self.method} {self.template}")


def to_json_schema(node: Any) -> Any:
    """A copy of an OpenAPI 3.0 document in which every ``nullable: true`` schema also admits null."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    keyword = isinstance(node.get("nullable"), bool)  # not a property that happens to be called so
    out = {key: to_json_schema(value) for key, value in node.items() if not (keyword and key == "nullable")}
    if node.get("nullable") is True:
        if "type" in out:
            kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*kinds, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:  # allOf/anyOf/oneOf wrapper: null or whatever the wrapper allows
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Contract:
    """The operations of one OpenAPI description and the checks made against them."""

    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.document = to_json_schema(spec)
        resource = Resource.from_contents(self.document, default_specification=DRAFT4)
        self._registry = Registry().with_resource(_URN, resource)
        self._validators: dict[str, Draft4Validator] = {}
        # segment count -> [(segments, template)]; literal segments win over parameters.
        self._templates: dict[int, list[tuple[list[str], str]]] = {}
        for template in spec["paths"]:
            segments = template.strip("/").split("/")
            self._templates.setdefault(len(segments), []).append((segments, template))

    @classmethod
    def load(cls, path: Path = TRIMMED) -> Contract:
        """The description at ``path`` (the trimmed committed copy by default; a missing file raises)."""
        return cls(json.loads(Path(path).read_text()))

    # --- lookup ----------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], str | None]:
        """``(operation, path parameters, why not)`` for ``method`` on ``path`` (below the server URL)."""
        parts = path.strip("/").split("/")
        best: tuple[int, str, dict[str, str]] | None = None
        for segments, template in self._templates.get(len(parts), []):
            params: dict[str, str] = {}
            literal = 0
            for want, got in zip(segments, parts, strict=True):
                if want.startswith("{") and want.endswith("}"):
                    params[want[1:-1]] = got
                elif want == got:
                    literal += 1
                else:
                    break
            else:
                if best is None or literal > best[0]:
                    best = (literal, template, params)
        if best is None:
            return None, {}, f"no operation has the path {path} (is it in tests/openapi/operations.txt?)"
        _, template, params = best
        item = self.spec["paths"][template]
        if method.lower() not in item:
            allowed = ", ".join(m.upper() for m in _METHODS if m in item)
            return None, params, f"{template} has no {method.upper()} operation (it has {allowed})"
        pointer = f"/paths/{_escape(template)}/{method.lower()}"
        return Operation(method.upper(), template, pointer, item[method.lower()]), params, None

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            node = self._at(node["$ref"].removeprefix("#"))
        return node

    def _at(self, pointer: str) -> Any:
        node: Any = self.spec
        for token in pointer.strip("/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def _parameters(self, op: Operation) -> list[dict]:
        shared = self.spec["paths"][op.template].get("parameters", [])
        return [self._resolve(p) for p in [*shared, *op.spec.get("parameters", [])]]

    def _validator(self, pointer: str) -> Draft4Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft4Validator(
                {"$ref": f"{_URN}#{pointer}"}, registry=self._registry, format_checker=_formats
            )
            self._validators[pointer] = validator
        return validator

    def _errors(self, pointer: str, instance: Any, what: str) -> list[str]:
        errors = sorted(self._validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [f"{what}{_where(e.absolute_path)}: {_short(e.message)}" for e in errors[:_MAX_ERRORS]]

    # --- checks ----------------------------------------------------------------------------

    def check_request(
        self, method: str, path: str, query: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[Operation | None, list[str]]:
        """Check one request; returns its operation (None when there is none) and the problems."""
        op, path_params, why = self.match(method, path)
        if op is None:
            return None, [why or "unknown operation"]
        problems: list[str] = []
        declared = {(p["in"], p["name"]): (i, p) for i, p in enumerate(self._parameters(op))}
        query = list(query)
        for name, raw in path_params.items():
            problems += self._check_param(op, declared, "path", name, raw)
        for name, raw in query:
            problems += self._check_param(op, declared, "query", name, raw)
        given = {name for name, _ in query}
        for (where, name), (_, param) in declared.items():
            if where == "query" and param.get("required") and name not in given:
                problems.append(f"required query parameter {name!r} is missing")
        problems += self._check_body(op, body)
        return op, problems

    def _check_param(self, op: Operation, declared: dict, where: str, name: str, raw: str) -> list[str]:
        if (where, name) not in declared:
            return [f"{where} parameter {name!r} is not declared for {op.id}"]
        index, param = declared[(where, name)]
        schema = param.get("schema", {})
        value = _coerce(raw, self._resolve(schema).get("type"))
        pointer = self._parameter_pointer(op, param, index)
        return self._errors(f"{pointer}/schema", value, f"{where} parameter {name}={raw!r}")

    def _parameter_pointer(self, op: Operation, param: dict, index: int) -> str:
        """Where ``param``'s schema lives: under components when the operation refers to it."""
        shared = self.spec["paths"][op.template].get("parameters", [])
        raw = [*shared, *op.spec.get("parameters", [])][index]
        if "$ref" in raw:
            return raw["$ref"].removeprefix("#")
        if index < len(shared):
            return f"/paths/{_escape(op.template)}/parameters/{index}"
        return f"{op.pointer}/parameters/{index - len(shared)}"

    def _check_body(self, op: Operation, body: bytes) -> list[str]:
        request_body = op.spec.get("requestBody")
        if request_body is None:
            return ["the operation takes no request body"] if body.strip() else []
        request_body = self._resolve(request_body)
        if not body.strip():
            return ["the request body is required"] if request_body.get("required") else []
        try:
            data = json.loads(body)
        except ValueError as exc:
            return [f"the request body is not JSON ({exc})"]
        media = request_body.get("content", {}).get("application/json")
        if media is None:
            return [f"{op.id} does not take a JSON body"]
        pointer = f"{op.pointer}/requestBody/content/application~1json/schema"
        problems = self._errors(pointer, data, "body")
        schema = self._resolve(media["schema"])
        if isinstance(data, dict) and "properties" in schema and "additionalProperties" not in schema:
            unknown = sorted(set(data) - set(schema["properties"]))
            problems += [f"body field {name!r} is not declared for {op.id}" for name in unknown]
        return problems

    def check_response(self, op: Operation, status: int, body: bytes) -> list[str]:
        """Check the response ``op`` answered with ``status`` and ``body``."""
        responses = op.spec.get("responses", {})
        declared = responses.get(str(status)) or responses.get("default")
        if declared is None:
            if status >= 400 and _is_error_body(body):
                return []
            return [f"status {status} is not declared for {op.id} (declared: {', '.join(responses)})"]
        key = str(status) if str(status) in responses else "default"
        pointer = f"{op.pointer}/responses/{key}"
        if "$ref" in declared:
            pointer = declared["$ref"].removeprefix("#")
        declared = self._resolve(declared)
        content = declared.get("content")
        if not content:
            return [] if not body.strip() else [f"status {status} of {op.id} has no body, got {_short(body)}"]
        media = next((m for m in content if m == "application/json" or m.endswith("+json")), None)
        if media is None:
            return []  # not JSON (e.g. text/html): not checked
        try:
            data = json.loads(body)
        except ValueError as exc:
            return [f"the response body is not JSON ({exc})"]
        return self._errors(f"{pointer}/content/{_escape(media)}/schema", data, "body")

    @cached_property
    def operation_ids(self) -> frozenset[str]:
        return frozenset(
            op["operationId"]
            for item in self.spec["paths"].values()
            for m, op in item.items()
            if m in _METHODS
        )


def _coerce(raw: str, kind: Any) -> Any:
    """A query or path string as the declared type, left a string when it is not one."""
    try:
        if kind == "integer" and re.fullmatch(r"-?\d+", raw):
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _is_error_body(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("message"), str)


def _where(path: Iterable[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _short(text: object) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return text if len(text) <= 200 else text[:197] + "..."
