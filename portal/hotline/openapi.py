"""The partner API's part of the OpenAPI document (tag "12345 hotline"), merged by `portal.api.openapi`."""
from __future__ import annotations

from portal.casework.models import Category

TAG = "12345 hotline"
TAG_DOC = {"name": TAG, "description": "Work orders from a city's 12345 platform, for partners with client "
                                       "credentials only. Every request is signed (HMAC-SHA256 over the method, "
                                       "path, timestamp, nonce and the body's SHA-256); see docs/hotline-12345.md "
                                       "for the canonical string, the callbacks and a worked example."}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


SIGNED = [
    {"name": "X-Hotline-Client", "in": "header", "required": True, "description": "The partner's client id.",
     "schema": {"type": "string", "maxLength": 40}, "example": "hl_0a1b2c3d4e5f60718293a4b5"},
    {"name": "X-Hotline-Timestamp", "in": "header", "required": True,
     "description": "Unix seconds; within 300 seconds of our clock.", "schema": {"type": "string",
                                                                                 "pattern": "^[0-9]{1,12}$"}},
    {"name": "X-Hotline-Nonce", "in": "header", "required": True,
     "description": "A new random value for every request (a nonce seen before is a replay).",
     "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"}},
    {"name": "X-Hotline-Signature", "in": "header", "required": True,
     "description": "Lower-case hex HMAC-SHA256 of the canonical string under the partner's secret.",
     "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
]
ORDER_NUMBER = {"name": "order_number", "in": "path", "required": True,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}, "example": "HZ20261201000123"}
REFUSALS = {
    "401": _error("Not signed, not rightly, by a stopped or unknown partner, or the timestamp is more than 5 "
                  "minutes away (codes signature_refused, stale_request)."),
    "405": _error("The method is not allowed here."),
    "409": _error("A replayed nonce (replayed), or an order number sent before with other content "
                  "(order_conflict)."),
}
BODY_REFUSALS = {
    "400": _error("The body is not a JSON object in UTF-8."),
    "413": _error("The body is larger than 64 KiB."),
    "422": _error("Fields missing or not valid; `fields` names each."),
}
DATE = {"type": "string", "format": "date"}
LABELLED = {"type": "object", "required": ["code", "label"],
            "properties": {"code": {"type": "string"}, "label": {"type": "string", "description": "In Chinese."}}}

SCHEMAS = {
    "HotlineOrder": {
        "type": "object", "additionalProperties": False,
        "required": ["order_number", "received_on", "region", "category", "description", "institution_name"],
        "properties": {
            "order_number": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "received_on": {**DATE, "description": "The day the hotline took the call; the time limits run from "
                                                  "it. Not in the future, at most 366 days back."},
            "region": {"type": "string", "pattern": r"^\d{6}$",
                       "description": "The county-level area code (GB/T 2260), inside the region the partner "
                                      "serves."},
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "description": {"type": "string", "minLength": 20, "maxLength": 5000},
            "institution_name": {"type": "string", "minLength": 1, "maxLength": 200},
            "institution_address": {"type": "string", "maxLength": 300},
            "occurred_on": {"type": ["string", "null"], "format": "date",
                            "description": "Required unless ongoing is true."},
            "ongoing": {"type": "boolean"},
            "caller": {"type": ["object", "null"], "additionalProperties": False, "required": ["name", "phone"],
                       "description": "The caller, sealed at once (only the identity custodian's reveal opens "
                                      "it); null for an anonymous caller.",
                       "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 50},
                                      "phone": {"type": "string", "minLength": 1, "maxLength": 20}}}},
        "example": {"order_number": "HZ20261201000123", "received_on": "2026-12-01", "region": "330106",
                    "category": "unlicensed", "institution_name": "小蜜蜂学习屋",
                    "institution_address": "杭州市西湖区文三路100号",
                    "description": "来电人反映：该机构周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
                    "occurred_on": "2026-11-28", "ongoing": True,
                    "caller": {"name": "张女士", "phone": "13900000000"}}},
    "HotlineOrderState": {
        "type": "object",
        "required": ["order_number", "case_number", "status", "received_on", "acceptance_due", "conclusion_due",
                     "return_by"],
        "properties": {"order_number": {"type": "string"}, "case_number": {"type": "string"}, "status": LABELLED,
                       "received_on": DATE, "acceptance_due": DATE,
                       "conclusion_due": {"type": ["string", "null"], "format": "date"},
                       "return_by": {"type": ["string", "null"], "format": "date",
                                     "description": "The last day the office may return the order as "
                                                    "misrouted (信访工作条例 第二十三条)."}},
        "example": {"order_number": "HZ20261201000123", "case_number": "330106-20261201-0003",
                    "status": {"code": "registered", "label": "已登记"}, "received_on": "2026-12-01",
                    "acceptance_due": "2026-12-16", "conclusion_due": None, "return_by": "2026-12-08"}},
    "HotlineUrging": {"type": "object", "additionalProperties": False, "required": ["message"],
                      "properties": {"message": {"type": "string", "minLength": 1, "maxLength": 2000}},
                      "example": {"message": "来电人再次来电催促，请尽快处理并答复。"}},
    "HotlineUrged": {"type": "object", "required": ["order_number", "recorded_at"],
                     "properties": {"order_number": {"type": "string"},
                                    "recorded_at": {"type": "string", "format": "date-time"}}},
}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def paths() -> dict:
    """The partner API's operations."""
    body = {"required": True, "content": {"application/json": {"schema": _ref("HotlineOrder")}}}
    return {
        "/api/v1/hotline/orders": {"post": {
            "tags": [TAG], "summary": "Send a work order (it becomes a case of source 12345)",
            "description": "Idempotent by order_number: the same order again answers 200 with the same case; "
                           "other content under the same number is refused (409 order_conflict).",
            "parameters": SIGNED, "requestBody": body,
            "responses": {"201": _json("HotlineOrderState", "Filed as a case."),
                          "200": _json("HotlineOrderState", "Sent before: the same case."),
                          **REFUSALS, **BODY_REFUSALS}}},
        "/api/v1/hotline/orders/{order_number}": {"get": {
            "tags": [TAG], "summary": "Where one of your orders stands",
            "description": "Sign it with an empty body.",
            "parameters": [*SIGNED, ORDER_NUMBER],
            "responses": {"200": _json("HotlineOrderState", "The case's state and time limits."),
                          "404": _error("You sent no order with this number."), **REFUSALS}}},
        "/api/v1/hotline/orders/{order_number}/urgings": {"post": {
            "tags": [TAG], "summary": "Send a reminder (催办) on an order",
            "description": "Recorded on the case's timeline for the office's staff and marked in their inbox.",
            "parameters": [*SIGNED, ORDER_NUMBER],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("HotlineUrging")}}},
            "responses": {"201": _json("HotlineUrged", "Recorded."),
                          "404": _error("You sent no order with this number."), **REFUSALS, **BODY_REFUSALS}}},
    }
