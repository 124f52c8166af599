"""Property-based API testing: schemathesis generates requests from the OpenAPI document (valid
and invalid ones) against a real server, and checks there is no server error and every response
matches the documented schema, status code and content type."""

import schemathesis
from hypothesis import HealthCheck, settings

from api.openapi import document

schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, live_server):
    case.call_and_validate(base_url=live_server)
