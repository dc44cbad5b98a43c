"""Contract tests: the API honours its own OpenAPI document (/openapi.json), with schemathesis.

Every generated request is signed (as AOC, which may call every endpoint, and as a bank), so
the checks reach the handlers: responses must match the documented schemas, status codes
and content types, and no input may cause a server error; schema-invalid input must be rejected (4xx).
Not checked: "every schema-valid request is accepted" — cross-field rules (a destination is an
account or a PromptPay pair, a known bank code, a date not in the future, a contact reference
that is not a phone number) cannot be written in OpenAPI and are answered with a documented
422 that lists the failing paths.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from schemathesis.checks import positive_data_acceptance

from aoc_contract.signing import sign_request
from exchange.seed import DEV_SECRETS


class SignedAuth(requests.auth.AuthBase):
    def __init__(self, key_id: str) -> None:
        self.key_id = key_id

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        r.headers.update(sign_request(key_id=self.key_id, secret=DEV_SECRETS[self.key_id],
                                      method=r.method or "GET", path=r.path_url, body=body))
        return r


@pytest.fixture
def db_url(sqlite_db_url):
    return sqlite_db_url


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def run_contract(api_schema, *, auth, max_examples: int, check=None) -> list[str]:
    """Generate requests for every operation; return the labels covered."""
    covered = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=max_examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            if check is None:
                case.call_and_validate(auth=auth, excluded_checks=[positive_data_acceptance])
            else:
                check(case, case.call(auth=auth) if auth else case.call())

        run()
        covered.append(operation.label)
    return covered


def test_openapi_document_is_published(http):
    doc = http.get("/openapi.json").json()
    assert doc["info"]["title"] == "Sakot AOC exchange"
    assert "/v1/cases" in doc["paths"] and "/v1/freeze-requests/{fr_id}/ack" in doc["paths"]
    post = doc["paths"]["/v1/cases"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(post["responses"])
    names = {p["name"] for p in post["parameters"]}
    assert "Idempotency-Key" in names


def test_api_conforms_to_its_schema_as_aoc(api_schema):
    covered = run_contract(api_schema, auth=SignedAuth("aoc-dev"), max_examples=25)
    assert len(covered) == 14  # every operation, /health included


def test_api_conforms_to_its_schema_as_a_bank(api_schema):
    run_contract(api_schema, auth=SignedAuth("kbank-dev"), max_examples=10)


def test_api_conforms_to_its_schema_as_the_reporter(api_schema):
    run_contract(api_schema, auth=SignedAuth("sakot-dev"), max_examples=10)


def test_unsigned_requests_get_401(api_schema):
    def check(case, response):
        if case.path != "/health":
            assert response.status_code == 401, (case.path, response.status_code)

    run_contract(api_schema, auth=None, max_examples=5, check=check)
