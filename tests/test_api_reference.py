"""territoires/api_reference.py: the API's reference read from an OpenAPI description,
without Django (the page itself: tests/test_api_docs.py)."""

import pytest

from territoires.api_reference import constraints, reference, type_label


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: a pure function, no database."""


LISTING = {
    "get": {
        "operationId": "list_things",
        "summary": "Things",
        "tags": ["things"],
        "parameters": [
            {
                "in": "query",
                "name": "kind",
                "required": True,
                "schema": {"anyOf": [{"enum": ["a", "b"], "type": "string"}, {"type": "null"}]},
                "description": "Kind of thing",
            },
            {
                "in": "query",
                "name": "limit",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                    }
                },
            },
            "400": {"description": "Bad", "content": {"application/json": {"schema": {}}}},
        },
    }
}
SCHEMA = {
    "info": {"title": "Things API", "version": "2", "description": "All the things."},
    "paths": {
        "/api/things": LISTING,
        "/api/things/{code}": {
            "get": {
                "operationId": "thing",
                "summary": "A thing",
                "tags": ["things"],
                "parameters": [{"in": "path", "name": "code", "required": True, "schema": {}}],
                "responses": {"404": {"description": "Not found"}},
            }
        },
        "/api/ping": {"get": {"responses": {"200": {"description": "pong"}}}},
        "/api/secret": {
            "get": {"tags": ["things"], "security": [{"SessionAuth": []}], "responses": {}}
        },
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {"code": {"type": "string", "description": "Its code"}, "n": {}},
                "required": ["code"],
            }
        },
        "securitySchemes": {"SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sid"}},
    },
}


def operations(page):
    return {
        operation.path: operation for section in page.sections for operation in section.operations
    }


def test_sections_by_tag_in_order_of_the_paths():
    page = reference(SCHEMA, "https://example.org")
    assert (page.title, page.version, page.description) == ("Things API", "2", "All the things.")
    assert [(section.tag, section.anchor) for section in page.sections] == [
        ("things", "tag-things"),
        ("", "tag"),  # operations without a tag come together
    ]
    assert [operation.path for operation in page.sections[0].operations] == [
        "/api/things",
        "/api/things/{code}",
        "/api/secret",
    ]


def test_parameters_with_their_type_and_constraints():
    labels = {"minimum": "min", "maximum": "max", "enum": "values"}
    listing = operations(reference(SCHEMA, "https://example.org", labels))["/api/things"]
    kind, limit = listing.parameters
    assert (kind.name, kind.where, kind.type, kind.required) == (
        "kind",
        "query",
        "string | null",
        True,
    )
    assert kind.description == "Kind of thing"
    assert kind.constraints == [("values", "a, b")]
    assert (limit.type, limit.required) == ("integer", False)
    assert limit.constraints == [("min", "1"), ("max", "100"), ("default", "20")]
    # The required value comes from the enum: the example can be tried.
    assert listing.url == "https://example.org/api/things?kind=a"
    assert listing.curl == "curl 'https://example.org/api/things?kind=a'"
    assert listing.try_url == "/api/things?kind=a"
    assert listing.anchor == "list_things"


def test_the_fields_of_a_successful_answer():
    listing = operations(reference(SCHEMA, "https://example.org"))["/api/things"]
    ok, bad = listing.responses
    assert (ok.status, ok.media_type, ok.type) == ("200", "application/json", "array[Thing]")
    assert [(f.name, f.type, f.required, f.description) for f in ok.fields] == [
        ("code", "string", True, "Its code"),
        ("n", "", False, ""),
    ]
    assert (bad.status, bad.fields) == ("400", [])  # errors: one shape, said once on the page


def test_an_operation_without_parameters():
    ping = operations(reference(SCHEMA, "https://example.org"))["/api/ping"]
    assert ping.parameters == [] and ping.summary == "" and ping.anchor == "get-api-ping"
    assert ping.curl == "curl 'https://example.org/api/ping'"
    assert ping.try_url == "/api/ping"


def test_a_path_parameter_without_example_cannot_be_tried():
    thing = operations(reference(SCHEMA, "https://example.org"))["/api/things/{code}"]
    assert thing.url == "https://example.org/api/things/{code}" and thing.try_url is None
    assert thing.responses[0].status == "404"


def test_an_operation_that_needs_authentication():
    secret = operations(reference(SCHEMA, "https://example.org"))["/api/secret"]
    assert secret.credentials == ["Cookie: sid=…"]
    assert secret.curl == "curl --cookie 'sid=…' 'https://example.org/api/secret'"
    assert secret.try_url is None


def test_examples_are_quoted_for_the_shell_and_the_address():
    schema = {
        "paths": {
            "/a/{name}": {
                "post": {
                    "parameters": [
                        {"in": "path", "name": "name", "required": True, "example": "l'été"}
                    ],
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object"}}}
                    },
                }
            }
        }
    }
    (operation,) = operations(reference(schema, "http://h")).values()
    assert operation.url == "http://h/a/l%27%C3%A9t%C3%A9"
    assert operation.curl == (
        "curl -X POST -H 'Content-Type: application/json' --data @body.json "
        "'http://h/a/l%27%C3%A9t%C3%A9'"
    )
    assert operation.try_url is None  # not a GET
    assert operation.body.media_type == "application/json"


def test_anchors_are_unique():
    same = {"get": {"operationId": "x"}, "post": {"operationId": "x"}}
    page = reference({"paths": {"/x": same}}, "")
    assert [operation.anchor for operation in page.sections[0].operations] == ["x", "x-2"]


@pytest.mark.parametrize(
    "schema",
    [
        None,
        [],
        "text",
        {},
        {"paths": None},
        {"paths": {"/x": None, "/y": {"get": "nope"}, 3: {}}},
        {"paths": {"/x": {"get": {"parameters": [None, 1, {"name": "a"}, {"$ref": "#/nowhere"}]}}}},
        {"paths": {"/x": {"get": {"parameters": [{"in": "query", "name": "a", "schema": True}]}}}},
        {"paths": {"/x": {"get": {"responses": {"200": None, "default": {"content": []}}}}}},
        {"paths": {"/x": {"get": {"responses": {"200": {"content": {"a/b": {"schema": 1}}}}}}}},
        {"paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}}},
        {"paths": {"/x": {"get": {"tags": [None, 1], "security": [None, {"Unknown": []}]}}}},
        {"paths": {"/x": {"get": {}}}, "tags": [None, {"name": 1}], "info": "API"},
        {
            "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"}}}}},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}},  # a loop
        },
    ],
)
def test_unknown_shapes_do_not_crash(schema):
    page = reference(schema, "http://h")
    for section in page.sections:
        for operation in section.operations:
            assert operation.curl.startswith("curl ")


def test_types_and_constraints_of_unusual_schemas():
    assert type_label({"type": ["string", "null"]}) == "string | null"
    assert type_label({"allOf": [{"$ref": "#/components/schemas/A"}]}) == "A"
    assert type_label({"type": "array"}) == "array"
    assert type_label({"not": {}}) == "" and type_label(None) == ""
    assert constraints({"pattern": "^a$", "default": "", "enum": [1, None]}) == [
        ("enum", "1, null"),
        ("pattern", "^a$"),
        ("default", '""'),
    ]
    assert constraints(7) == []
