"""The OpenAPI 3.1 document of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""
from __future__ import annotations

from typing import Any

from survey.api.submissions import (
    CASE_REF_MAX, CHANNELS, CLIENT_ID_MAX, LANGUAGES, MAX_ANSWERS, MAX_LIST_ITEMS, TOKEN_MAX,
)
from survey.collect.fields import TEXT_MAX_CHARS
from survey.services.bounded_numbers import MAX_MAGNITUDE
from survey.services.inbound_json import MAX_BYTES, MAX_DEPTH
from survey.services.segment_attributes import (
    KEY_PATTERN, MAX_ATTRIBUTES, MAX_KEY_LENGTH, MAX_VALUE_LENGTH,
)

_ERROR = {"$ref": "#/components/schemas/Error"}
#: Text without NUL (lone surrogates, which JSON Schema cannot name, are refused as well).
NO_NUL = r"^[^\u0000]*$"


def _text(max_length: int | None = None, **rules: Any) -> dict[str, Any]:
    """A JSON string the server stores: no NUL, at most ``max_length`` characters."""
    schema: dict[str, Any] = {"type": "string", "pattern": NO_NUL, **rules}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


#: A number the server accepts: finite and below 10**15 in magnitude (the bounded parser's rule).
_NUMBER = {"type": "number", "exclusiveMinimum": -MAX_MAGNITUDE, "exclusiveMaximum": MAX_MAGNITUDE}
#: Segment attributes: the shared rule of :mod:`survey.services.segment_attributes`.
_SEGMENT = {
    "type": "object", "maxProperties": MAX_ATTRIBUTES,
    "propertyNames": {"type": "string", "pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH},
    "additionalProperties": {"anyOf": [
        _text(MAX_VALUE_LENGTH),
        {"type": "integer", "minimum": -(10 ** 15 - 1), "maximum": 10 ** 15 - 1},
        _NUMBER, {"type": "boolean"}, {"type": "null"}]},
    "description": f"Segment attributes of the customer: at most {MAX_ATTRIBUTES} attributes, "
                   f"names matching `{KEY_PATTERN}`, values text of at most {MAX_VALUE_LENGTH} "
                   "characters, a finite number (whole numbers of at most 15 digits), true/false "
                   "or null (not given). No text may hold NUL or lone surrogates.",
}
_ANSWER_VALUE = {"anyOf": [
    _text(TEXT_MAX_CHARS), _NUMBER, {"type": "boolean"},
    {"type": "array", "maxItems": MAX_LIST_ITEMS, "items": _text()}, {"type": "null"}]}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "The body is not JSON", 401: "Missing, unknown or revoked token",
            403: "The token's role does not allow this", 404: "Not found",
            409: "Conflict", 413: "The body is too large", 422: "Validation failed",
            429: "Too many requests for this token or address: retry after the Retry-After "
                 "header's seconds",
            503: "The database is unavailable just now: nothing was half-written; retry after "
                 "the Retry-After header's seconds"}
    return {str(code): _json(_ERROR, text[code]) for code in codes}


def _questionnaire_id() -> dict[str, Any]:
    return {"name": "questionnaire_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"}, "message": {"type": "string"},
                "path": {"type": "string", "description": "JSON pointer of the bad value in a "
                         "rejected body (`/segment/region`)"},
                "rule": {"type": "string", "description": "The body rule broken: size, encoding, "
                         "syntax, depth, not_finite, number_length or characters"},
                "fields": {"type": "object", "description": "Messages per field; answer errors "
                           "are keyed `answers.<variable code>`.",
                           "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "report": {"$ref": "#/components/schemas/ImportReport"},
            }}},
    },
    "ResponseSubmission": {
        "type": "object", "required": ["client_id", "answers"], "additionalProperties": False,
        "properties": {
            "client_id": {**_text(CLIENT_ID_MAX, minLength=1),
                          "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$",
                          "description": "Idempotency key chosen by the client: an identical repeat "
                                         "returns the first response (200); different content → 409."},
            "answers": {"type": "object", "maxProperties": MAX_ANSWERS,
                        "description": "Answer-variable code → value (number, choice code, list of "
                        "choice codes, text, YYYY-MM-DD, true/false for yes/no). Checked with the "
                        "same rules as the web form: numbers below 1e15 in magnitude, text answers "
                        f"of at most {TEXT_MAX_CHARS:,} characters by default (the server's "
                        "ANSWER_TEXT_MAX_CHARS), without NUL or lone surrogates.",
                        "propertyNames": {"type": "string", "pattern": NO_NUL},
                        "additionalProperties": _ANSWER_VALUE},
            "language": {"enum": list(LANGUAGES)},
            "channel": {"enum": list(CHANNELS), "default": "api"},
            "segment": _SEGMENT,
            "case_ref": {**_text(CASE_REF_MAX),
                         "description": "Links the response to a complaint case."},
            "invitation_token": {**_text(TOKEN_MAX),
                                 "description": "Answers this personal invitation (one response "
                                                "per invitation)."},
            "consent": {"type": "boolean",
                        "description": "The respondent accepted the questionnaire's consent statement. "
                                       "Required (true) when the questionnaire asks for consent; the "
                                       "statement's version is stored with the response."},
        },
    },
    "ResponseCreated": {
        "type": "object", "required": ["id", "client_id", "status", "version"],
        "properties": {"id": {"type": "integer"}, "client_id": {"type": "string"},
                       "status": {"const": "complete"}, "version": {"type": "integer"},
                       "complaint_case_id": {"type": ["integer", "null"]},
                       "followup_task_id": {"type": ["integer", "null"]}},
    },
    "ComplaintCase": {
        "type": "object", "required": ["case_id", "customer_ref", "resolution_status", "opened_at"],
        "properties": {
            "case_id": _text(128, minLength=1),
            "customer_ref": _text(128, minLength=1),
            "category": _text(), "channel": _text(), "handler": _text(),
            "resolution_status": {"enum": ["open", "resolved", "partly_resolved", "unresolved"]},
            "opened_at": {**_text(minLength=1),
                          "description": "ISO 8601 date or date-time (UTC if no offset)"},
            "resolved_at": {"anyOf": [_text(), {"type": "null"}],
                            "description": "Required unless the case is open"},
            "language": {"enum": ["zh_CN", "en"]},
            "segment": _SEGMENT,
        },
        "propertyNames": {"type": "string", "pattern": NO_NUL},
        "additionalProperties": {"anyOf": [_text(MAX_VALUE_LENGTH),
                                           _NUMBER, {"type": "null"}],
                                 "description": "Other fields are segment attributes (the same "
                                                "limits as `segment`)."},
    },
    "ComplaintCaseImport": {
        "type": "object", "required": ["cases"], "additionalProperties": False,
        "properties": {"cases": {"type": "array", "minItems": 1, "maxItems": 10000,
                                 "items": {"$ref": "#/components/schemas/ComplaintCase"}},
                       "followup_questionnaire_id": {"type": "integer", "minimum": 1,
                                                     "maximum": 2**31 - 1}},
    },
    "ImportReport": {
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"}, "rows": {"type": "integer"}, "created": {"type": "integer"},
            "updated": {"type": "integer"}, "invited": {"type": "integer"}, "truncated": {"type": "boolean"},
            "problems": {"type": "array", "items": {
                "type": "object",
                "properties": {"row": {"type": "integer", "description": "Record number, from 1"},
                               "column": {"type": "string"}, "value": {"type": "string"},
                               "rule": {"type": "string"}, "message_en": {"type": "string"},
                               "message_zh": {"type": "string"}}}},
        },
    },
    "Counts": {
        "type": "object",
        "properties": {
            "questionnaire_id": {"type": "integer"},
            "total": {"$ref": "#/components/schemas/StatusCounts"},
            "versions": {"type": "array", "items": {
                "type": "object",
                "properties": {"version": {"type": "integer"}, "version_id": {"type": "integer"},
                               "total": {"$ref": "#/components/schemas/StatusCounts"},
                               "channels": {"type": "object", "additionalProperties":
                                            {"$ref": "#/components/schemas/StatusCounts"}}}}},
        },
    },
    "StatusCounts": {"type": "object", "properties": {"complete": {"type": "integer"},
                                                       "partial": {"type": "integer"}}},
}


def openapi_document(server_url: str = "/api/v1") -> dict[str, Any]:
    """The document; ``server_url`` is where the API is served."""
    secured = [{"bearerAuth": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Xinsheng API", "version": "1.0.0",
                 "description": "Submit complete responses from other channels, import complaint "
                                "cases and read response counts. Authenticate with "
                                "`Authorization: Bearer <token>` (`flask api-tokens create`). "
                                "Request bodies are JSON (UTF-8) of at most "
                                f"{MAX_BYTES // (1024 * 1024)} MB by default and {MAX_DEPTH} levels "
                                "of nesting, with finite numbers only (no NaN or Infinity) and no "
                                "NUL or lone surrogate in any string or key; otherwise 400 (413 for "
                                "size) with the JSON path and the rule broken. A "
                                "revoked token, a newly published version or an archived "
                                "questionnaire takes effect within 2 seconds on every server "
                                "process."},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/openapi.json": {"get": {
                "operationId": "getOpenApi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              **_errors(429)}}},
            "/questionnaires/{questionnaire_id}/responses": {"post": {
                "operationId": "submitResponse", "summary": "Submit one complete response",
                "description": "Role designer or admin. Validated like the web form.",
                "security": secured, "parameters": [_questionnaire_id()],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ResponseSubmission"}}}},
                "responses": {
                    "201": _json({"$ref": "#/components/schemas/ResponseCreated"}, "Stored"),
                    "200": _json({"$ref": "#/components/schemas/ResponseCreated"},
                                 "Identical repeat of an earlier submission (same client_id)"),
                    **_errors(400, 401, 403, 404, 409, 413, 422, 429, 503)}}},
            "/complaint-cases": {"post": {
                "operationId": "importComplaintCases", "summary": "Import (upsert) complaint cases",
                "description": "Role designer, analyst or admin. All or nothing; upsert by case_id; "
                               "closed cases past the follow-up delay are invited once. "
                               "Rules that depend on the values together (dates that parse, "
                               "resolved_at not before opened_at, a customer reachable for "
                               "the follow-up) answer 422 with a report naming each row, "
                               "column and rule; nothing is imported then.",
                "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ComplaintCaseImport"}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/ImportReport"}, "Imported"),
                              **_errors(400, 401, 403, 404, 413, 422, 429, 503)}}},
            "/questionnaires/{questionnaire_id}/counts": {"get": {
                "operationId": "getCounts", "summary": "Complete and partial responses per version and channel",
                "security": secured, "parameters": [_questionnaire_id()],
                "responses": {"200": _json({"$ref": "#/components/schemas/Counts"}, "Counts"),
                              **_errors(401, 403, 404, 429, 503)}}},
        },
    }
