"""The OpenAPI 3.1 description of /api/v1, written by hand beside the views it describes (a
test checks that every route is documented and every documented route exists, and schemathesis
checks the answers against it), and the curl examples the /api page shows."""
from __future__ import annotations

import json
import shlex

from portal.blacklist.models import BlacklistReason, BlacklistState
from portal.casework.models import Category
from portal.disclosures.models import PenaltyCategory
from portal.hotline import openapi as hotline
from portal.i18n import _l
from portal.institutions.models import InstitutionKind

MAX_ID = 2**31 - 1


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, example=None) -> dict:
    content: dict = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


ERROR = _ref("Error")
ERRORS = {
    "400": _json(ERROR, "A parameter is malformed.",
                 {"error": {"code": "invalid_parameter", "message": "page：应为 1 至 100000 的整数。"}}),
    "404": _json(ERROR, "Nothing has this id or address.", {"error": {"code": "not_found", "message": "页面未找到"}}),
    "405": _json(ERROR, "The method is not allowed here."),
    "429": _json(ERROR, "Too many requests; the Retry-After header says when to try again."),
}
BODY_ERRORS = {
    "400": _json(ERROR, "The body is not valid JSON."),
    "413": _json(ERROR, "The body is larger than 64 KiB."),
    "415": _json(ERROR, "The body is not application/json (form-encoded bodies are refused)."),
    "422": _json(ERROR, "Fields are missing, of the wrong type or not valid; `fields` says which.",
                 {"error": {"code": "invalid_fields", "message": "部分内容需要修改，请看各项提示。",
                            "fields": {"description": ["请至少写 20 个字，以便我们处理。"]}}}),
}


def _page_of(item: str) -> dict:
    return {"type": "object",
            "required": ["items", "page", "page_size", "total", "more", "pages", "next", "previous"],
            "properties": {"items": {"type": "array", "items": _ref(item)},
                           "page": {"type": "integer", "minimum": 1},
                           "page_size": {"type": "integer", "minimum": 1},
                           "total": {"type": "integer", "minimum": 0},
                           "more": {"type": "boolean", "description": "True when there are more matches than "
                                                                     "`total` (searches count up to 1,000)."},
                           "pages": {"type": "integer", "minimum": 1},
                           "next": {"type": ["string", "null"], "description": "The next page's address, or null."},
                           "previous": {"type": ["string", "null"]}}}


def _labelled(values: list[str] | None = None) -> dict:
    code: dict = {"type": "string"}
    if values:
        code["enum"] = values
    return {"type": "object", "required": ["code", "label"],
            "properties": {"code": code, "label": {"type": "string", "description": "In the request's language."}}}


NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
MOMENT = {"type": ["string", "null"], "format": "date-time"}
MONEY = {"type": ["string", "null"], "pattern": r"^\d+\.\d{2}$", "description": "Yuan, as a decimal string."}


def _query(name: str, description: str, schema: dict, example=None) -> dict:
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


Q = _query("q", "Any part of a name (one Chinese character is enough), or a code.",
           {"type": "string", "maxLength": 100}, "艺术")
REGION = _query("region", "A six-digit area code (GB/T 2260); a province or city includes what lies within it.",
                {"type": "string", "pattern": r"^\d{6}$"}, "330106")
PAGE = _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 100000}, 1)


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "array",
                                                                             "items": {"type": "string"}}}}}}},
    "Region": {"type": "object",
               "required": ["code", "name_zh", "name_en", "level", "parent_code", "path_zh", "path_en", "current"],
               "properties": {"code": {"type": "string", "pattern": r"^\d{6}$"}, "name_zh": {"type": "string"},
                              "name_en": {"type": "string"},
                              "level": {"type": "string", "enum": ["province", "prefecture", "county"]},
                              "parent_code": NULLABLE_STRING, "path_zh": {"type": "string"},
                              "path_en": {"type": "string"}, "current": {"type": "boolean"}},
               "example": {"code": "330106", "name_zh": "西湖区", "name_en": "Xihu District", "level": "county",
                           "parent_code": "330100", "path_zh": "浙江省杭州市西湖区",
                           "path_en": "Xihu District, Hangzhou City, Zhejiang Province", "current": True}},
    "Institution": {"type": "object",
                    "required": ["id", "name", "uscc", "region_code", "region", "address", "kind", "licence_status",
                                 "licence_number", "registration_type", "on_national_platform"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "uscc": NULLABLE_STRING,
                                   "region_code": {"type": "string"}, "region": {"type": "string"},
                                   "address": {"type": "string"},
                                   "kind": _labelled([k.value for k in InstitutionKind]),
                                   "licence_status": _labelled(), "licence_number": NULLABLE_STRING,
                                   "registration_type": _labelled(), "on_national_platform": {"type": "boolean"},
                                   "annual_inspection": _labelled(["passed", "failed", "not_inspected"]),
                                   "annual_inspection_year": {"type": ["integer", "null"]},
                                   "whitelisted": {"type": ["boolean", "null"],
                                                   "description": "Licensed, registered, last annual inspection "
                                                                  "passed, on the national platform and no "
                                                                  "unrectified violation, today."}}},
    "Disclosure": {"type": "object",
                   "required": ["id", "decision_number", "party_name", "party_type", "region_code", "violation",
                                "penalties", "decision_date", "published_until", "withdrawn"],
                   "properties": {"id": {"type": "integer"}, "decision_number": {"type": "string"},
                                  "party_name": {"type": "string",
                                                 "description": "An individual's name is masked: 王**."},
                                  "party_type": _labelled(), "uscc": NULLABLE_STRING,
                                  "legal_representative": {"type": "string"},
                                  "institution_id": {"type": ["integer", "null"]}, "region_code": {"type": "string"},
                                  "region": {"type": "string"}, "violation": _labelled([c.value for c in Category]),
                                  "facts": {"type": "string"}, "legal_basis": {"type": "string"},
                                  "penalties": {"type": "array",
                                                "items": _labelled([p.value for p in PenaltyCategory])},
                                  "penalty_content": {"type": "string"}, "fine_amount": MONEY,
                                  "confiscated_amount": MONEY, "decision_date": DATE, "valid_until": NULLABLE_DATE,
                                  "published_until": NULLABLE_DATE, "authority_name": {"type": "string"},
                                  "authority_uscc": {"type": "string"}, "data_source": {"type": "string"},
                                  "remarks": {"type": "string"}, "withdrawn": {"type": "boolean"},
                                  "withdrawal_reason": NULLABLE_STRING, "published_at": MOMENT}},
    "BlacklistEntry": {
        "type": "object",
        "required": ["id", "name", "uscc", "address", "region_code", "region", "training_type", "reason", "facts",
                     "authority_name", "listed_on", "decision_numbers", "status", "removed_on", "removal_reason"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "uscc": {"type": ["string", "null"], "description": "Null for an operator without a code."},
                       "address": {"type": "string"}, "region_code": {"type": "string"}, "region": {"type": "string"},
                       "training_type": _labelled([k.value for k in InstitutionKind]),
                       "reason": _labelled([r.value for r in BlacklistReason]), "facts": {"type": "string"},
                       "authority_name": {"type": "string"}, "listed_on": NULLABLE_DATE,
                       "batch": NULLABLE_STRING, "cutoff_date": NULLABLE_DATE, "outcome": NULLABLE_STRING,
                       "decision_numbers": {"type": "array", "items": {"type": "string"}},
                       "status": _labelled([s.value for s in BlacklistState]), "removed_on": NULLABLE_DATE,
                       "removal_reason": NULLABLE_STRING, "institution_id": {"type": ["integer", "null"]},
                       "history": {"type": "array", "description": "Only on /blacklist/{id}.", "items": {
                           "type": "object", "required": ["step", "at", "note"],
                           "properties": {"step": {"type": "string"}, "at": MOMENT, "note": NULLABLE_STRING}}},
                       "disclosures": {"type": "array", "description": "Only on /blacklist/{id}.", "items": {
                           "type": "object", "required": ["id", "decision_number"],
                           "properties": {"id": {"type": "integer"}, "decision_number": {"type": "string"}}}}},
        "example": {"id": 3, "name": "西宁市城西区某某托管班", "uscc": None, "address": "城西区五四西路某小区",
                    "region_code": "630104", "region": "青海省西宁市城西区",
                    "training_type": {"code": "subject", "label": "学科类"},
                    "reason": {"code": "unlicensed", "label": "无证无照经营"},
                    "facts": "未取得办学许可证开展学科类培训。",
                    "authority_name": "西宁市城西区教育局", "listed_on": "2026-06-01", "batch": "2026年第一批",
                    "cutoff_date": "2026-05-31", "outcome": "责令停止办学", "decision_numbers": [],
                    "status": {"code": "listed", "label": "已列入"}, "removed_on": None, "removal_reason": None,
                    "institution_id": None}},
    "ComplaintRequest": {
        "type": "object", "additionalProperties": False, "required": ["category", "description", "identity"],
        "properties": {
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "institution_id": {"type": ["integer", "null"],
                               "description": "The registry id; leave out or null if it is not in the registry."},
            "institution_name": {"type": "string", "maxLength": 200,
                                 "description": "Required without institution_id: the name it uses."},
            "institution_address": {"type": "string", "maxLength": 300,
                                    "description": "Required without institution_id: where it operates."},
            "region": {"type": "string", "description": "Required without institution_id: the county's code."},
            "description": {"type": "string", "minLength": 20, "maxLength": 5000},
            "occurred_on": {"type": ["string", "null"], "format": "date",
                            "description": "Required unless ongoing is true; not in the future."},
            "ongoing": {"type": "boolean"},
            "identity": {"type": "string", "enum": ["anonymous", "named"]},
            "name": {"type": "string", "maxLength": 50, "description": "Required when named. Sealed at once."},
            "phone": {"type": "string", "maxLength": 20, "description": "Required when named: 11-digit mobile."},
            "email": {"type": "string", "maxLength": 254},
            "id_number": {"type": "string", "maxLength": 30},
            "notify_by": {"type": "string", "enum": ["sms", "email", "letter"],
                          "description": "When named: how the reporter is told of news and notices (default "
                                         "sms, to the phone; email needs email; letter needs postal_address)."},
            "postal_address": {"type": "string", "maxLength": 200,
                               "description": "Required when notify_by is letter: where notices are posted."},
            "notify": {"type": "boolean", "deprecated": True,
                       "description": "Before notify_by: true is notify_by \"email\"."}},
        "example": {"category": "unlicensed", "institution_name": "小蜜蜂学习屋",
                    "institution_address": "杭州市西湖区文三路100号", "region": "330106",
                    "description": "周末给小学生上数学课，没有任何证照，还要求预交一年学费。",
                    "occurred_on": "2026-11-01", "identity": "anonymous"}},
    "ComplaintFiled": {"type": "object",
                       "required": ["case_number", "receipt", "status", "received_on", "acceptance_due", "track"],
                       "properties": {"case_number": {"type": "string"},
                                      "receipt": {"type": "string",
                                                  "pattern": "^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$",
                                                  "description": "Shown once. Keep it: it is the only way to "
                                                                 "follow the case."},
                                      "status": _labelled(), "received_on": DATE, "acceptance_due": DATE,
                                      "track": {"type": "string"}},
                       "example": {"case_number": "330106-20261122-0007", "receipt": "7K2M-9QXD-4HTB-PW3N",
                                   "status": {"code": "registered", "label": "已登记"}, "received_on": "2026-11-22",
                                   "acceptance_due": "2026-12-07", "track": "/api/v1/complaints/status"}},
    "StatusRequest": {"type": "object", "additionalProperties": False, "required": ["receipt"],
                      "properties": {"receipt": {"type": "string", "maxLength": 64}},
                      "example": {"receipt": "7K2M-9QXD-4HTB-PW3N"}},
    "ComplaintStatus": {
        "type": "object",
        "required": ["case_number", "status", "category", "received_on", "next_deadline", "reply", "rating",
                     "timeline"],
        "properties": {
            "case_number": {"type": "string"},
            "status": {"type": "object", "required": ["code", "label", "description"],
                       "properties": {"code": {"type": "string"}, "label": {"type": "string"},
                                      "description": {"type": "string"}}},
            "category": _labelled(), "received_on": DATE,
            "next_deadline": {"type": ["object", "null"], "required": ["what", "date", "provisional"],
                              "properties": {"what": {"type": "string"}, "date": DATE,
                                             "provisional": {"type": "boolean"}}},
            "reply": {"type": ["object", "null"], "required": ["at", "text"],
                      "properties": {"at": MOMENT, "text": {"type": "string"}}},
            "rating": {"oneOf": [_labelled(), {"type": "null"}]},
            "timeline": {"type": "array", "items": {
                "type": "object", "required": ["kind", "at", "text", "by", "files"],
                "properties": {"kind": _labelled(), "at": MOMENT, "text": NULLABLE_STRING, "by": NULLABLE_STRING,
                               "files": {"type": "integer", "minimum": 0}}}}}},
}


def _get(summary: str, parameters: list[dict], ok: dict, with_404: bool = False) -> dict:
    responses = {"200": ok, "400": ERRORS["400"], "405": ERRORS["405"], "429": ERRORS["429"]}
    if with_404:
        responses["404"] = ERRORS["404"]
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def paths() -> dict:
    return {
        "/api/v1/regions": _get(
            "Administrative divisions (GB/T 2260)",
            [_query("q", "Part of a name or the start of a code.", {"type": "string", "maxLength": 100}, "西湖"),
             _query("parent", "A division's code: its children are listed.", {"type": "string",
                                                                               "pattern": r"^\d{6}$"}, "330100")],
            _json({"type": "object", "required": ["items"],
                   "properties": {"items": {"type": "array", "items": _ref("Region")}}}, "Divisions.")),
        "/api/v1/institutions": _get(
            "Search the registry of training institutions",
            [Q, REGION, _query("kind", "Kind of training.", {"type": "string",
                                                            "enum": [k.value for k in InstitutionKind]}),
             _query("whitelisted", "true for whitelisted institutions only.",
                    {"type": "string", "enum": ["true", "false"]}), PAGE],
            _json(_page_of("Institution"), "One page of institutions.")),
        "/api/v1/institutions/{institution_id}": _get(
            "One institution", [_id("institution_id")], _json(_ref("Institution"), "The institution."), True),
        "/api/v1/blacklist": _get(
            "The blacklist of training institutions and unregistered operators",
            [Q, REGION, _query("reason", "Coded reason for listing.",
                               {"type": "string", "enum": [r.value for r in BlacklistReason]}),
             _query("removed", "true to include removed entries (marked as removed).",
                    {"type": "string", "enum": ["true", "false"]}), PAGE],
            _json(_page_of("BlacklistEntry"), "One page of entries, latest listing first.")),
        "/api/v1/blacklist/{entry_id}": _get(
            "One blacklist entry with its public history and linked penalty decisions", [_id("entry_id")],
            _json(_ref("BlacklistEntry"), "The entry."), True),
        "/api/v1/disclosures": _get(
            "Penalty decisions within their publication period",
            [Q, REGION, _query("violation", "Violation type.", {"type": "string", "enum": [c.value for c in Category]}),
             _query("penalty", "Penalty category.", {"type": "string",
                                                     "enum": [p.value for p in PenaltyCategory]}),
             _query("decided_from", "Decided on or after.", DATE, "2026-01-01"),
             _query("decided_to", "Decided on or before.", DATE, "2026-12-31"), PAGE],
            _json(_page_of("Disclosure"), "One page of penalty decisions.")),
        "/api/v1/disclosures/{disclosure_id}": _get(
            "One penalty decision", [_id("disclosure_id")], _json(_ref("Disclosure"), "The decision."), True),
        "/api/v1/complaints": {"post": {
            "summary": "File a complaint",
            "description": "The same rules as the form on /complaints/new. Send an Idempotency-Key so that a "
                           "retry after a lost answer (from the same address, within 15 minutes) returns the "
                           "same receipt instead of filing twice. "
                           "Evidence files are added afterwards on the tracking page.",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{16,128}$"},
                            "example": "4f0c2c1e-8d4b-4a58-9d61-2f3c9e1b7a10"}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ComplaintRequest")}}},
            "responses": {"201": _json(_ref("ComplaintFiled"), "Filed (or the same request replayed)."),
                          **BODY_ERRORS,
                          "409": _json(ERROR, "Filed with this key too long ago to show the receipt again."),
                          "405": ERRORS["405"], "429": ERRORS["429"]}}},
        "/api/v1/complaints/status": {"post": {
            "summary": "Follow a case with its receipt code",
            "description": "The receipt goes in the body, never in an address.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("StatusRequest")}}},
            "responses": {"200": _json(_ref("ComplaintStatus"), "Status, public timeline and written reply."),
                          **BODY_ERRORS, "404": ERRORS["404"], "405": ERRORS["405"], "429": ERRORS["429"]}}},
        **hotline.paths(),
        "/api/v1/openapi.json": {"get": {"summary": "This document",
                                         "responses": {"200": {"description": "OpenAPI 3.1",
                                                               "content": {"application/json": {}}}}}},
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "校外培训监管服务平台 开放数据接口 / Off-campus training supervision open data API",
                 "version": "1.0.0",
                 "description": "Public lists as JSON, and filing and following a complaint: no key or cookie "
                                "is needed, except for the signed partner API of the 12345 hotline (its own tag). "
                                "Text is UTF-8; "
                                "dates are ISO 8601; times carry their offset (+08:00); "
                                "money is a decimal string in yuan. Messages follow Accept-Language "
                                "(zh-CN or en)."},
        "servers": [{"url": "/"}],
        "paths": paths(),
        "tags": [hotline.TAG_DOC],
        "components": {"schemas": {**SCHEMAS, **hotline.SCHEMAS}},
    }


def curl_examples(base: str) -> list[tuple[str, str]]:
    """(what it does, the command) for the /api page; a test runs each against a live server."""
    complaint = json.dumps(SCHEMAS["ComplaintRequest"]["example"], ensure_ascii=False)
    return [
        (_l("Find institutions whose name contains 艺术 (art)"),
         f"curl -s --get {shlex.quote(base + '/api/v1/institutions')} --data-urlencode 'q=艺术'"),
        (_l("Blacklisted operators in Xining (630100), removed ones included"),
         f"curl -s {shlex.quote(base + '/api/v1/blacklist?region=630100&removed=true')}"),
        (_l("Penalty decisions in Xihu District (330106)"),
         f"curl -s {shlex.quote(base + '/api/v1/disclosures?region=330106')}"),
        (_l("The districts and counties of Hangzhou (330100)"),
         f"curl -s {shlex.quote(base + '/api/v1/regions?parent=330100')}"),
        (_l("File a complaint; the answer holds the receipt code, shown only this once"),
         f"curl -s -X POST {shlex.quote(base + '/api/v1/complaints')} -H 'Content-Type: application/json' "
         f"-H 'Idempotency-Key: 4f0c2c1e-8d4b-4a58-9d61-2f3c9e1b7a10' -d {shlex.quote(complaint)}"),
        (_l("Follow the case: put your own receipt code in place of the example"),
         f"curl -s -X POST {shlex.quote(base + '/api/v1/complaints/status')} -H 'Content-Type: application/json' "
         "-d '{\"receipt\": \"7K2M-9QXD-4HTB-PW3N\"}'"),
    ]
