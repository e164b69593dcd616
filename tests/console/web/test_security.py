"""Each security requirement of the console as a test, mostly by forging requests."""

import re

import pytest
from sqlalchemy import select

from console import db
from console.models import Grant, PupilRequest
from console.security import CSP

PAGES = ["/login", "/teacher/", "/directie/protocol", "/directie/overview"]


def test_forms_without_a_csrf_token_are_refused(console):
    console.login("juf-anna")
    answer = console.client.post(
        "/teacher/grant", data={"groups": "groep-7", "services": "youtube", "duration": "15", "reason": "x"}
    )
    assert answer.status_code == 400
    assert console.client.post("/login", data={"username": "juf-anna", "password": "x"}).status_code == 400
    with console.app.app_context():
        assert db.session().scalars(select(Grant)).all() == []


def test_every_form_on_every_page_carries_the_csrf_token(console):
    console.login("directeur")
    for path in ["/teacher/", "/directie/media", "/directie/incidents", "/directie/protocol"]:
        page = console.client.get(path).get_data(as_text=True)
        forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
        assert forms, path
        assert all('name="csrf_token"' in form for form in forms), path


def test_the_api_needs_no_csrf_token(console):
    assert (
        console.client.post("/api/v1/enroll", json={"code": "X", "hostname": "a", "platform": "linux"}).status_code
        == 403
    )


def test_security_headers_and_a_strict_csp(console):
    console.login("juf-anna")
    for path in [*PAGES, "/api/v1/sync"]:
        headers = console.client.get(path).headers
        assert headers["Content-Security-Policy"] == CSP
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
    script = next(part for part in CSP.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


def test_no_page_has_inline_script_or_style(console):
    console.login("directeur")
    for path in ["/teacher/", "/directie/media", "/directie/protocol", "/directie/overview"]:
        page = console.client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " style=" not in page and "<style" not in page and " on" + "click=" not in page, path


def test_session_cookie_flags(console):
    answer = console.login("juf-anna")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_and_hsts_behind_tls(template, tmp_path, clock):
    import shutil

    from console.app import create_app
    from tests.console.conftest import PASSWORD

    instance = tmp_path / "tls"
    shutil.copytree(template, instance)
    app = create_app({"INSTANCE": str(instance), "TLS": True}, clock=clock)
    client = app.test_client()
    page = client.get("/login", base_url="https://console.school.example").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"username": "juf-anna", "password": PASSWORD, "csrf_token": token},
        base_url="https://console.school.example",
        headers={"Referer": "https://console.school.example/login"},
    )
    assert "Secure" in answer.headers["Set-Cookie"]
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_teacher_cannot_grant_for_another_group_by_forging_the_form(console):
    console.login("juf-anna")
    answer = console.post(
        "/teacher/grant", {"groups": "groep-8", "services": "youtube", "duration": "15", "reason": "x"}
    )
    assert answer.status_code == 403
    answer = console.post("/teacher/lesson", {"group": "groep-8", "minutes": "15"})
    assert answer.status_code == 403
    with console.app.app_context():
        assert db.session().scalars(select(Grant)).all() == []


def test_only_directie_issues_media_tokens(console):
    console.login("juf-anna")
    forged = console.post(
        "/teacher/grant", {"kind": "media", "groups": "groep-7", "services": "*", "duration": "15", "reason": "x"}
    )
    assert forged.status_code == 403
    assert console.client.get("/directie/media").status_code == 403
    console.post("/logout")
    console.login("directeur")
    console.post(
        "/teacher/grant",
        {"kind": "media", "groups": "groep-7", "services": "*", "duration": "15", "reason": "schoolreis"},
    )
    with console.app.app_context():
        assert db.session().scalars(select(Grant.kind)).all() == ["media"]


def test_a_teacher_cannot_see_or_revoke_another_teachers_tokens(console):
    console.login("meester-bob")
    console.post(
        "/teacher/grant", {"groups": "groep-8", "services": "youtube", "duration": "15", "reason": "eigen les"}
    )
    with console.app.app_context():
        jti = db.session().scalars(select(Grant.jti)).one()
    console.post("/logout")
    console.login("juf-anna")
    assert jti not in console.client.get("/teacher/").get_data(as_text=True)
    assert console.post(f"/teacher/tokens/{jti}/revoke").status_code == 404
    assert console.post(f"/teacher/tokens/{jti}/extend", {"minutes": "45"}).status_code == 404
    with console.app.app_context():
        (grant,) = db.session().scalars(select(Grant)).all()
        assert grant.revoked_at is None


def test_a_teacher_cannot_see_or_answer_another_groups_requests(console):
    device = console.enrol("groep-8")
    console.api("POST", "/requests", device["device_secret"], json={"service": "youtube", "message": "groep 8"})
    console.login("juf-anna")
    assert console.client.get("/teacher/requests.json").json["requests"] == []
    with console.app.app_context():
        request_id = db.session().scalars(select(PupilRequest.id)).one()
    assert console.post(f"/teacher/requests/{request_id}/approve").status_code == 404
    assert console.post(f"/teacher/requests/{request_id}/decline").status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/devices", "/admin/users", "/admin/policy", "/admin/audit", "/directie/incidents"]
)
def test_teachers_do_not_reach_admin_or_directie_pages(console, path):
    console.login("juf-anna")
    assert console.client.get(path).status_code == 403


def test_the_audit_log_cannot_be_edited_from_the_app(console):
    rules = [r for r in console.app.url_map.iter_rules() if "audit" in r.rule]
    assert {r.rule for r in rules} == {"/admin/audit", "/admin/audit.csv"}
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
