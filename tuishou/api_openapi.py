"""The API's OpenAPI document: the one error shape, every error code, and each operation's refusals.

Every operation documents the 4xx answers it can give, each with the ``Error`` schema, decided here for all of
them rather than on each route: 400 for any request (a NUL character, a number beyond a bigint, a malformed
body), 401, 403 and 404 for operations that need a sign-in (404: what they act on is the caller's own, their
promoter record, store or merchant, which the caller may not have), 404 for other operations that name a
resource (a path parameter, an id in the query or body), 409 for writes that need a sign-in, 413 for a body,
422 for parameters or a body, and any status the operation's own description lists as an error ("429
``accounts.signup_throttled``").

Two schemas of one name would overwrite each other in the document (the second silently wins): the document
records every such clash in ``clashes`` and a test keeps the list empty.
"""

from __future__ import annotations

import re

from ninja.openapi.schema import OpenAPISchema

from tuishou.core.errors import error_code_enums

ERROR_REF = "#/components/schemas/Error"
_WRITES = {"post", "put", "patch", "delete"}
_DESCRIBED_STATUS = re.compile(r"\b(4(?:0[0-9]|1[0-9]|2[0-9]))\b")
_NAMES_A_RESOURCE = re.compile(r"(^|_)(id|ids|code)$")
_REASONS = {
    400: "Bad request: the request cannot be understood or breaks a rule (see `code`).",
    401: "Not signed in, or the credentials are invalid.",
    403: "Signed in, but not allowed to do this (or a signed-in session without its CSRF token).",
    404: "What the request names does not exist, or is not the caller's to know of.",
    409: "The request clashes with the current state.",
    413: "The request's body is larger than the platform accepts.",
    422: "A parameter or the body does not have the declared shape.",
    429: "Too many requests: throttled or locked out for a while.",
}


class DocumentedSchema(OpenAPISchema):
    """django-ninja's document, recording schemas that share a name instead of letting the last one win."""

    def __init__(self, api, path_prefix: str) -> None:
        self.clashes: list[str] = []
        super().__init__(api, path_prefix)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                self.clashes.append(name)
        super().add_schema_definitions(definitions)


def error_statuses(method: str, operation: dict, components: dict | None = None) -> list[int]:
    """The 4xx statuses ``operation`` (answering ``method``) can give; see the module's docstring.
    ``components`` are the document's schemas, through which a body's ``$ref`` is read."""
    signed_in = bool(operation.get("security"))
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    statuses = {400}
    if signed_in:
        statuses |= {401, 403, 404}
    if any(p.get("in") == "path" for p in parameters) or any(
            _NAMES_A_RESOURCE.search(name) for name in _field_names(parameters, body, components or {})):
        statuses.add(404)
    if signed_in and method in _WRITES:
        statuses.add(409)
    if body:
        statuses.add(413)
    if parameters or body:
        statuses.add(422)
    statuses |= {int(s) for s in _DESCRIBED_STATUS.findall(operation.get("description", ""))}
    return sorted(statuses)


def _field_names(parameters: list[dict], body: dict | None, components: dict) -> list[str]:
    """The names of the parameters and of the body's fields (one level into a field that is itself an object,
    as the ``payload`` part of a multipart body)."""
    names = [p.get("name", "") for p in parameters]
    for content in (body or {}).get("content", {}).values():
        fields = _resolved(content.get("schema", {}), components).get("properties", {})
        names += list(fields)
        for field in fields.values():
            names += list(_resolved(field, components).get("properties", {}))
    return names


def _resolved(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/components/schemas/") else schema


def document_errors(schema: dict) -> dict:
    """Add the ``Error`` shape and the ``ErrorCode`` enum (every code, with its English message) to ``schema``,
    and each operation's 4xx answers with the ``Error`` shape."""
    codes = sorted((member for enum_cls in error_code_enums() for member in enum_cls), key=str)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorCode"] = {
        "type": "string", "enum": [str(code) for code in codes], "x-enum-descriptions": [c.template for c in codes],
        "description": "Stable dotted code of an error; one per kind of refusal. The messages listed are the "
                       "English templates; ``{name}`` is filled in from the request.",
    }
    schemas["Error"] = {
        "type": "object", "title": "Error", "required": ["code", "message"],
        "properties": {
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "message": {"type": "string", "description": "For a person, in the language the request names "
                        "(the language cookie, then Accept-Language; English when it names none)."},
            "details": {"type": "object", "description": "Machine-readable details: the field, limits, ids."},
        },
    }
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in error_statuses(method, operation, schemas):
                if status not in responses and str(status) not in responses:
                    responses[status] = _answer(status)
    return schema


def _answer(status: int) -> dict:
    return {"description": _REASONS.get(status, "Refused: see `code`."),
            "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
