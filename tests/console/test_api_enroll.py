from console import db, devices
from policies.ed25519 import VerifyKey
from policies.keys import load_public_key


def test_enrolment_gives_identity_and_keys(console):
    answer = console.enrol("groep-8")
    assert answer["group"] == "groep-8"
    assert answer["device_id"].startswith("dev-")
    assert len(answer["device_secret"]) >= 40
    assert isinstance(load_public_key(answer["public_keys"][0]), VerifyKey)


def test_a_code_is_single_use_when_made_for_one_laptop(console):
    with console.app.app_context():
        from console import db, devices

        code = devices.create_code(
            db.session(), group="groep-7", uses=1, hours=1, actor="t", now=console.clock.seconds()
        )
        db.session().commit()
    body = {"code": code.lower(), "hostname": "a", "platform": "linux"}  # case and dashes do not matter
    assert console.client.post("/api/v1/enroll", json=body).status_code == 201
    again = console.client.post("/api/v1/enroll", json=body)
    assert again.status_code == 403
    assert "used up" in again.json["error"]


def test_an_expired_code_is_refused(console):
    with console.app.app_context():
        from console import db, devices

        code = devices.create_code(
            db.session(), group="groep-7", uses=5, hours=1, actor="t", now=console.clock.seconds()
        )
        db.session().commit()
    console.clock.advance(3601)
    answer = console.client.post("/api/v1/enroll", json={"code": code, "hostname": "a", "platform": "linux"})
    assert answer.status_code == 403


def test_bad_bodies_get_clear_json_errors(console):
    missing = console.client.post("/api/v1/enroll", json={"code": "X"})
    assert missing.status_code == 400
    assert missing.json == {"error": "the body lacks hostname, platform"}
    not_json = console.client.post("/api/v1/enroll", data="code=1")
    assert not_json.status_code == 400 and "JSON object" in not_json.json["error"]
    platform = console.client.post("/api/v1/enroll", json={"code": "X", "hostname": "a", "platform": "Win 11!"})
    assert platform.status_code == 400 and "platform" in platform.json["error"]


def test_unknown_calls_and_methods_answer_json(console):
    assert console.client.get("/api/v1/nothing").json["error"].startswith("there is no API call")
    wrong = console.client.get("/api/v1/enroll")
    assert wrong.status_code == 405 and "does not take GET" in wrong.json["error"]


def test_guessing_codes_is_rate_limited(console):
    statuses = [
        console.client.post(
            "/api/v1/enroll", json={"code": f"AAAA-{i}", "hostname": "a", "platform": "linux"}
        ).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [403] * 10
    assert statuses[10] == 429
    console.clock.advance(60)
    assert (
        console.client.post("/api/v1/enroll", json={"code": "B", "hostname": "a", "platform": "linux"}).status_code
        == 403
    )


def test_enrolment_is_audited_without_the_hostname(console):
    console.enrol()
    with console.app.app_context():
        from console import audit, db

        entries = audit.entries(db.session(), action="enrolled")
    assert len(entries) == 1
    assert "lokaal7" not in entries[0].detail


def test_a_whole_school_behind_one_address_enrols_at_once(console):
    """Only wrong codes count against an address: 40 laptops of one school, one NAT."""
    with console.app.app_context():
        session = db.session()
        code = devices.create_code(
            session, group="groep-7", uses=40, hours=1, actor="test", now=console.clock.seconds()
        )
        session.commit()
    statuses = [
        console.client.post("/api/v1/enroll", json={"code": code, "hostname": f"l{i}", "platform": "linux"}).status_code
        for i in range(40)
    ]
    assert statuses == [201] * 40
    wrong = [
        console.client.post("/api/v1/enroll", json={"code": "NOPE", "hostname": "a", "platform": "linux"}).status_code
        for _ in range(11)
    ]
    assert wrong == [403] * 10 + [429]  # and the guessing is still slow
