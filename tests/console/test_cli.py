import io
import json
import sys

from sqlalchemy import select

from console import db
from console.models import AuditEntry, PolicyVersion, User
from tests.conftest import EXAMPLES
from tests.console.conftest import POLICY


def test_init_prints_a_login_once_and_is_idempotent(tmp_path, clock, capsys):
    from console.cli import main

    instance = tmp_path / "new"
    assert main(["--instance", str(instance), "init"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "Admin login: admin" in out and "Password:" in out
    assert (instance / "secret-key").stat().st_mode & 0o077 == 0
    assert main(["--instance", str(instance), "init"], clock=clock) == 0
    assert "already initialised" in capsys.readouterr().out
    assert len(list((instance / "keys").iterdir())) == 1


def test_commands_before_init_say_what_to_do(tmp_path, clock, capsys):
    from console.cli import main

    assert main(["--instance", str(tmp_path / "none"), "public-key"], clock=clock) == 1
    assert "run `init` first" in capsys.readouterr().err


def test_a_bad_policy_is_reported_compiler_style_and_changes_nothing(console, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY.replace("08:30-10:15", "10:30-10:15").replace("max_minutes: 90", "max_minute: 90"))
    assert console.cli("policy", "import", str(bad)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:13:16: lessons.groep-7.weekdays[0]:")
    assert "end 10:15 is before start 10:30" in err[0]
    assert any("max_minute" in line for line in err)
    with console.app.app_context():
        assert db.session().scalar(select(PolicyVersion.id).order_by(PolicyVersion.id.desc())) == 1


def test_usage_errors_exit_2(console):
    assert console.cli("user", "add", "x", "--role", "king") == 2


def test_user_add_with_password_from_stdin(console, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert (
        console.cli("user", "add", "juf-cor", "--role", "teacher", "--groups", "groep-7,groep-8", "--password-stdin")
        == 0
    )
    assert "Password" not in capsys.readouterr().out
    with console.app.app_context():
        user = db.session().scalar(select(User).where(User.username == "juf-cor"))
        assert user.groups == ["groep-7", "groep-8"]
        assert user.password_hash.startswith("$argon2id$")


def test_user_add_refuses_unknown_groups_and_short_passwords(console, monkeypatch, capsys):
    assert console.cli("user", "add", "juf-x", "--role", "teacher", "--groups", "groep-9") == 1
    assert "the policy has no group groep-9" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert console.cli("user", "add", "juf-y", "--role", "directie", "--password-stdin") == 1
    assert "at least 10 characters" in capsys.readouterr().err


def test_enrol_code_grant_and_revoke(console, capsys):
    assert console.cli("enrol-code", "--group", "groep-7", "--uses", "2") == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 14 and code.count("-") == 2
    assert console.cli("grant", "--teacher", "juf-anna", "--group", "groep-7", "--service", "youtube",
                       "--service", "tiktok", "--minutes", "20", "--reason", "project") == 0  # fmt: skip
    line = capsys.readouterr().out
    jti = line.split()[0]
    assert "until 2026-12-01 09:20" in line
    assert console.cli("revoke", jti) == 0
    assert console.cli("revoke", jti) == 1
    assert "already revoked" in capsys.readouterr().err
    with console.app.app_context():
        actions = [e.action for e in db.session().scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["enrol-code", "grant", "revoke"]


def test_grant_refuses_a_teacher_outside_their_group(console, capsys):
    assert console.cli("grant", "--teacher", "juf-anna", "--group", "groep-8", "--service", "youtube",
                       "--minutes", "20", "--reason", "x") == 1  # fmt: skip
    assert "groep-8 is not one of your groups" in capsys.readouterr().err


def test_timetable_import_validates_the_calendar(console, tmp_path, capsys):
    broken = tmp_path / "g8.ics"
    broken.write_text("not a calendar")
    assert console.cli("timetable", "import", "groep-8", str(broken)) == 1
    assert f"{broken}:1:1: lessons.groep-8.ical:" in capsys.readouterr().err
    assert console.cli("timetable", "import", "groep-7", str(broken)) == 1
    assert "ical: timetables/groep-7.ics" in capsys.readouterr().err
    good = tmp_path / "g8-good.ics"
    good.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Europe/Amsterdam:20261201T130000\n"
        "DTEND;TZID=Europe/Amsterdam:20261201T140000\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    assert console.cli("timetable", "import", "groep-8", str(good)) == 0
    with console.app.app_context():
        from console.context import policy

        state = policy().schedule.state("groep-8", console.clock.seconds() + 4.5 * 3600, remember=False)
        assert state.in_lesson  # 13:30 on the new timetable


def test_privacy_export_and_purge(console, capsys):
    device = console.enrol()
    console.api("POST", "/heartbeat", device["device_secret"],
                json={"agent_version": "1", "counters": {"youtube": {"2026-10-01T08": 2, "2026-12-01T08": 3}}})  # fmt: skip
    assert console.cli("privacy", "export", "--device", device["device_id"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["device"]["group"] == "groep-7"
    assert len(document["counters"]) == 2
    assert console.cli("privacy", "purge") == 0  # counters_retention_days: 30
    assert "Deleted 1 counters" in capsys.readouterr().out
    assert console.cli("privacy", "export", "--device", device["device_id"]) == 0
    assert [c["hour"] for c in json.loads(capsys.readouterr().out)["counters"]] == ["2026-12-01T08"]


def test_a_policy_that_drops_a_group_with_laptops_is_refused(console, tmp_path, capsys):
    console.enrol("groep-7")
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(POLICY.replace("  groep-7:\n    weekdays: [08:30-10:15, 10:30-12:00, 12:45-14:45]\n", ""))
    (tmp_path / "timetables").mkdir()
    (tmp_path / "timetables" / "groep-8.ics").write_text((EXAMPLES / "timetables" / "groep-8.ics").read_text())
    assert console.cli("policy", "import", str(smaller)) == 1
    assert f"{smaller}:1:1: lessons: group groep-7 still has 1 laptop(s)" in capsys.readouterr().err
