"""The server against its published contract (console/openapi.yaml), with schemathesis
generating requests through the WSGI app: every answer must match the document."""

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from console.api.document import DOCUMENT
from console.ratelimit import Limit

OPERATIONS = ("health", "enroll", "sync", "heartbeat", "askException", "reportIncident")
# Which services may be asked for comes from the school's policy, not from the document,
# so a schema-valid name can rightly get 400 there.
POLICY_DEPENDENT = {"askException"}
NO_INPUT = {"health"}  # nothing to break: no negative cases
CASES = [
    (operation, mode)
    for operation in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode == GenerationMode.NEGATIVE and operation in NO_INPUT)
]


def test_the_document_is_served_and_names_every_route(console):
    served = yaml.safe_load(console.client.get("/api/v1/openapi.yaml").data)
    assert served == yaml.safe_load(DOCUMENT.read_text())
    routes = {r.rule.removeprefix("/api/v1") for r in console.app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert routes - {"/openapi.yaml"} == set(served["paths"])


@pytest.mark.parametrize(("operation_id", "mode"), CASES)
def test_the_server_keeps_its_contract(console, operation_id, mode):
    """Positive: schema-valid requests get documented answers. Negative: requests that
    break the schema are refused with a documented 4xx, never a 5xx."""
    console.app.config["RATE_LIMITS"] = {
        name: Limit(10_000, 0.001) for name in ("enroll", "device", "requests", "incidents")
    }
    console.app.config["LONG_POLL_SECONDS"] = 0.05
    secret = console.enrol()["device_secret"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", console.app)
    operation = schema.find_operation_by_id(operation_id)
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(case=strategy)
    def check(case):
        excluded = [positive_data_acceptance] if operation_id in POLICY_DEPENDENT else []
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, excluded_checks=excluded)

    check()
