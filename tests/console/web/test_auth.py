import re
import time

import pytest
from sqlalchemy import select

from console import db
from console.models import AuditEntry, User
from tests.console.conftest import PASSWORD


def test_login_lands_on_the_role_home_and_is_audited(console):
    answer = console.login("juf-anna")
    assert answer.status_code == 302 and answer.headers["Location"] == "/teacher/"
    assert console.login("beheer").headers["Location"] == "/admin/devices"
    with console.app.app_context():
        assert [e.actor for e in db.session().scalars(select(AuditEntry).where(AuditEntry.action == "login"))] == [
            "juf-anna",
            "beheer",
        ]


def test_pages_need_a_login(console):
    answer = console.client.get("/teacher/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=/teacher/")


def test_a_wrong_password_and_an_unknown_user_look_the_same(console):
    wrong = console.login("juf-anna", "not the password")
    unknown = console.login("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401

    def page(answer):  # the CSRF token differs per request; the rest must not
        return re.sub(r'(csrf[-_]token"? (?:content|value)=")[^"]+', r"\1", answer.get_data(as_text=True))

    assert page(wrong) == page(unknown)


def test_login_time_does_not_reveal_whether_a_user_exists(console):
    def timed(name):
        started = time.perf_counter()
        console.login(name, "not the password")
        return time.perf_counter() - started

    console.app.config["RATE_LIMITS"] = {"login": __import__("console.ratelimit").ratelimit.Limit(1000, 0.001)}
    known = sorted(timed("directeur") for _ in range(3))[1]
    unknown = sorted(timed("nobody") for _ in range(3))[1]
    # Both verify an argon2 hash; without the dummy hash the unknown name answers ~100x faster.
    assert unknown > known / 3


def test_repeated_failures_lock_the_account(console):
    for _ in range(5):
        console.login("juf-anna", "wrong password")
    assert console.login("juf-anna").status_code == 401  # even the right password, while locked
    console.clock.advance(15 * 60 + 1)
    assert console.login("juf-anna").status_code == 302


def test_logins_are_rate_limited_per_address(console):
    statuses = [console.login("nobody", "x").status_code for _ in range(11)]
    assert statuses[-1] == 429


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil", " /x"],
)
def test_next_is_only_ever_a_local_path(console, target):
    answer = console.client.post(
        f"/login?next={target}", data={"username": "juf-anna", "password": PASSWORD, "csrf_token": console.csrf()}
    )
    assert answer.headers["Location"] == "/teacher/"


def test_next_to_a_local_page_is_followed(console):
    answer = console.client.post(
        "/login",
        data={"username": "juf-anna", "password": PASSWORD, "next": "/directie/protocol", "csrf_token": console.csrf()},
    )
    assert answer.headers["Location"] == "/directie/protocol"


def test_change_password(console):
    console.login("juf-anna")
    bad = console.post("/password", {"old": "wrong", "new": "a new long password", "repeat": "a new long password"})
    assert bad.status_code == 400
    good = console.post("/password", {"old": PASSWORD, "new": "a new long password", "repeat": "a new long password"})
    assert good.status_code == 302
    console.post("/logout")
    assert console.login("juf-anna").status_code == 401
    assert console.login("juf-anna", "a new long password").status_code == 302
    with console.app.app_context():
        user = db.session().scalar(select(User).where(User.username == "juf-anna"))
        assert user.password_hash.startswith("$argon2id$")


def test_logout_ends_the_session(console):
    console.login("juf-anna")
    assert console.client.get("/teacher/").status_code == 200
    console.post("/logout")
    assert console.client.get("/teacher/").status_code == 302


def test_english_is_selectable(console):
    console.login("juf-anna")
    assert "Mijn groepen" in console.client.get("/teacher/").get_data(as_text=True)
    console.post("/language", {"lang": "en", "next": "/teacher/"})
    page = console.client.get("/teacher/").get_data(as_text=True)
    assert "My groups" in page and 'lang="en"' in page


def test_changing_the_password_ends_other_sessions(console):
    other = console.app.test_client()
    console.login("juf-anna")
    token = console.csrf()
    other_page = other.get("/login").get_data(as_text=True)
    other_token = re.search(r'name="csrf-token" content="([^"]+)"', other_page).group(1)
    other.post("/login", data={"username": "juf-anna", "password": PASSWORD, "csrf_token": other_token})
    assert other.get("/teacher/").status_code == 200
    new = "another long password"
    console.client.post("/password", data={"old": PASSWORD, "new": new, "repeat": new, "csrf_token": token})
    assert console.client.get("/teacher/").status_code == 200  # this session goes on
    assert other.get("/teacher/").status_code == 302  # the other one is signed out


def test_a_disabled_user_is_signed_out(console):
    console.login("juf-anna")
    with console.app.app_context():
        session = db.session()
        session.scalar(select(User).where(User.username == "juf-anna")).active = False
        session.commit()
    assert console.client.get("/teacher/").status_code == 302
