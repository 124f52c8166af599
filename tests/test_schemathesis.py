"""Property-based API testing: schemathesis generates requests from the OpenAPI document (valid
and invalid ones) against a real server, and checks there is no server error and every response
matches the documented schema, status code and content type."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.openapi import document

# The admin API is off on this server (no token): tests/test_lifecycle.py tests it with one.
schema = schemathesis.openapi.from_dict(document()).exclude(path_regex="^/api/v1/admin/")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, live_server):
    # A search page past the last one is a 400 that no schema can foresee (it depends on how many
    # services match); every other valid request must be accepted.
    excluded = [positive_data_acceptance] if case.path == "/api/v1/search" else []
    case.call_and_validate(base_url=live_server, excluded_checks=excluded)
