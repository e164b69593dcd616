import csv
import io

from sqlalchemy import select

from console import db
from console.models import Device, PolicyVersion, User
from tests.console.conftest import POLICY


def test_devices_page_shows_health_and_moves_a_device(console):
    device = console.enrol()
    console.api(
        "POST", "/heartbeat", device["device_secret"], json={"agent_version": "0.3.1", "health": {"proxy": "running"}}
    )
    console.login("beheer")
    page = console.client.get("/admin/devices").get_data(as_text=True)
    assert "lokaal7-03" in page and "0.3.1" in page and "proxy: running" in page
    version = console.api("GET", "/sync", device["device_secret"]).json["version"]
    console.post(f"/admin/devices/{device['device_id']}/move", {"group": "groep-8"})
    moved = console.api("GET", f"/sync?since={version}&wait=1", device["device_secret"]).json
    assert moved["group"] == "groep-8" and moved["version"] > version


def test_retire_a_device(console):
    device = console.enrol()
    console.login("beheer")
    console.post(f"/admin/devices/{device['device_id']}/retire")
    assert console.api("GET", "/sync", device["device_secret"]).status_code == 401
    with console.app.app_context():
        assert db.session().get(Device, device["device_id"]).retired_at is not None


def test_an_enrolment_code_is_shown_once_and_works(console):
    console.login("beheer")
    page = console.post("/admin/enrol-codes", {"group": "groep-8", "uses": "2", "hours": "4"}).get_data(as_text=True)
    code = page.split('<strong class="code">')[1].split("<")[0]
    assert code not in console.client.get("/admin/devices").get_data(as_text=True)
    answer = console.client.post("/api/v1/enroll", json={"code": code, "hostname": "l8", "platform": "windows"})
    assert answer.json["group"] == "groep-8"


def test_add_a_user_and_change_groups(console):
    console.login("beheer")
    page = console.post("/admin/users", {"username": "juf-dina", "role": "teacher", "groups": ["groep-8"]}).get_data(
        as_text=True
    )
    password = page.split('<strong class="code">')[1].split("<")[0]
    with console.app.app_context():
        user_id = db.session().scalar(select(User.id).where(User.username == "juf-dina"))
    console.post(f"/admin/users/{user_id}", {"role": "teacher", "groups": ["groep-7", "groep-8"], "active": "1"})
    with console.app.app_context():
        assert db.session().get(User, user_id).groups == ["groep-7", "groep-8"]
    console.post("/logout")
    assert console.login("juf-dina", password).status_code == 302


def test_an_admin_cannot_lock_themself_out(console):
    console.login("beheer")
    with console.app.app_context():
        me = db.session().scalar(select(User.id).where(User.username == "beheer"))
    answer = console.post(f"/admin/users/{me}", {"role": "teacher", "active": "1"})
    assert answer.status_code == 400


def test_the_policy_editor_shows_errors_at_line_and_column_and_keeps_the_old_policy(console):
    console.login("beheer")
    bad = POLICY.replace("max_minutes: 90", "max_minutes: lots")
    answer = console.post("/admin/policy", {"text": bad})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "regel 17:16 · overrides.max_minutes: expected a whole number" in page
    assert "Het vorige beleid blijft van kracht" in page
    with console.app.app_context():
        assert db.session().scalar(select(PolicyVersion.id).order_by(PolicyVersion.id.desc())) == 1


def test_the_policy_editor_saves_a_good_policy_and_laptops_hear_of_it(console):
    device = console.enrol()
    version = console.api("GET", "/sync", device["device_secret"]).json["version"]
    console.login("beheer")
    answer = console.post("/admin/policy", {"text": POLICY.replace("max_minutes: 90", "max_minutes: 60")})
    assert answer.status_code == 303
    synced = console.api("GET", f"/sync?since={version}&wait=1", device["device_secret"]).json
    assert synced["version"] > version


def test_upload_a_timetable(console):
    console.login("beheer")
    broken = console.post(
        "/admin/timetables/groep-8", {"file": (io.BytesIO(b"nonsense"), "g8.ics")}, content_type="multipart/form-data"
    )
    assert broken.status_code == 400
    assert "g8.ics" in broken.get_data(as_text=True) or "lessons.groep-8.ical" in broken.get_data(as_text=True)


def test_audit_log_filter_and_csv(console):
    console.login("juf-anna")
    console.post("/teacher/grant", {"groups": "groep-7", "services": "youtube", "duration": "15", "reason": "project"})
    console.post("/logout")
    console.login("beheer")
    page = console.client.get("/admin/audit?action=grant").get_data(as_text=True)
    assert "<td>grant</td>" in page and "<td>login</td>" not in page
    rows = list(csv.reader(io.StringIO(console.client.get("/admin/audit.csv").get_data(as_text=True))))
    assert rows[0] == ["id", "time_utc", "actor", "action", "detail"]
    assert {"login", "grant", "logout"} <= {r[3] for r in rows[1:]}
    only = list(
        csv.reader(
            io.StringIO(console.client.get("/admin/audit.csv?action=grant&actor=juf-anna").get_data(as_text=True))
        )
    )
    assert [r[3] for r in only[1:]] == ["grant"]


def test_privacy_page_purge_and_register(console):
    console.login("beheer")
    page = console.client.get("/admin/privacy").get_data(as_text=True)
    assert "30 dagen" in page and "Verwerkingsregister" in page
    console.post("/admin/privacy/register", {"register": "Ons register"})
    assert "Ons register" in console.client.get("/admin/privacy").get_data(as_text=True)
    assert console.post("/admin/privacy/purge").status_code == 303


def test_csv_cells_cannot_start_a_formula():
    from console.web.admin_records import _cell

    assert [_cell(t) for t in ("=1+1", "+x", "-x", "@x", "groep-7")] == ["'=1+1", "'+x", "'-x", "'@x", "groep-7"]
