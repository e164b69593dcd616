from sqlalchemy import select

from console import db
from console.models import Grant, PupilRequest


def grants_in_db(console):
    with console.app.app_context():
        return db.session().scalars(select(Grant).order_by(Grant.nbf)).all()


def test_home_shows_my_groups_lesson_and_time(console):
    console.login("juf-anna")
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "groep-7" in page and "groep-8" not in page
    assert "Les bezig tot 10:15" in page


def test_grant_from_the_form_until_the_end_of_the_lesson(console):
    console.login("juf-anna")
    answer = console.post(
        "/teacher/grant",
        {"groups": "groep-7", "services": ["youtube", "tiktok"], "duration": "end", "reason": "filmpje"},
    )
    assert answer.status_code == 303
    (grant,) = grants_in_db(console)
    assert grant.exp - grant.nbf == 75 * 60 and grant.services == ["tiktok", "youtube"]
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "Uitzondering gegeven tot 10:15" in page
    assert "75 min (tot 10:15)" in page


def test_a_bad_form_says_what_to_fix_and_grants_nothing(console):
    console.login("juf-anna")
    console.post("/teacher/grant", {"groups": "groep-7", "services": "youtube", "duration": "30", "reason": ""})
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "geef een reden: het beleid vraagt erom" in page
    assert grants_in_db(console) == []
    console.post("/language", {"lang": "en"})
    console.post("/teacher/grant", {"groups": "groep-7", "services": "youtube", "duration": "120", "reason": "x"})
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "120 minutes is longer than the policy allows (overrides.max_minutes: 90)" in page


def test_extend_and_revoke(console):
    console.login("juf-anna")
    console.post("/teacher/grant", {"groups": "groep-7", "services": "youtube", "duration": "15", "reason": "x"})
    (first,) = grants_in_db(console)
    console.clock.advance(600)
    assert console.post(f"/teacher/tokens/{first.jti}/extend", {"minutes": "30"}).status_code == 303
    second = next(g for g in grants_in_db(console) if g.jti != first.jti)
    assert second.exp == int(console.clock.seconds()) + 1800
    assert console.post(f"/teacher/tokens/{second.jti}/revoke").status_code == 303
    assert all(g.revoked_at is not None for g in grants_in_db(console))


def test_start_a_lesson_now(console):
    console.clock.advance(80 * 60)  # 10:20, the break
    console.login("juf-anna")
    assert "Geen les" in console.client.get("/teacher/").get_data(as_text=True)
    console.post("/teacher/lesson", {"group": "groep-7", "minutes": "30"})
    (lesson,) = grants_in_db(console)
    assert (lesson.kind, lesson.services) == ("lesson", ["*"])
    assert "Les bezig tot 10:50" in console.client.get("/teacher/").get_data(as_text=True)


def test_pupil_requests_appear_and_are_approved_for_that_laptop(console):
    device = console.enrol()
    console.api("POST", "/requests", device["device_secret"], json={"service": "youtube", "message": "mag ik?"})
    console.login("juf-anna")
    listed = console.client.get("/teacher/requests.json").json["requests"]
    assert [(r["group"], r["service"], r["message"]) for r in listed] == [("groep-7", "youtube", "mag ik?")]
    assert console.post(f"/teacher/requests/{listed[0]['id']}/approve", {"minutes": "15"}).status_code == 303
    (grant,) = grants_in_db(console)
    assert grant.devices == [device["device_id"]]
    assert console.client.get("/teacher/requests.json").json["requests"] == []
    sync = console.api("GET", "/sync", device["device_secret"]).json
    assert sync["tokens"] == [grant.raw]


def test_decline_a_request(console):
    device = console.enrol()
    console.api("POST", "/requests", device["device_secret"], json={"service": "youtube", "message": ""})
    console.login("juf-anna")
    (item,) = console.client.get("/teacher/requests.json").json["requests"]
    console.post(f"/teacher/requests/{item['id']}/decline")
    with console.app.app_context():
        assert db.session().scalars(select(PupilRequest.status)).all() == ["declined"]
    assert grants_in_db(console) == []


def test_people_read_titles_not_identifiers(console):
    console.login("juf-anna")
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert '<option value="youtube">YouTube</option>' in page
    assert "(leerkracht)" in page and "(teacher)" not in page
    console.post("/teacher/grant", {"groups": "groep-7", "services": ["youtube", "tiktok"], "duration": "30",
                                    "reason": "filmpje"})  # fmt: skip
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "<td>uitzondering</td><td>groep-7</td><td>TikTok, YouTube</td>" in page
    console.post("/language", {"lang": "en"})
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "<td>exception</td>" in page and "(teacher)" in page
