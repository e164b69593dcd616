import threading
import time

from console import db, devices, grants, users
from console.cli_tokens import operator
from console.context import instance, policy
from policies.bundle import verify_bundle
from policies.keys import key_id, load_public_key
from policies.overrides import parse_overrides


def trusted(answer):
    keys = [load_public_key(pem) for pem in answer["public_keys"]]
    return {key_id(k): k for k in keys}


def grant(console, teacher="juf-anna", group="groep-7", **kwargs):
    with console.app.app_context():
        session = db.session()
        user = users.by_name(session, teacher)
        options = {"kind": "exception", "services": ["youtube"], "minutes": 30, "reason": "filmpje"} | kwargs
        issued = grants.issue(
            session, instance(), policy(), user, groups=[group], now=console.clock.seconds(), **options
        )
        from console.notifier import commit

        commit(session)
        return issued.jti


def test_first_sync_answers_at_once_with_a_verifiable_bundle(console):
    device = console.enrol()
    answer = console.api("GET", "/sync?wait=5", device["device_secret"])
    assert answer.status_code == 200
    body = answer.json
    bundle = verify_bundle(body["policy"], trusted(body))
    assert bundle.version == body["version"] > 0
    assert "groep-7" in bundle.policy_text
    assert set(bundle.files) == {"timetables/groep-8.ics"}
    assert body["server_time"] == int(console.clock.seconds())
    assert (body["tokens"], body["revoked"], body["group"]) == ([], [], "groep-7")


def test_tokens_for_the_group_arrive_and_verify(console):
    device = console.enrol()
    jti = grant(console)
    grant(console, teacher="meester-bob", group="groep-8")  # another group: not sent
    body = console.api("GET", "/sync", device["device_secret"]).json
    loaded = parse_overrides({"tokens": body["tokens"], "revoked": body["revoked"]}, trusted(body))
    assert [t.jti for t in loaded.overrides.tokens] == [jti]


def test_version_grows_with_every_change_that_concerns_the_device(console):
    device = console.enrol()
    secret = device["device_secret"]
    first = console.api("GET", "/sync", secret).json["version"]
    jti = grant(console)
    second = console.api("GET", "/sync", secret).json
    assert second["version"] > first
    with console.app.app_context():
        session = db.session()
        grants.revoke(session, operator(), jti, now=console.clock.seconds())
        session.commit()
    third = console.api("GET", "/sync", secret).json
    assert third["version"] > second["version"]
    assert third["revoked"] == [jti] and third["tokens"] == []
    grant(console, teacher="meester-bob", group="groep-8")  # another group: same version
    assert console.api("GET", "/sync", secret).json["version"] == third["version"]
    with console.app.app_context():
        session = db.session()
        devices.move(session, device["device_id"], "groep-8", actor="t", now=console.clock.seconds())
        session.commit()
    moved = console.api("GET", "/sync", secret).json
    assert moved["version"] > third["version"]
    assert moved["group"] == "groep-8"
    assert len(moved["tokens"]) == 1  # groep-8's token


def test_sync_waits_when_nothing_changed(console):
    secret = console.enrol()["device_secret"]
    version = console.api("GET", "/sync", secret).json["version"]
    started = time.monotonic()
    answer = console.api("GET", f"/sync?since={version}&wait=0.3", secret)
    assert time.monotonic() - started >= 0.3
    assert answer.json["version"] == version


def test_a_grant_wakes_a_waiting_sync_within_a_second(console):
    secret = console.enrol()["device_secret"]
    version = console.api("GET", "/sync", secret).json["version"]
    result = {}

    def poll():
        client = console.app.test_client()
        started = time.monotonic()
        answer = client.get(f"/api/v1/sync?since={version}&wait=10", headers={"Authorization": f"Bearer {secret}"})
        result["ended"] = time.monotonic()
        assert result["ended"] - started < 5
        result["body"] = answer.json

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.3)
    granted_at = time.monotonic()
    jti = grant(console)
    waiter.join(timeout=5)
    assert not waiter.is_alive()
    assert result["ended"] - granted_at < 1.0
    assert result["body"]["version"] > version
    assert len(result["body"]["tokens"]) == 1 and jti


def test_sync_checks_its_parameters(console):
    secret = console.enrol()["device_secret"]
    assert console.api("GET", "/sync?since=abc", secret).json == {"error": "since must be a whole number, not 'abc'"}
    typo = console.api("GET", "/sync?sinse=3", secret)
    assert typo.json == {"error": "unknown parameter 'sinse': sync takes since and wait"}
    too_long = console.api("GET", "/sync?wait=60", secret)
    assert too_long.status_code == 400 and "between 0 and 25 seconds" in too_long.json["error"]


def test_devices_must_authenticate(console):
    assert console.client.get("/api/v1/sync").status_code == 401
    wrong = console.api("GET", "/sync", "not-a-secret")
    assert wrong.status_code == 401 and "enrol" in wrong.json["error"]
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_retired_device_is_shut_out(console):
    device = console.enrol()
    with console.app.app_context():
        session = db.session()
        devices.retire(session, device["device_id"], actor="t", now=console.clock.seconds())
        session.commit()
    assert console.api("GET", "/sync", device["device_secret"]).status_code == 401


def test_devices_are_rate_limited(console):
    secret = console.enrol()["device_secret"]
    statuses = [console.api("GET", "/sync?wait=0", secret).status_code for _ in range(32)]
    assert statuses.count(429) >= 1
    limited = console.api("GET", "/sync?wait=0", secret)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    console.clock.advance(10)
    assert console.api("GET", "/sync?wait=0", secret).status_code == 200


def test_a_rotated_key_stays_trusted_while_its_tokens_run(console):
    device = console.enrol()
    grant(console, minutes=30)
    assert console.cli("rotate-key") == 0
    body = console.api("GET", "/sync", device["device_secret"]).json
    assert len(body["public_keys"]) == 2
    bundle = verify_bundle(body["policy"], trusted(body))
    assert bundle.kid == key_id(load_public_key(body["public_keys"][0]))  # the new key signs
    loaded = parse_overrides({"tokens": body["tokens"], "revoked": []}, trusted(body))
    assert len(loaded.overrides.tokens) == 1  # the old key's token still verifies
    console.clock.advance(31 * 60)
    later = console.api("GET", "/sync", device["device_secret"]).json
    assert len(later["public_keys"]) == 1


def test_what_a_group_shares_follows_changes_and_time(console):
    """The shared part of a sync (console/sync_snapshot.py) is fresh after every change,
    and a token that expires goes without any change being recorded."""
    first, second = console.enrol(), console.enrol()
    grant(console, minutes=5, devices=[first["device_id"]])  # as an approved pupil's ask: one laptop only
    both = grant(console, minutes=10)
    tokens = {name: console.api("GET", "/sync", d["device_secret"]).json["tokens"] for name, d in
              (("first", first), ("second", second))}  # fmt: skip
    assert len(tokens["first"]) == 2 and len(tokens["second"]) == 1
    assert console.api("GET", "/sync", second["device_secret"]).json["revoked"] == []
    with console.app.app_context():
        session = db.session()
        grants.revoke(session, operator(), both, now=console.clock.seconds())
        from console.notifier import commit

        commit(session)
    assert console.api("GET", "/sync", second["device_secret"]).json["revoked"] == [both]  # at once: a change
    console.clock.advance(6 * 60)  # the first token expires; nothing is recorded for that
    assert console.api("GET", "/sync", first["device_secret"]).json["tokens"] == []
