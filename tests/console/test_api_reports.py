from sqlalchemy import select

from console import db
from console.models import Counter, Device, Incident, PupilRequest

HEALTH = {"policy_version": 3, "proxy": "running", "problems": 0, "platform": "linux"}


def test_heartbeat_stores_health_and_counters(console):
    device = console.enrol()
    body = {"agent_version": "0.1.0", "health": HEALTH, "counters": {"youtube": {"2026-12-01T08": 4}}}
    assert console.api("POST", "/heartbeat", device["device_secret"], json=body).status_code == 200
    body["counters"] = {"youtube": {"2026-12-01T08": 6, "2026-12-01T09": 1}}  # the agent resends its week
    assert console.api("POST", "/heartbeat", device["device_secret"], json=body).status_code == 200
    with console.app.app_context():
        session = db.session()
        rows = session.scalars(select(Counter).order_by(Counter.hour)).all()
        stored = session.get(Device, device["device_id"])
        assert [(r.service, r.hour, r.blocked, r.group) for r in rows] == [
            ("youtube", "2026-12-01T08", 6, "groep-7"),
            ("youtube", "2026-12-01T09", 1, "groep-7"),
        ]
        assert stored.agent_version == "0.1.0" and stored.health == HEALTH


def test_anything_like_a_host_or_url_is_refused(console):
    secret = console.enrol()["device_secret"]
    for counters, word in (
        ({"youtube.com": {"2026-12-01T08": 1}}, "looks like a host or URL"),
        ({"https://x": {"2026-12-01T08": 1}}, "looks like a host or URL"),
        ({"youtube": {"2026-12-01T08:00": 1}}, "is not a UTC hour"),
        ({"youtube": {"www.instagram.com/p": 1}}, "is not a UTC hour"),
        ({"YouTube": {"2026-12-01T08": 1}}, "is not a service name"),
        ({"youtube": {"2026-12-01T08": -1}}, "whole number"),
    ):
        answer = console.api("POST", "/heartbeat", secret, json={"agent_version": "1", "counters": counters})
        assert answer.status_code == 400, counters
        assert word in answer.json["error"]
    health = console.api("POST", "/heartbeat", secret, json={"agent_version": "1", "health": {"last.host": "x"}})
    assert health.status_code == 400
    with console.app.app_context():
        assert db.session().scalars(select(Counter)).all() == []


def test_a_pupil_request_is_stored_for_the_group(console):
    device = console.enrol()
    answer = console.api(
        "POST", "/requests", device["device_secret"], json={"service": "youtube", "message": "filmpje"}
    )
    assert answer.status_code == 201 and answer.json["status"] == "open"
    with console.app.app_context():
        row = db.session().scalars(select(PupilRequest)).one()
        assert (row.group, row.service, row.message, row.device_id) == (
            "groep-7",
            "youtube",
            "filmpje",
            device["device_id"],
        )


def test_requests_name_a_blocked_service_and_are_rate_limited(console):
    secret = console.enrol()["device_secret"]
    unknown = console.api("POST", "/requests", secret, json={"service": "wikipedia", "message": ""})
    assert unknown.status_code == 400 and "not blocked" in unknown.json["error"]
    statuses = [
        console.api("POST", "/requests", secret, json={"service": "youtube", "message": str(i)}).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


def test_an_incident_goes_to_directie(console):
    device = console.enrol()
    answer = console.api(
        "POST", "/incidents", device["device_secret"], json={"message": "iemand scheldt in de groepsapp"}
    )
    assert answer.status_code == 201
    with console.app.app_context():
        row = db.session().scalars(select(Incident)).one()
        assert (row.source, row.group, row.status) == (f"device:{device['device_id']}", "groep-7", "open")
    empty = console.api("POST", "/incidents", device["device_secret"], json={"message": "  "})
    assert empty.status_code == 400 and "1 to 2000 characters" in empty.json["error"]


def test_a_retried_request_or_report_is_stored_once(console):
    """The agent's outbox sends again when an answer was lost, with the same client_id."""
    first, other = console.enrol(), console.enrol()
    ask = {"service": "youtube", "message": "filmpje", "client_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
    made = console.api("POST", "/requests", first["device_secret"], json=ask)
    again = console.api("POST", "/requests", first["device_secret"], json=ask)
    assert (made.status_code, again.status_code) == (201, 200) and made.json["id"] == again.json["id"]
    assert console.api("POST", "/requests", other["device_secret"], json=ask).status_code == 201  # another laptop
    report = {"message": "iemand pest in de groepsapp", "client_id": "a1b2c3d4-e5f6"}
    made = console.api("POST", "/incidents", first["device_secret"], json=report)
    again = console.api("POST", "/incidents", first["device_secret"], json=report)
    assert (made.status_code, again.status_code) == (201, 200) and made.json["id"] == again.json["id"]
    with console.app.app_context():
        session = db.session()
        assert len(session.scalars(select(PupilRequest)).all()) == 2
        assert len(session.scalars(select(Incident)).all()) == 1


def test_a_malformed_client_id_is_refused(console):
    secret = console.enrol()["device_secret"]
    for bad in ("short", "x" * 65, "../../etc", 12345678, "spaces are not ok"):
        answer = console.api("POST", "/incidents", secret, json={"message": "hulp", "client_id": bad})
        assert answer.status_code == 400 and "client_id" in answer.json["error"], bad
