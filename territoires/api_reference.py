"""The API's reference page, read from its OpenAPI description: a pure function, no Django.

`reference(schema, origin)` turns the description (a dict, as `api.get_openapi_schema()`
gives it) into sections for a server-rendered page: one per tag, each with its operations,
their parameters, answers and an example `curl`. The page needs no JavaScript: where an
operation is a GET whose every required value is known (from the description's examples,
enums or defaults), `try_url` is its example's address, to open as a link.

Whatever the description holds, nothing here raises: a part it does not recognise is left
out, or shown as it is, never a crash (the description is ours, but third parties extend
OpenAPI freely). The labels of the constraints (minimum, pattern…) come from `labels`, so
the page gives them in its own language.
"""

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
# The constraints shown beside a parameter or a field, in this order.
CONSTRAINTS = (
    "enum",
    "const",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "default",
    "example",
)


@dataclass
class Parameter:
    name: str
    where: str  # path, query, header, cookie
    type: str
    required: bool
    description: str
    constraints: list[tuple[str, str]] = field(default_factory=list)  # (label, value)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Response:
    status: str
    description: str
    media_type: str = ""
    type: str = ""
    fields: list[Field] = field(default_factory=list)


@dataclass
class Operation:
    method: str  # upper case
    path: str
    anchor: str
    summary: str
    description: str
    deprecated: bool
    parameters: list[Parameter]
    body: Response | None  # the request's body, described as an answer is
    responses: list[Response]
    credentials: list[str]  # what to send, when the operation needs authentication
    url: str  # absolute, the examples filled in ({name} where none is known)
    curl: str
    try_url: str | None  # the same address, without the origin, when every value is known


@dataclass
class Section:
    tag: str
    anchor: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Reference:
    title: str
    version: str
    description: str
    sections: list[Section]


def reference(schema: object, origin: str, labels: Mapping[str, str] | None = None) -> Reference:
    """The page's content. `origin`: scheme and host of the examples, without a final
    slash (`https://territoires.example`); `labels`: constraint name → label shown."""
    schema = _dict(schema)
    labels = labels or {}
    components = _dict(schema.get("components"))
    info = _dict(schema.get("info"))
    tag_descriptions = {}
    for tag in _list(schema.get("tags")):
        tag = _dict(tag)
        if isinstance(tag.get("name"), str):
            tag_descriptions[tag["name"]] = _text(tag.get("description"))
    sections: dict[str, Section | None] = dict.fromkeys(tag_descriptions)  # their order
    anchors: set[str] = set()
    for path, item in _dict(schema.get("paths")).items():
        if not isinstance(path, str):
            continue
        item = _dict(item)
        shared = _list(item.get("parameters"))  # a path's parameters apply to each method
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            tags = [tag for tag in _list(operation.get("tags")) if isinstance(tag, str)]
            tag = tags[0] if tags else ""
            if sections.get(tag) is None:
                anchor = _unique(_slug("tag-" + tag) if tag else "tag", anchors)
                sections[tag] = Section(tag, anchor, tag_descriptions.get(tag, ""))
            sections[tag].operations.append(
                _operation(
                    method, path, operation, shared, schema, components, origin, labels, anchors
                )
            )
    return Reference(
        title=_text(info.get("title")),
        version=_text(info.get("version")),
        description=_text(info.get("description")),
        sections=[section for section in sections.values() if section and section.operations],
    )


def _operation(method, path, operation, shared, schema, components, origin, labels, anchors):
    by_key = {}
    for parameter in [*shared, *_list(operation.get("parameters"))]:
        parameter = _resolve(parameter, components)
        if isinstance(parameter.get("name"), str) and isinstance(parameter.get("in"), str):
            by_key[parameter["in"], parameter["name"]] = parameter  # the operation's own wins
    parameters = [_parameter(parameter, labels) for parameter in by_key.values()]

    # The example's address: each path parameter and each required query parameter filled
    # with a value the description gives, else left as {name}.
    url, known, query = path, True, []
    for parameter in by_key.values():
        value = _example_value(parameter)
        where, name = parameter["in"], parameter["name"]
        placeholder = "{" + name + "}"
        filled = placeholder if value is None else quote(str(value), safe="")
        if where == "path":
            url = url.replace(placeholder, filled)
        elif where == "query" and (parameter.get("required") or "example" in parameter):
            query.append(f"{quote(name, safe='')}={filled}")
        if value is None and (where == "path" or parameter.get("required")):
            known = False
    address = url + ("?" + "&".join(query) if query else "")
    url = origin + address

    credentials = _credentials(operation.get("security", schema.get("security")), components)
    body = _request_body(operation.get("requestBody"), components)
    curl = ["curl"]
    if method != "get":
        curl += ["-X", method.upper()]
    for credential in credentials:
        if credential.startswith("Cookie: "):
            curl += ["--cookie", _quote(credential.removeprefix("Cookie: "))]
        else:
            curl += ["-H", _quote(credential)]
    if body:
        curl += ["-H", _quote("Content-Type: " + (body.media_type or "application/json"))]
        curl += ["--data", "@body.json"]
    curl.append(_quote(url))

    responses = [
        _response(status, answer, components)
        for status, answer in sorted(
            _dict(operation.get("responses")).items(), key=lambda pair: _status_order(pair[0])
        )
    ]
    anchor = operation.get("operationId")
    anchor = _slug(anchor if isinstance(anchor, str) and anchor else f"{method}-{path}")
    return Operation(
        method=method.upper(),
        path=path,
        anchor=_unique(anchor or "operation", anchors),
        summary=_text(operation.get("summary")),
        description=_text(operation.get("description")),
        deprecated=operation.get("deprecated") is True,
        parameters=parameters,
        body=body,
        responses=responses,
        credentials=credentials,
        url=url,
        curl=" ".join(curl),
        try_url=address if method == "get" and known and not credentials else None,
    )


def _parameter(parameter: dict, labels) -> Parameter:
    schema = _dict(parameter.get("schema"))
    extra = {"example": parameter["example"]} if "example" in parameter else {}
    return Parameter(
        name=parameter["name"],
        where=parameter["in"],
        type=type_label(schema),
        required=parameter.get("required") is True,
        description=_text(parameter.get("description") or schema.get("description")),
        constraints=constraints(schema | extra, labels),
    )


def _example_value(parameter: dict):
    """A value the description gives for the parameter (example, enum, default), or None."""
    schema = _dict(parameter.get("schema"))
    for candidate in (parameter, schema, *(_dict(s) for s in _branches(schema))):
        if candidate.get("example") is not None:
            return candidate["example"]
        examples = candidate.get("examples")
        if isinstance(examples, list) and examples and not isinstance(examples[0], dict | list):
            return examples[0]
        enum = candidate.get("enum")
        if isinstance(enum, list) and enum and enum[0] is not None:
            return enum[0]
    default = schema.get("default")
    return default if isinstance(default, str | int | float) and default != "" else None


def _request_body(body, components) -> Response | None:
    body = _resolve(body, components)
    return _response("", body, components) if body else None


def _response(status, answer, components) -> Response:
    """An answer (or a request's body, status ""): its fields when it succeeds, the shape
    of the errors being the same everywhere (the page says it once)."""
    answer = _resolve(answer, components)
    response = Response(status=str(status), description=_text(answer.get("description")))
    content = _dict(answer.get("content"))
    if not content:
        return response
    media_type, media = next(iter(content.items()))
    response.media_type = str(media_type)
    schema = _dict(_dict(media).get("schema"))
    response.type = type_label(schema)
    if response.status[:1] not in ("", "2"):
        return response
    target = _resolve(schema, components)
    if target.get("type") == "array":  # a list of objects: the fields of one
        target = _resolve(_dict(target.get("items")), components)
    properties = _dict(target.get("properties"))
    required = {name for name in _list(target.get("required")) if isinstance(name, str)}
    response.fields = [
        Field(
            name=str(name),
            type=type_label(_dict(prop)),
            required=name in required,
            description=_text(_dict(prop).get("description")),
        )
        for name, prop in properties.items()
    ]
    return response


def type_label(schema: object, depth: int = 0) -> str:
    """A short type: `integer`, `string | null`, `array[TerritoryOut]`; "" when unknown."""
    schema = _dict(schema)
    if depth > 5:
        return ""
    if isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            kinds = []
            for branch in schema[key]:
                kind = type_label(branch, depth + 1)
                if kind and kind not in kinds:
                    kinds.append(kind)
            return (" & " if key == "allOf" else " | ").join(kinds)
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(item) for item in kind)
    if kind == "array":
        inner = type_label(schema.get("items"), depth + 1)
        return f"array[{inner}]" if inner else "array"
    if isinstance(kind, str):
        return kind
    return ""


def constraints(schema: object, labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) of each constraint of the schema and of its anyOf/oneOf branches."""
    schema = _dict(schema)
    labels = labels or {}
    found = {}
    for source in (*(_dict(branch) for branch in _branches(schema)), schema):
        for key in CONSTRAINTS:
            if key in source:
                found[key] = source[key]
    return [(labels.get(key, key), _value(key, found[key])) for key in CONSTRAINTS if key in found]


def _value(key, value) -> str:
    if key == "enum" and isinstance(value, list):
        return ", ".join(item if isinstance(item, str) else _json(item) for item in value)
    if key in ("pattern", "format", "example") and isinstance(value, str):
        return value
    return _json(value)


def _json(value) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def _credentials(security, components) -> list[str]:
    """What a request sends to authenticate, for the first requirement that asks something."""
    schemes = _dict(components.get("securitySchemes"))
    for requirement in _list(security):
        requirement = _dict(requirement)
        if not requirement:
            return []  # {}: this alternative asks nothing
        sent = []
        for name in requirement:
            scheme = _dict(schemes.get(name))
            key = scheme.get("name") if isinstance(scheme.get("name"), str) else name
            if scheme.get("type") == "apiKey" and scheme.get("in") == "cookie":
                sent.append(f"Cookie: {key}=…")
            elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                sent.append(f"{key}: …")
            elif scheme.get("type") == "http":
                sent.append(f"Authorization: {str(scheme.get('scheme', 'bearer')).title()} …")
            else:
                sent.append(str(name))
        return sent
    return []


def _resolve(value, components) -> dict:
    """The object a local $ref (`#/components/…`) points at, else the value (a dict)."""
    value = _dict(value)
    for _ in range(10):  # a $ref to a $ref…, but no loop
        ref = value.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/components/"):
            return value
        target = components
        for part in ref[len("#/components/") :].split("/"):
            target = _dict(target).get(part)
        if not isinstance(target, dict):
            return value
        value = target
    return value


def _branches(schema: dict) -> list:
    return [*_list(schema.get("anyOf")), *_list(schema.get("oneOf")), *_list(schema.get("allOf"))]


def _status_order(status) -> tuple:
    status = str(status)
    return (0, status) if status[:1].isdigit() else (1, status)  # "default" after the codes


def _quote(text: str) -> str:
    """Single-quoted for a POSIX shell."""
    return "'" + text.replace("'", "'\\''") + "'"


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-")


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, number = anchor, 2
    while candidate in taken:
        candidate, number = f"{anchor}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []
