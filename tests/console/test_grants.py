import pytest

from console import db, grants, users
from console.context import instance, policy
from console.errors import ConsoleError, Forbidden, NotFound
from console.models import Grant
from policies.keys import key_id, load_public_key
from policies.tokens import verify_token


def issue(console, teacher, **kwargs):
    options = {"kind": "exception", "groups": ["groep-7"], "services": ["youtube"], "minutes": 30, "reason": "les"}
    options |= kwargs
    with console.app.app_context():
        session = db.session()
        found = grants.issue(
            session, instance(), policy(), users.by_name(session, teacher), now=console.clock.seconds(), **options
        )
        session.commit()
        return found


def test_a_teacher_grants_for_their_own_group(console):
    grant = issue(console, "juf-anna")
    key = load_public_key(_pem(console))
    token = verify_token(grant.raw, {key_id(key): key})
    assert (token.sub, token.kind, sorted(token.groups), sorted(token.services)) == (
        "juf-anna",
        "exception",
        ["groep-7"],
        ["youtube"],
    )
    assert token.exp - token.nbf == 30 * 60
    assert token.nbf == int(console.clock.seconds())


def _pem(console):
    with console.app.app_context():
        from console import keyring

        return keyring.public_keys(instance(), db.session(), console.clock.seconds())[0]


@pytest.mark.parametrize(
    ("teacher", "options", "error", "message"),
    [
        ("juf-anna", {"groups": ["groep-8"]}, Forbidden, "groep-8 is not one of your groups"),
        ("juf-anna", {"kind": "media"}, Forbidden, "only directie"),
        ("beheer", {}, Forbidden, "admins manage the console"),
        ("juf-anna", {"minutes": 91}, ConsoleError, "overrides.max_minutes: 90"),
        ("juf-anna", {"minutes": 0}, ConsoleError, "at least 1"),
        ("juf-anna", {"reason": "  "}, ConsoleError, "overrides.require_reason"),
        ("juf-anna", {"services": ["wikipedia"]}, ConsoleError, "not on the policy's block list"),
        ("juf-anna", {"groups": []}, ConsoleError, "at least one group"),
        ("directeur", {"groups": ["groep-9"]}, ConsoleError, "no group groep-9"),
        ("juf-anna", {"kind": "root"}, ConsoleError, "kind must be one of"),
    ],
)
def test_what_may_not_be_granted(console, teacher, options, error, message):
    with pytest.raises(error, match=message):
        issue(console, teacher, **options)
    with console.app.app_context():
        assert db.session().query(Grant).count() == 0


def test_directie_gives_media_permission_for_any_group(console):
    grant = issue(console, "directeur", kind="media", groups=["groep-7", "groep-8"], services=["*"])
    assert grant.kind == "media" and grant.groups == ["groep-7", "groep-8"]


def test_a_teacher_cannot_revoke_another_groups_token(console):
    other = issue(console, "meester-bob", groups=["groep-8"])
    with console.app.app_context(), pytest.raises(NotFound):
        session = db.session()
        grants.revoke(session, users.by_name(session, "juf-anna"), other.jti, now=console.clock.seconds())
    media = issue(console, "directeur", kind="media")  # visible to the teacher, but not hers to revoke
    with console.app.app_context(), pytest.raises(Forbidden):
        session = db.session()
        grants.revoke(session, users.by_name(session, "juf-anna"), media.jti, now=console.clock.seconds())


def test_revoking_twice_or_after_expiry_says_so(console):
    grant = issue(console, "juf-anna")
    with console.app.app_context():
        session = db.session()
        anna = users.by_name(session, "juf-anna")
        grants.revoke(session, anna, grant.jti, now=console.clock.seconds())
        session.commit()
        with pytest.raises(ConsoleError, match="already revoked"):
            grants.revoke(session, anna, grant.jti, now=console.clock.seconds())
    later = issue(console, "juf-anna")
    console.clock.advance(31 * 60)
    with console.app.app_context(), pytest.raises(ConsoleError, match="already expired"):
        session = db.session()
        grants.revoke(session, users.by_name(session, "juf-anna"), later.jti, now=console.clock.seconds())


def test_extend_replaces_the_token_from_now(console):
    grant = issue(console, "juf-anna", minutes=15)
    console.clock.advance(10 * 60)
    with console.app.app_context():
        session = db.session()
        new = grants.extend(
            session,
            instance(),
            policy(),
            users.by_name(session, "juf-anna"),
            grant.jti,
            minutes=45,
            now=console.clock.seconds(),
        )
        session.commit()
        assert new.exp == int(console.clock.seconds()) + 45 * 60
        assert session.get(Grant, grant.jti).revoked_at is not None
        assert [g.jti for g in grants.active(session, console.clock.seconds())] == [new.jti]


def test_until_the_end_of_the_lesson(console):
    with console.app.app_context():
        assert grants.minutes_until_lesson_end(policy(), "groep-7", console.clock.seconds()) == 75  # 09:00 → 10:15
        console.clock.advance(80 * 60)  # 10:20, the break
        with pytest.raises(ConsoleError, match="no lesson now"):
            grants.minutes_until_lesson_end(policy(), "groep-7", console.clock.seconds())
