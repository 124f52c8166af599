"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json.

Tests validate real responses against these schemas, so this document and the code cannot drift
apart silently.
"""

from __future__ import annotations

import functools

from api import params
from search.engine import SORTS
from search.facets import FACETS

_STR = {"type": "string"}
# Text parameters: NUL and U+FFFD (what invalid UTF-8 decodes to) are refused with a 400.
_TEXT_PATTERN = "^[^\\u0000\\ufffd]*$"
_NULLABLE_STR = {"type": ["string", "null"]}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _json(ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


_ERRORS = {"400": _problem("Invalid parameter"), "503": _problem("No index loaded yet")}

FACET_VALUE = {
    "type": "object",
    "required": ["value", "count", "selected"],
    "properties": {"value": _STR, "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}},
}

SCHEMAS = {
    "Problem": {
        "type": "object",
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
    "Interpretation": {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"enum": ["layout", "spoken", "transliteration", "synonym", "correction", "split", "relaxed"]}
        },
    },
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
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "page", "size", "hits", "facets", "took_ms"],
        "properties": {
            "query": {
                "type": "object",
                "required": ["q", "normalized", "corrected", "interpretation"],
                "properties": {
                    "q": _STR,
                    "normalized": _STR,
                    "terms": {"type": "array", "items": _STR},
                    "corrected": _NULLABLE_STR,
                    "interpretation": {"type": "array", "items": {"$ref": "#/components/schemas/Interpretation"}},
                    "relaxed": {"type": "boolean"},
                    "life_event": {
                        "description": "The life situation the query describes, with its services in order, or null.",
                        "oneOf": [{"$ref": "#/components/schemas/LifeEvent"}, {"type": "null"}],
                    },
                },
            },
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 1, "maximum": params.MAX_SIZE},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "required": list(FACETS),
                "properties": {f: {"type": "array", "items": FACET_VALUE} for f in FACETS},
            },
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
            "life_events": {"type": "array", "items": {"$ref": "#/components/schemas/LifeEvent"}},
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
                    "properties": {"text": _STR, "id": _NULLABLE_STR, "kind": {"enum": ["service", "query"]}},
                },
            }
        },
    },
    "Service": {
        "type": "object",
        "description": "The service card (see the service-card JSON Schema) plus derived fields.",
        "required": ["id", "title", "agency", "cluster", "e_readiness", "agency_rank"],
        "properties": {
            "id": _STR,
            "title": _STR,
            "agency": _STR,
            "cluster": _STR,
            "e_readiness": {"type": "number", "minimum": 0, "maximum": 1},
            "agency_rank": {"type": ["integer", "null"], "minimum": 1},
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
                    "properties": {"e_readiness": {"enum": [0, 0.25, 0.5, 0.75, 1]}, "count": _COUNT},
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


def _report_paths(get) -> dict:
    unavailable = {"503": _problem("No index loaded yet")}
    return {
        "/api/v1/report": get(
            "The national e-readiness report: national figures, distribution, tables by agency, parent ministry"
            " and cluster, card quality and inquiries",
            _json("Report"),
            errors=unavailable,
        ),
        "/api/v1/report/agencies/{name}": {
            "get": {
                "summary": "One agency's report: its figures, its cards with their stages and failed quality checks,"
                " its inquiry dependencies and its history",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json("ReportAgency"), "404": _problem("No such agency"), **unavailable},
            }
        },
        "/api/v1/report/history": get(
            "The report's figures at each publication: national, or one agency's or one parent ministry's",
            _json("ReportHistory"),
            [
                _param("agency", "An agency's series.", _NAME_PARAM),
                _param("parent", "A parent ministry's series (unless agency is given too).", _NAME_PARAM),
            ],
        ),
        "/api/v1/report.csv": get(
            "One table of the report as CSV (UTF-8 with a byte-order mark), one row per agency, ministry or cluster",
            {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}},
            [_param("by", "Which table (default agency).", {"enum": ["agency", "parent", "cluster"]})],
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
SEARCH_PARAMS = [
    _param(
        "q",
        "What the citizen typed (any spelling, Latin letters or the wrong keyboard layout welcome). Empty: browse.",
        {"type": "string", "maxLength": params.MAX_Q, "pattern": _TEXT_PATTERN},
    ),
    _param("page", "Result page, from 1.", {"type": "integer", "minimum": 1, "maximum": params.MAX_PAGE}),
    _param("size", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": params.MAX_SIZE}),
    *[
        _param(
            f, f"Only services with this {f} (repeatable: OR within a facet, AND across facets).", _FILTER, repeat=True
        )
        for f in FACETS
    ],
    _param("electronic", "Only services whose application stage is online.", {"type": "boolean"}),
    _param("sort", "Result order.", {"enum": list(SORTS)}),
]


@functools.cache
def document() -> dict:
    get = lambda summary, response, parameters=(), errors=_ERRORS, **extra: {  # noqa: E731
        "get": {"summary": summary, "parameters": list(parameters), "responses": {"200": response, **errors}, **extra}
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dargah search API",
            "version": "1",
            "description": "Persian search over the national catalogue of government service cards.",
        },
        "paths": {
            "/api/v1/search": get(
                "Search services, with facets and highlights", _json("SearchResponse"), SEARCH_PARAMS
            ),
            "/api/v1/suggest": get(
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
            "/api/v1/services/{id}": {
                "get": {
                    "summary": "One service card with derived fields",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json("Service"),
                        "404": _problem("No such service"),
                        "503": _problem("No index loaded yet"),
                    },
                }
            },
            "/api/v1/life-events": get(
                "Every life event with its services in order",
                _json("LifeEventsResponse"),
                errors={"503": _problem("No index loaded yet")},
            ),
            "/api/v1/life-events/{id}": {
                "get": {
                    "summary": "One life event with its services in order",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": _json("LifeEvent"),
                        "404": _problem("No such life event"),
                        "503": _problem("No index loaded yet"),
                    },
                }
            },
            "/api/v1/clusters": get(
                "Every cluster with its service count",
                _json("ClustersResponse"),
                errors={"503": _problem("No index loaded yet")},
            ),
            "/api/v1/agencies": get(
                "The national e-readiness ranking of agencies",
                _json("AgenciesResponse"),
                errors={"503": _problem("No index loaded yet")},
            ),
            "/api/v1/analyze": get(
                "The analyzer's normalized text and index terms",
                _json("AnalyzeResponse"),
                [
                    _param(
                        "text", "Any text.", {"type": "string", "maxLength": params.MAX_Q * 5, "pattern": _TEXT_PATTERN}
                    )
                ],
                errors={"400": _problem("Invalid parameter")},
            ),
            **_report_paths(get),
            "/healthz": get("Liveness", _json("Status"), errors={}),
            "/readyz": get(
                "Readiness: an index generation is loaded", _json("Status"), errors={"503": _problem("Not ready")}
            ),
        },
        "components": {"schemas": {**SCHEMAS, **REPORT_SCHEMAS}},
    }
