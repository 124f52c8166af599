"""The OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json.

Tests validate real responses against these schemas, generate a typed client from it and run the
portal's flow with that client, so this document and the code cannot drift apart silently. The
query parameters it lists for an operation are the only ones the server accepts (api/app.py,
known_parameters).
"""

from __future__ import annotations

import functools
from pathlib import Path

import orjson

from api import params
from search.engine import SORTS
from search.facets import FACETS

CARD_SCHEMA = Path(__file__).resolve().parent.parent / "corpus" / "service-card.schema.json"

_STR = {"type": "string"}
# Text parameters: NUL and U+FFFD (what invalid UTF-8 decodes to) are refused with a 400.
_TEXT_PATTERN = "^[^\\u0000\\ufffd]*$"
_NULLABLE_STR = {"type": ["string", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str, *headers: str) -> dict:
    out = {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}
    out["headers"] = {"Content-Language": {"$ref": "#/components/headers/Content-Language"}}
    for h in headers:
        out["headers"][h] = {"$ref": f"#/components/headers/{h}"}
    return out


def _json(ref: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(ref)}}}


def _response(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


# Reusable responses: every public GET may be answered 304 (If-None-Match), 400 (a parameter, or
# one the operation does not take), 429 (with --rate-limit) and 503 (no index yet, busy, too slow).
RESPONSES = {
    "NotModified": {
        "description": "The client's copy (If-None-Match) is still the answer: same generation, same request.",
        "headers": {
            "ETag": {"$ref": "#/components/headers/ETag"},
            "Cache-Control": {"schema": _STR},
        },
    },
    "BadRequest": _problem("An invalid or unknown parameter, each named in invalid_params."),
    "NotFound": _problem("No such resource."),
    "TooManyRequests": _problem("Too many requests from this address (dargah serve --rate-limit).", "Retry-After"),
    "Unavailable": _problem(
        "No index generation is loaded yet, the server is busy, or the search took too long.", "Retry-After"
    ),
    "Unauthorized": {
        **_problem("No admin token was sent."),
        "headers": {
            "WWW-Authenticate": {"schema": _STR},
            "Content-Language": {"$ref": "#/components/headers/Content-Language"},
        },
    },
    "Forbidden": _problem("The admin token is not valid."),
    "Conflict": _problem("A rebuild is running, or there is nothing to roll back to."),
}
HEADERS = {
    "ETag": {
        "description": "A weak validator of the answer (generation and request): send it back as If-None-Match.",
        "schema": _STR,
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Content-Language": {
        "description": "The language of the problem's title and detail: fa when Accept-Language prefers Persian, "
        "en otherwise.",
        "schema": {"enum": ["fa", "en"]},
    },
}
_PUBLIC_ERRORS = {"400": _response("BadRequest"), "429": _response("TooManyRequests"), "503": _response("Unavailable")}
_CACHED = {"304": _response("NotModified")}

FACET_VALUE = {
    "type": "object",
    "required": ["value", "count", "selected", "label"],
    "properties": {
        "value": {**_STR, "description": "The value as the cards write it: what a filter sends back."},
        "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"},
        "label": {
            **_STR,
            "description": "How to show the value (Persian): citizen → شهروندان, counter_office → دفاتر پیشخوان;"
            " clusters and agencies are their own label.",
        },
    },
}


def _interpretation(kind: str, description: str, to: dict | None) -> dict:
    schema = {
        "type": "object",
        "description": description,
        "required": ["kind", "from", "to"] if to else ["kind", "matched"],
        "properties": {"kind": {"type": "string", "const": kind}},
    }
    if to:
        schema["properties"] |= {"from": {**_STR, "description": "What was typed."}, "to": to}
    else:
        schema["properties"]["matched"] = {"type": "string", "const": "most words"}
    return schema


_TO_TEXT = {**_STR, "description": "What it was read as."}
INTERPRETATIONS = {
    "layout": _interpretation("layout", "The whole query was typed with the keyboard on the English layout.", _TO_TEXT),
    "spoken": _interpretation(
        "spoken", "Spoken forms (space-separated) in their written form (space-separated).", _TO_TEXT
    ),
    "transliteration": _interpretation("transliteration", "A word in Latin letters read as Persian.", _TO_TEXT),
    "synonym": _interpretation(
        "synonym",
        "An expression of the synonym file; its synonyms were searched too.",
        {"type": "array", "items": _STR, "description": "The synonyms searched."},
    ),
    "correction": _interpretation("correction", "A misspelt word and its correction.", _TO_TEXT),
    "split": _interpretation("split", "A word typed without its space, and its two words.", _TO_TEXT),
    "relaxed": _interpretation(
        "relaxed", "Some results match most but not all of the query's words (marked weak).", None
    ),
}
_INTERPRETATION_NAMES = {kind: f"Interpretation{kind.title().replace('_', '')}" for kind in INTERPRETATIONS}


def service_schema() -> dict:
    """The service card's JSON Schema (corpus/service-card.schema.json) plus the derived fields."""
    card = orjson.loads(CARD_SCHEMA.read_bytes())
    for key in ("$schema", "$id"):
        card.pop(key, None)
    card = _typed_enums(card)
    card["title"] = "Service"
    card["description"] = (
        "A service card as the corpus has it (see corpus/service-card.schema.json), with derived fields."
    )
    card["properties"] |= {
        "e_readiness": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Share of its delivery stages that are electronic.",
        },
        "agency_rank": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Its agency's place in the national e-readiness ranking.",
        },
    }
    card["required"] = [*card["required"], "e_readiness", "agency_rank"]
    return card


def card_schema() -> dict:
    """A card as the admin API accepts it."""
    card = _typed_enums(orjson.loads(CARD_SCHEMA.read_bytes()))
    for key in ("$schema", "$id"):
        card.pop(key, None)
    card["title"] = "Card"
    return card


def _typed_enums(schema):
    """Enums of strings with their type said (client generators want the type beside the enum)."""
    if isinstance(schema, dict):
        out = {k: _typed_enums(v) for k, v in schema.items()}
        if "enum" in out and "type" not in out and all(isinstance(v, str) for v in out["enum"]):
            out["type"] = "string"
        return out
    if isinstance(schema, list):
        return [_typed_enums(v) for v in schema]
    return schema


SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details. title, detail and the reasons are in Persian when Accept-Language"
        " prefers fa, in English otherwise.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": _STR,
            "title": _STR,
            "status": {"type": "integer"},
            "detail": _STR,
            "invalid_params": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "reason"],
                    "properties": {"name": _STR, "reason": _STR},
                },
            },
        },
    },
    **{_INTERPRETATION_NAMES[k]: v for k, v in INTERPRETATIONS.items()},
    "Interpretation": {
        "description": "What understanding did to the query, one shape per kind.",
        "oneOf": [_ref(name) for name in _INTERPRETATION_NAMES.values()],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {k: f"#/components/schemas/{name}" for k, name in _INTERPRETATION_NAMES.items()},
        },
    },
    "FacetValue": FACET_VALUE,
    "Hit": {
        "type": "object",
        "required": [
            "id",
            "title",
            "agency",
            "cluster",
            "url",
            "score",
            "weak",
            "snippet",
            "highlights",
            "e_readiness",
            "electronic",
        ],
        "properties": {
            "id": _STR,
            "title": _STR,
            "agency": _STR,
            "cluster": _STR,
            "url": _NULLABLE_STR,
            "score": {"type": "number"},
            "weak": {"type": "boolean", "description": "matched most, not all, of the query's words"},
            "snippet": _STR,
            "highlights": {
                "type": "object",
                "required": ["title", "description"],
                "properties": {"title": _STR, "description": _STR},
                "description": "HTML: card text escaped, matches wrapped in <mark>",
            },
            "e_readiness": {"type": "number", "minimum": 0, "maximum": 1},
            "electronic": {"type": "boolean"},
            "popularity": {"type": ["number", "null"]},
        },
    },
    "Query": {
        "type": "object",
        "description": "How the query was read.",
        "required": ["q", "normalized", "showing_results_for", "did_you_mean", "corrected", "interpretation"],
        "properties": {
            "q": _STR,
            "normalized": _STR,
            "terms": {"type": "array", "items": _STR},
            "showing_results_for": {
                **_NULLABLE_STR,
                "description": "The results are for this text, not for what was typed: the keyboard layout repaired,"
                " Latin letters read as Persian, a misspelt word corrected or split. Say «نتایج برای …» and offer"
                " the search as typed (exact=true).",
            },
            "did_you_mean": {
                **_NULLABLE_STR,
                "description": "A suggestion: the results are for what was typed, this may be what was meant.",
            },
            "corrected": {
                **_NULLABLE_STR,
                "deprecated": True,
                "description": "Deprecated (removed in the next release): did_you_mean if there is one, else"
                " showing_results_for.",
            },
            "interpretation": {"type": "array", "items": _ref("Interpretation")},
            "relaxed": {"type": "boolean"},
            "life_event": {
                "description": "The life situation the query describes, with its services in order, or null.",
                "oneOf": [_ref("LifeEvent"), {"type": "null"}],
            },
        },
    },
    "Facets": {
        "type": "object",
        "description": "The facets asked for (`facets`; every one unless it says otherwise), each value most frequent"
        " first.",
        "properties": {f: {"type": "array", "items": _ref("FacetValue")} for f in FACETS},
        "additionalProperties": False,
    },
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "page", "size", "pages", "hits", "facets", "took_ms"],
        "properties": {
            "query": _ref("Query"),
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 1, "maximum": params.MAX_SIZE},
            "pages": {
                "type": "integer",
                "minimum": 0,
                "description": f"How many pages of this size there are, no deeper than {params.MAX_DEPTH} results.",
            },
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": _ref("Facets"),
            "generation": _STR,
            "took_ms": {"type": "number", "minimum": 0},
        },
    },
    "LifeEvent": {
        "type": "object",
        "description": "A life event and the services a citizen needs in it, in the order they are done.",
        "required": ["id", "name", "title", "steps"],
        "properties": {
            "id": _STR,
            "name": _STR,
            "title": _STR,
            "steps": {
                "type": "array",
                "items": {"type": "object", "required": ["id", "title"], "properties": {"id": _STR, "title": _STR}},
            },
        },
    },
    "LifeEventsResponse": {
        "type": "object",
        "required": ["life_events"],
        "properties": {
            "life_events": {"type": "array", "items": _ref("LifeEvent")},
            "generation": _STR,
        },
    },
    "SuggestResponse": {
        "type": "object",
        "required": ["suggestions"],
        "properties": {
            "suggestions": {
                "type": "array",
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "required": ["text", "id", "kind"],
                    "properties": {
                        "text": _STR,
                        "id": _NULLABLE_STR,
                        "kind": {"type": "string", "enum": ["service", "query"]},
                    },
                },
            }
        },
    },
    "ClustersResponse": {
        "type": "object",
        "required": ["clusters"],
        "properties": {
            "clusters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "count"],
                    "properties": {"value": _STR, "count": {"type": "integer", "minimum": 1}},
                },
            },
            "generation": _STR,
        },
    },
    "AgenciesResponse": {
        "type": "object",
        "required": ["agencies"],
        "properties": {
            "agencies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "count", "e_readiness", "rank"],
                    "properties": {
                        "value": _STR,
                        "count": {"type": "integer", "minimum": 1},
                        "e_readiness": {"type": "number", "minimum": 0, "maximum": 1},
                        "rank": {"type": "integer", "minimum": 1},
                    },
                },
            },
            "generation": _STR,
        },
    },
    "AnalyzeResponse": {
        "type": "object",
        "required": ["normalized", "tokens"],
        "properties": {"normalized": _STR, "tokens": {"type": "array", "items": _STR}},
    },
    "Status": {"type": "object", "required": ["status"], "properties": {"status": _STR, "generation": _STR}},
}


# -- the national e-readiness report (store/report.py) -------------------------------------------

_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_COUNT = {"type": "integer", "minimum": 0}
_STAGE_SHARES = {
    "type": "object",
    "required": ["information", "application", "processing", "delivery"],
    "properties": {s: _SHARE for s in ("information", "application", "processing", "delivery")},
}
_STAGE_FLAGS = {
    "type": "object",
    "required": ["information", "application", "processing", "delivery"],
    "properties": {s: {"type": "boolean"} for s in ("information", "application", "processing", "delivery")},
}
_FIGURES = {
    "count": {"type": "integer", "minimum": 1},
    "e_readiness": _SHARE,
    "rank": {"type": "integer", "minimum": 1},
    "stages": _STAGE_SHARES,
    "fully_electronic": _SHARE,
    "information_only": _SHARE,
    "complete_share": _SHARE,
}
_HEADLINE = {k: _FIGURES[k] for k in ("count", "e_readiness", "rank", "fully_electronic", "complete_share")}
_POINT = {
    "type": "object",
    "required": ["generation", "published_at", "count", "e_readiness"],
    "properties": {"generation": _STR, "published_at": {"type": "string", "format": "date-time"}, **_FIGURES},
}
REPORT_SCHEMAS = {
    "ReportRow": {
        "type": "object",
        "description": "One agency, parent ministry or cluster. `parent` (agencies): its parent ministry or null;"
        " `agencies` (ministries): how many agencies it groups.",
        "required": [*_FIGURES, "value"],
        "properties": {"value": _STR, **_FIGURES, "parent": _NULLABLE_STR, "agencies": _COUNT},
    },
    "Report": {
        "type": "object",
        "required": [
            "generation",
            "services",
            "agencies",
            "e_readiness",
            "stages",
            "fully_electronic",
            "distribution",
            "by_agency",
            "by_parent",
            "by_cluster",
        ],
        "properties": {
            "generation": _STR,
            "published_at": {"type": "string", "format": "date-time"},
            "services": _COUNT,
            "agencies": _COUNT,
            "parents": _COUNT,
            "clusters": _COUNT,
            "e_readiness": _SHARE,
            "stages": _STAGE_SHARES,
            "fully_electronic": _SHARE,
            "information_only": _SHARE,
            "complete_share": _SHARE,
            "distribution": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["e_readiness", "count"],
                    "properties": {
                        "e_readiness": {**_SHARE, "multipleOf": 0.25},
                        "count": _COUNT,
                    },
                },
            },
            **{
                table: {"type": "array", "items": {"$ref": "#/components/schemas/ReportRow"}}
                for table in ("by_agency", "by_parent", "by_cluster")
            },
            "quality": {
                "type": "object",
                "properties": {
                    "checks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["check", "rule", "failing"],
                            "properties": {"check": _STR, "rule": _STR, "failing": _COUNT},
                        },
                    }
                },
            },
            "inquiries": {
                "type": "object",
                "description": "Inquiry lines, those naming no agency of the catalogue, services depending on other"
                " agencies' inquiries (and those of them applied for online), and the most asked agencies.",
                "properties": {
                    "lines": _COUNT,
                    "unrecognised": _COUNT,
                    "services": _COUNT,
                    "electronic_services": _COUNT,
                    "most_asked": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["agency", "services", "agencies", "electronic_services"],
                            "properties": {
                                "agency": _STR,
                                "services": _COUNT,
                                "agencies": _COUNT,
                                "electronic_services": _COUNT,
                            },
                        },
                    },
                },
            },
        },
    },
    "ReportAgency": {
        "type": "object",
        "required": ["generation", "agency", "parent", "figures", "checks", "cards", "inquiries", "history"],
        "properties": {
            "generation": _STR,
            "agency": _STR,
            "parent": _NULLABLE_STR,
            "figures": {"$ref": "#/components/schemas/ReportRow"},
            "checks": {
                "type": "object",
                "description": "Per quality check, the ids of the agency's cards that fail it.",
                "additionalProperties": {"type": "array", "items": _STR},
            },
            "cards": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "e_readiness", "stages", "failed", "depends_on"],
                    "properties": {
                        "id": _STR,
                        "title": _STR,
                        "cluster": _STR,
                        "e_readiness": _SHARE,
                        "stages": _STAGE_FLAGS,
                        "electronic": {"type": "boolean"},
                        "failed": {"type": "array", "items": _STR},
                        "depends_on": {"type": "array", "items": _STR},
                    },
                },
            },
            "inquiries": {
                "type": "object",
                "required": ["depends_on", "asked_by"],
                "properties": {
                    "depends_on": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["agency", "services"],
                            "properties": {"agency": _STR, "services": {"type": "array", "items": _STR}},
                        },
                    },
                    "asked_by": {
                        "type": "object",
                        "required": ["services", "agencies"],
                        "properties": {
                            "services": _COUNT,
                            "agencies": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["agency", "services"],
                                    "properties": {"agency": _STR, "services": _COUNT},
                                },
                            },
                        },
                    },
                },
            },
            "history": {"type": "array", "items": {"type": "object", "properties": _POINT["properties"]}},
        },
    },
    "ReportHistory": {
        "type": "object",
        "required": ["generation", "agency", "parent", "series"],
        "properties": {
            "generation": _STR,
            "agency": _NULLABLE_STR,
            "parent": _NULLABLE_STR,
            "series": {"type": "array", "items": _POINT},
        },
    },
}
_NAME_PARAM = {"type": "string", "maxLength": params.MAX_Q, "pattern": _TEXT_PATTERN}


def _path_param(name: str = "id") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _report_paths(get) -> dict:
    return {
        "/api/v1/report": get(
            "getReport",
            "report",
            "The national e-readiness report: national figures, distribution, tables by agency, parent ministry"
            " and cluster, card quality and inquiries",
            _json("Report"),
        ),
        "/api/v1/report/agencies/{name}": get(
            "getAgencyReport",
            "report",
            "One agency's report: its figures, its cards with their stages and failed quality checks,"
            " its inquiry dependencies and its history",
            _json("ReportAgency"),
            [_path_param("name")],
            not_found="No such agency in the report",
        ),
        "/api/v1/report/history": get(
            "getReportHistory",
            "report",
            "The report's figures at each publication: national, or one agency's or one parent ministry's",
            _json("ReportHistory"),
            [
                _param("agency", "An agency's series.", _NAME_PARAM),
                _param("parent", "A parent ministry's series (unless agency is given too).", _NAME_PARAM),
            ],
        ),
        "/api/v1/report.csv": get(
            "getReportCsv",
            "report",
            "One table of the report as CSV (UTF-8 with a byte-order mark), one row per agency, ministry or cluster",
            {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}},
            [
                _param(
                    "by", "Which table (default agency).", {"type": "string", "enum": ["agency", "parent", "cluster"]}
                )
            ],
        ),
    }


def _param(name: str, description: str, schema: dict, required: bool = False, repeat: bool = False) -> dict:
    p = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if repeat:
        p["schema"] = {"type": "array", "items": schema, "maxItems": params.MAX_VALUES}
        p["style"], p["explode"] = "form", True
    return p


_FILTER = {
    "type": "string",
    "maxLength": params.MAX_Q,
    "pattern": _TEXT_PATTERN,
    "description": "empty values are ignored",
}
_FACET_NAME = "(" + "|".join(FACETS) + ")"
SEARCH_PARAMS = [
    _param(
        "q",
        "What the citizen typed (any spelling, Latin letters or the wrong keyboard layout welcome). Empty: browse.",
        {"type": "string", "maxLength": params.MAX_Q, "pattern": _TEXT_PATTERN},
    ),
    _param(
        "page",
        f"Result page, from 1; page × size is at most {params.MAX_DEPTH}, and a page past the last one"
        " (`pages` in the answer) is a 400.",
        {"type": "integer", "minimum": 1, "maximum": params.MAX_PAGE},
    ),
    _param("size", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": params.MAX_SIZE}),
    *[
        _param(
            f,
            f"Only services with this {f} (repeatable: OR within a facet, AND across facets). Matched after the"
            " letter folds of text (Arabic ي/ك, half-spaces and spaces, digits): send a facet value back as listed.",
            _FILTER,
            repeat=True,
        )
        for f in FACETS
    ],
    _param("electronic", "Only services whose application stage is online.", {"type": "boolean"}),
    _param(
        "exact",
        "Search for the words as typed: no keyboard-layout repair, transliteration, split or correction (the link"
        " «جست‌وجو برای … به همان صورت که نوشتید» under showing_results_for).",
        {"type": "boolean"},
    ),
    _param("sort", "Result order.", {"type": "string", "enum": list(SORTS)}),
    {
        "name": "facets",
        "in": "query",
        "required": False,
        "description": "The facets the answer lists, comma-separated (`facets=cluster,agency`): every one when the"
        " parameter is absent, none when it is empty (`facets=`). Filters apply whether or not their facet is"
        " listed, and a facet costs nothing to a search that does not ask for it. An unknown name is a 400 naming it.",
        "schema": {"type": "string", "pattern": f"^({_FACET_NAME}(,{_FACET_NAME})*)?$"},
    },
]


def _admin_paths() -> dict:
    """The admin API (api/admin.py): enabled with a token, sent as a bearer token."""
    secured = {"security": [{"adminToken": []}], "tags": ["admin"]}
    auth = {
        "401": _response("Unauthorized"),
        "403": _response("Forbidden"),
        "404": _problem("Admin is not enabled on this server, or no such resource."),
        "429": _response("TooManyRequests"),
    }

    def op(operation_id: str, summary: str, response: dict, *, status: str = "200", **extra) -> dict:
        errors = {**auth, **extra.pop("errors", {})}
        return {
            "operationId": operation_id,
            "summary": summary,
            **secured,
            "parameters": extra.pop("parameters", []),
            **extra,
            "responses": {status: response, **errors},
        }

    job = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": _STR,
            "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
            "progress": {
                "type": ["object", "null"],
                "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}},
            },
            "errors": {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "properties": {"line": {"type": "integer"}, "field": _STR, "message": _STR},
                },
            },
            "generation": _NULLABLE_STR,
            "source": _NULLABLE_STR,
            "created": {"type": ["number", "null"]},
            "finished": {"type": ["number", "null"]},
        },
    }
    changed = {
        "type": "object",
        "required": ["id", "generation"],
        "properties": {"id": _STR, "generation": _STR, "deleted": {"type": "boolean"}},
    }
    conflict = {"409": _response("Conflict")}
    base = "/api/v1/admin"
    _BOOL = {"type": "string", "enum": ["true", "false", "1", "0"]}
    _OBJECT = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        base + "/reindex": {
            "post": op(
                "reindex",
                "Rebuild the index in a separate process: from the cards sent (NDJSON, one card per line) or, with an"
                " empty body, from the corpus the server was started with",
                {
                    "description": "The rebuild job was started; follow it at Location.",
                    "headers": {"Location": {"schema": _STR}},
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "required": ["job"], "properties": {"job": _ref("Job")}}
                        }
                    },
                },
                status="202",
                parameters=[
                    _param("force", "Publish even if the build removes many of the live cards.", _BOOL),
                    _param(
                        "dry_run", "Report what would change and every problem of every card; publish nothing.", _BOOL
                    ),
                ],
                requestBody={
                    "required": False,
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                },
                errors={
                    "400": _response("BadRequest"),
                    **conflict,
                    "413": _problem("The corpus is larger than the server accepts."),
                    "415": _problem("Not NDJSON."),
                },
            )
        },
        base + "/jobs/{id}": {
            "get": op("getJob", "A rebuild job's status, progress and errors", _json("Job"), parameters=[_path_param()])
        },
        base + "/services/{id}": {
            "put": op(
                "putService",
                "Add or replace one card, published as a new generation",
                _json("CardChange"),
                parameters=[_path_param()],
                requestBody={"required": True, "content": {"application/json": {"schema": _ref("Card")}}},
                errors={
                    "400": _response("BadRequest"),
                    **conflict,
                    "413": _problem("The card is too large."),
                    "503": _response("Unavailable"),
                },
            ),
            "delete": op(
                "deleteService",
                "Remove one card, published as a new generation",
                _json("CardChange"),
                parameters=[_path_param()],
                errors={**conflict, "503": _response("Unavailable")},
            ),
        },
        base + "/generations": {
            "get": op(
                "listGenerations",
                "The published generations, oldest first, and the one served",
                _json("Generations"),
            )
        },
        base + "/rollback": {
            "post": op(
                "rollback",
                "Serve the generation the current one was made from (or the one named), with its admin changes",
                _OBJECT,
                parameters=[_param("generation", "The generation to serve instead.", _STR)],
                errors={"400": _response("BadRequest"), **conflict},
            )
        },
        base + "/rollforward": {"post": op("rollforward", "Undo the last rollback", _OBJECT, errors=conflict)},
        base + "/services/{id}/history": {
            "get": op("getServiceHistory", "Every recorded version of one card", _OBJECT, parameters=[_path_param()])
        },
        base + "/audit": {
            "get": op(
                "getAudit",
                "The audit log: every write, who made it, the generations before and after",
                _OBJECT,
                parameters=[
                    _param("since", "Only entries from this time (ISO 8601) on.", _STR),
                    _param("id", "Only entries about this card.", _STR),
                    _param("actor", "Only entries by this token name.", _STR),
                    _param("limit", "At most this many entries.", {"type": "integer", "minimum": 1, "maximum": 10000}),
                ],
                errors={"400": _response("BadRequest")},
            )
        },
        base + "/analytics/queries": {
            "get": op(
                "getQueryAnalytics",
                "The most asked queries, or those that found nothing, over the last days",
                _json("QueryAnalytics"),
                parameters=[
                    _param(
                        "kind", "top: most asked; zero: found nothing.", {"type": "string", "enum": ["top", "zero"]}
                    ),
                    _param("days", "How many days back.", {"type": "integer", "minimum": 1, "maximum": 366}),
                ],
                errors={"400": _response("BadRequest")},
            )
        },
    }, {
        "Job": job,
        "CardChange": changed,
        "Generations": {
            "type": "object",
            "required": ["generations", "current"],
            "properties": {
                "generations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "current"],
                        "properties": {"name": _STR, "current": {"type": "boolean"}},
                    },
                },
                "current": _NULLABLE_STR,
            },
        },
        "QueryAnalytics": {
            "type": "object",
            "required": ["kind", "days", "queries"],
            "properties": {
                "kind": {"type": "string", "enum": ["top", "zero"]},
                "days": {"type": "integer"},
                "queries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["query", "count"],
                        "properties": {"query": _STR, "count": {"type": "integer"}},
                    },
                },
            },
        },
    }


def _get(
    operation_id: str,
    tag: str,
    summary: str,
    response: dict,
    parameters=(),
    *,
    not_found: str | None = None,
    cached: bool = True,
    errors: dict | None = None,
) -> dict:
    """A public GET: 200, 304 when cached by ETag, 400, 404 (if it can be), 429 and 503."""
    responses = {"200": response, **(_CACHED if cached else {})}
    responses |= errors if errors is not None else _PUBLIC_ERRORS
    if not_found:
        responses["404"] = _problem(not_found)
    return {
        "get": {
            "operationId": operation_id,
            "tags": [tag],
            "summary": summary,
            "parameters": list(parameters),
            "responses": dict(sorted(responses.items())),
        }
    }


TAGS = [
    {"name": "search", "description": "Search, suggestions and the service cards."},
    {"name": "catalogue", "description": "Life events, clusters and the agencies' ranking."},
    {"name": "report", "description": "The national e-readiness report."},
    {"name": "tools", "description": "The analyzer and this document."},
    {"name": "operations", "description": "Liveness and readiness for load balancers."},
    {"name": "admin", "description": "Rebuilds, single-card changes, generations, analytics (bearer token)."},
]


@functools.cache
def document() -> dict:
    admin_paths, admin_schemas = _admin_paths()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dargah search API",
            "version": "1",
            "description": "Persian search over the national catalogue of government service cards. Problems"
            " (errors) are application/problem+json, in Persian when Accept-Language prefers fa. A query"
            " parameter an operation does not list is a 400 (but for `_`, a client's cache-buster).",
        },
        "tags": TAGS,
        "paths": {
            "/api/v1/search": _get(
                "search",
                "search",
                "Search services, with facets and highlights",
                _json("SearchResponse"),
                SEARCH_PARAMS,
            ),
            "/api/v1/suggest": _get(
                "suggest",
                "search",
                "As-you-type suggestions",
                _json("SuggestResponse"),
                [
                    _param(
                        "q",
                        "The letters typed so far.",
                        {"type": "string", "maxLength": params.MAX_Q, "pattern": _TEXT_PATTERN},
                    ),
                    _param("size", "How many suggestions.", {"type": "integer", "minimum": 1, "maximum": 10}),
                ],
            ),
            "/api/v1/services/{id}": _get(
                "getService",
                "search",
                "One service card with derived fields",
                _json("Service"),
                [_path_param()],
                not_found="No such service",
            ),
            "/api/v1/life-events": _get(
                "listLifeEvents",
                "catalogue",
                "Every life event with its services in order",
                _json("LifeEventsResponse"),
            ),
            "/api/v1/life-events/{id}": _get(
                "getLifeEvent",
                "catalogue",
                "One life event with its services in order",
                _json("LifeEvent"),
                [_path_param()],
                not_found="No such life event",
            ),
            "/api/v1/clusters": _get(
                "listClusters", "catalogue", "Every cluster with its service count", _json("ClustersResponse")
            ),
            "/api/v1/agencies": _get(
                "listAgencies", "catalogue", "The national e-readiness ranking of agencies", _json("AgenciesResponse")
            ),
            "/api/v1/analyze": _get(
                "analyze",
                "tools",
                "The analyzer's normalized text and index terms",
                _json("AnalyzeResponse"),
                [
                    _param(
                        "text", "Any text.", {"type": "string", "maxLength": params.MAX_Q * 5, "pattern": _TEXT_PATTERN}
                    )
                ],
            ),
            **_report_paths(_get),
            "/api/v1/openapi.json": _get(
                "getOpenapi",
                "tools",
                "This document",
                {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                cached=False,
                errors={"429": _response("TooManyRequests")},
            ),
            "/healthz": _get("healthz", "operations", "Liveness", _json("Status"), cached=False, errors={}),
            "/readyz": _get(
                "readyz",
                "operations",
                "Readiness: an index generation is loaded",
                _json("Status"),
                cached=False,
                errors={"503": _response("Unavailable")},
            ),
            **admin_paths,
        },
        "components": {
            "schemas": {
                **SCHEMAS,
                "Service": service_schema(),
                "Card": card_schema(),
                **REPORT_SCHEMAS,
                **admin_schemas,
            },
            "responses": RESPONSES,
            "headers": HEADERS,
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token given to dargah serve (--admin-token-file or DARGAH_ADMIN_TOKEN).",
                }
            },
        },
    }


@functools.cache
@functools.cache  # asked on every request
def query_parameters() -> dict[tuple[str, str], frozenset[str]]:
    """(method, path) → the query parameters the operation takes, for every documented operation."""
    out = {}
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            out[method, path] = frozenset(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query")
    return out
