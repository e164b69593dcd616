"""classguard-policy, run in-process through main(argv) (one subprocess test for the real script)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from policies.cli import main
from policies.keys import key_id, load_private_key
from policies.tokens import issue_token
from tests.conftest import AMS, REPO

SCRIPT = REPO / ".venv" / "bin" / "classguard-policy"

# 3 groups; 2 blocked services (facebook is known but not blocked); guarded domains:
# youtube.com, ytimg.com, instagram.com, cdninstagram.com = 4 (youtu.be is removed by
# the allow list, school.youtube.com is an allowed subdomain, not a rule).
POLICY = """\
version: 1
school: Testschool
timezone: Europe/Amsterdam
holidays:
  region: midden
  extra: [2026-12-09]
services:
  catalog: false
  custom:
    youtube: {domains: [youtube.com, ytimg.com, youtu.be]}
    instagram: {domains: [instagram.com, cdninstagram.com]}
    facebook: {domains: [facebook.com, fbcdn.net]}
block: [youtube, instagram]
allow_domains: [school.youtube.com, youtu.be]
lessons:
  groep-6:
    weekdays: [08:30-12:00]
  groep-7:
    weekdays: [08:30-10:15, 10:30-12:00, 12:45-14:45]
    wednesday: [08:30-12:15]
  groep-8:
    weekdays: [08:30-12:00]
overrides:
  max_minutes: 120
"""
OK_COUNTS = "(3 groups, 2 services, 4 domains)"

# Three problems, at known places.
BROKEN = """\
version: 1
school: Testschool
timezone: Europe/Amsterdm
block: [youtub]
services:
  catalog: false
  custom:
    youtube: {domains: [youtube.com]}
lessons:
  groep-7:
    weekdays: [08:30-25:00]
"""


def broken_lines(path: Path) -> list[str]:
    return [
        f"{path}:3:11: timezone: unknown time zone 'Europe/Amsterdm' (write it like Europe/Amsterdam)",
        f"{path}:4:9: block[0]: unknown service 'youtub' (did you mean 'youtube'?)",
        f"{path}:11:16: lessons.groep-7.weekdays[0]: invalid time 25:00 (the latest end is 24:00)",
    ]


# Tuesday 1 December 2026, a school day; groep-7's first lesson runs 08:30-10:15.
LESSON_START = int(dt.datetime(2026, 12, 1, 9, 0, tzinfo=AMS).timestamp())


@pytest.fixture
def policy_file(write_policy: Callable[..., Path]) -> Path:
    return write_policy(POLICY)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def call(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


Run = Callable[..., tuple[int, str, str]]


# -- check ---------------------------------------------------------------------
def test_check_ok(run: Run, policy_file: Path) -> None:
    code, out, err = run("check", policy_file)
    assert (code, out, err) == (0, f"{policy_file}: ok {OK_COUNTS}\n", "")


def test_check_several_files_one_broken(run: Run, write_policy: Callable[..., Path]) -> None:
    good = write_policy(POLICY, "good.yaml")
    bad = write_policy(BROKEN, "bad.yaml")
    other = write_policy(POLICY.replace("  groep-8:\n    weekdays: [08:30-12:00]\n", ""), "other.yaml")
    code, out, err = run("check", good, bad, other)
    assert code == 1
    assert out.splitlines() == [
        f"{good}: ok {OK_COUNTS}",
        f"{other}: ok (2 groups, 2 services, 4 domains)",
    ]
    assert err.splitlines() == broken_lines(bad)


def test_check_error_lines_are_file_line_col_path_message(run: Run, write_policy: Callable[..., Path]) -> None:
    bad = write_policy(POLICY.replace("max_minutes: 120", "max_minutes: 0").replace("block:", "blok:"), "typo.yaml")
    code, out, err = run("check", bad)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines
    for line in lines:
        assert re.fullmatch(rf"{re.escape(str(bad))}:\d+:\d+: [^ :]+: .+", line), line
    assert lines == [
        f"{bad}:1:1: block: missing required key",
        f"{bad}:13:1: blok: unknown key 'blok' (did you mean 'block'?)",
        f"{bad}:24:16: overrides.max_minutes: 0 is out of range (1 to 1440)",
    ]


def test_check_a_missing_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run("check", missing)
    assert (code, out) == (1, "")
    assert err == f"{missing}:1:1: (file): cannot read the file: No such file or directory\n"


def test_the_script_reports_errors_without_a_traceback(write_policy: Callable[..., Path]) -> None:
    bad = write_policy(BROKEN, "broken.yaml")
    result = subprocess.run([str(SCRIPT), "check", str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == broken_lines(bad)
    assert result.stdout == ""
    assert "Traceback" not in result.stdout + result.stderr


# -- decide --------------------------------------------------------------------
def decide_json(run: Run, policy_file: Path, *extra: str, host: str = "www.youtube.com") -> dict:
    code, out, err = run("decide", policy_file, "--group", "groep-7", "--host", host, "--json", *extra)
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    decision = json.loads(out)
    assert set(decision) == {"verdict", "reason", "service", "until", "token_id"}
    return decision


def test_decide_during_a_lesson(run: Run, policy_file: Path) -> None:
    assert decide_json(run, policy_file, "--at", "2026-12-01T09:00") == {
        "verdict": "block",
        "reason": "lesson",
        "service": "youtube",
        "until": "2026-12-01T10:15:00+01:00",
        "token_id": None,
    }


def test_decide_outside_lessons(run: Run, policy_file: Path) -> None:
    assert decide_json(run, policy_file, "--at", "2026-12-01T10:20") == {
        "verdict": "allow",
        "reason": "outside-lessons",
        "service": "youtube",
        "until": "2026-12-01T10:30:00+01:00",
        "token_id": None,
    }


def test_decide_a_holiday(run: Run, policy_file: Path) -> None:
    decision = decide_json(run, policy_file, "--at", "2026-12-09T09:00")  # the school's extra day off
    assert (decision["verdict"], decision["reason"]) == ("allow", "holiday")
    assert decision["until"] == "2026-12-10T08:30:00+01:00"


def test_decide_an_unguarded_and_an_allowed_host(run: Run, policy_file: Path) -> None:
    at = ("--at", "2026-12-01T09:00")
    assert decide_json(run, policy_file, *at, host="example.org") == {
        "verdict": "allow",
        "reason": "not-guarded",
        "service": None,
        "until": None,
        "token_id": None,
    }
    assert decide_json(run, policy_file, *at, host="notinstagram.com")["reason"] == "not-guarded"
    assert decide_json(run, policy_file, *at, host="facebook.com")["reason"] == "not-guarded"
    assert decide_json(run, policy_file, *at, host="a.school.youtube.com")["reason"] == "allow-listed"
    assert decide_json(run, policy_file, *at, host="youtu.be")["reason"] == "allow-listed"
    assert decide_json(run, policy_file, *at, host="WWW.Instagram.COM.")["verdict"] == "block"


def test_a_naive_at_is_school_time_and_an_offset_is_honoured(run: Run, policy_file: Path) -> None:
    # 08:00 in Amsterdam is before the first lesson ...
    naive = decide_json(run, policy_file, "--at", "2026-12-01T08:00")
    assert (naive["verdict"], naive["until"]) == ("allow", "2026-12-01T08:30:00+01:00")
    # ... but 08:00 UTC is 09:00 in Amsterdam, in the lesson.
    utc = decide_json(run, policy_file, "--at", "2026-12-01T08:00:00+00:00")
    assert (utc["verdict"], utc["until"]) == ("block", "2026-12-01T10:15:00+01:00")
    # Summer time: 09:00 local is +02:00.
    summer = decide_json(run, policy_file, "--at", "2026-06-02T09:00")
    assert (summer["verdict"], summer["until"]) == ("block", "2026-06-02T10:15:00+02:00")


def test_decide_human_output(run: Run, policy_file: Path) -> None:
    code, out, _ = run(
        "decide", policy_file, "--group", "groep-7", "--host", "instagram.com", "--at", "2026-12-01T09:00"
    )
    assert (code, out) == (0, "block: instagram (lesson) until Tue 2026-12-01 10:15\n")


def test_decide_unknown_group(run: Run, policy_file: Path) -> None:
    code, out, err = run("decide", policy_file, "--group", "groep-9", "--host", "youtube.com")
    assert (code, out) == (2, "")
    assert err == f"classguard-policy: error: unknown group 'groep-9'; {policy_file} has: groep-6, groep-7, groep-8\n"


def test_decide_bad_host_or_moment_is_one_line_exit_2(run: Run, policy_file: Path) -> None:
    code, _, err = run("decide", policy_file, "--group", "groep-7", "--host", "bad host")
    assert code == 2
    assert err == "classguard-policy: error: not a host name: 'bad host'\n"
    code, _, err = run("decide", policy_file, "--group", "groep-7", "--host", "youtube.com", "--at", "tomorrow")
    assert code == 2
    assert err.count("\n") == 1
    assert "'tomorrow' is not an ISO-8601 moment" in err


def test_decide_at_the_end_of_the_calendar_is_no_traceback(run: Run, policy_file: Path) -> None:
    code, out, err = run(
        "decide", policy_file, "--group", "groep-7", "--host", "youtube.com", "--at", "9999-12-31T23:00"
    )
    assert code in (0, 2)
    assert len((out + err).splitlines()) == 1


def test_a_media_upload_outside_lessons_is_blocked(run: Run, policy_file: Path) -> None:
    upload = ("--method", "POST", "--content-type", "image/jpeg", "--at", "2026-12-01T16:00")
    assert decide_json(run, policy_file, *upload, host="upload.instagram.com") == {
        "verdict": "block",
        "reason": "media-upload",
        "service": "instagram",
        "until": None,
        "token_id": None,
    }
    # Not an upload: a GET of an image, or a POST of text, is allowed outside lessons.
    get = ("--method", "GET", "--content-type", "image/jpeg", "--at", "2026-12-01T16:00")
    assert decide_json(run, policy_file, *get, host="instagram.com")["reason"] == "outside-lessons"
    text = ("--method", "POST", "--content-type", "application/json", "--at", "2026-12-01T16:00")
    assert decide_json(run, policy_file, *text, host="instagram.com")["reason"] == "outside-lessons"


def test_media_uploads_allow_in_the_policy(run: Run, write_policy: Callable[..., Path]) -> None:
    allowing = write_policy(POLICY + "media_uploads: allow\n", "allowing.yaml")
    upload = ("--method", "PUT", "--content-type", "video/mp4", "--at", "2026-12-01T16:00")
    assert decide_json(run, allowing, *upload, host="instagram.com")["reason"] == "outside-lessons"


# -- decide with overrides -------------------------------------------------------
@pytest.fixture
def keys(run: Run, tmp_path: Path) -> Path:
    directory = tmp_path / "keys"
    code, out, _ = run("keygen", "--out", directory)
    assert code == 0
    assert out.startswith(f"wrote {directory / 'signing-key.pem'} (keep secret)")
    return directory


def issue(keys: Path, *, jti: str, minutes: int = 30, now: int = LESSON_START, **claims: object) -> str:
    key = load_private_key((keys / "signing-key.pem").read_bytes())
    fields: dict = {"sub": "teacher-7", "kind": "exception", "groups": ["groep-7"], "services": ["youtube"]}
    fields.update(claims)
    return issue_token(key, now=now, minutes=minutes, reason="filmpje", jti=jti, **fields)


def overrides_file(tmp_path: Path, tokens: list[str], revoked: list[str] = ()) -> Path:  # type: ignore[assignment]
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"tokens": tokens, "revoked": list(revoked)}), encoding="utf-8")
    return path


def decide_with(run: Run, policy_file: Path, overrides: Path, keys: Path, at: str, host: str = "m.youtube.com"):
    return run(
        "decide", policy_file, "--group", "groep-7", "--host", host, "--at", at, "--json",
        "--overrides", overrides, "--trust-key", keys / "signing-key.pub.pem",
    )  # fmt: skip


def test_an_exception_token_opens_the_service_in_a_lesson(
    run: Run, policy_file: Path, keys: Path, tmp_path: Path
) -> None:
    overrides = overrides_file(tmp_path, [issue(keys, jti="film-1")])
    code, out, err = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "verdict": "allow",
        "reason": "override",
        "service": "youtube",
        "until": "2026-12-01T09:30:00+01:00",
        "token_id": "film-1",
    }
    # Only for that service, and no longer than the token.
    _, out, _ = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10", host="instagram.com")
    assert json.loads(out)["verdict"] == "block"
    _, out, _ = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:30")
    assert json.loads(out)["reason"] == "lesson"


def test_a_revoked_token_is_not_honoured(run: Run, policy_file: Path, keys: Path, tmp_path: Path) -> None:
    overrides = overrides_file(tmp_path, [issue(keys, jti="film-1")], revoked=["film-1"])
    code, out, err = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "verdict": "block",
        "reason": "lesson",
        "service": "youtube",
        "until": "2026-12-01T10:15:00+01:00",
        "token_id": None,
    }


def test_forged_tokens_are_reported_and_the_real_one_still_counts(
    run: Run, policy_file: Path, keys: Path, tmp_path: Path
) -> None:
    real = issue(keys, jti="film-1")
    trusted_kid = jwt.get_unverified_header(real)["kid"]
    stranger = Ed25519PrivateKey.generate()
    payload = jwt.decode(real, options={"verify_signature": False})
    # Signed by another key but claiming the trusted kid: the signature gives it away.
    impostor = jwt.encode({**payload, "jti": "evil-1"}, stranger, algorithm="EdDSA", headers={"kid": trusted_kid})
    unknown = issue_token(
        stranger,
        sub="x",
        kind="exception",
        groups=["groep-7"],
        services=["*"],
        now=LESSON_START,
        minutes=60,
        reason="x",
    )
    overrides = overrides_file(tmp_path, ["garbage", impostor, unknown, real])
    code, out, err = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10")
    assert code == 0
    assert json.loads(out)["token_id"] == "film-1"
    assert json.loads(out)["verdict"] == "allow"
    lines = err.splitlines()
    prefix = f"classguard-policy: warning: {overrides}: ignored "
    assert lines == [
        prefix + "tokens[0]: malformed: not a JWT",
        prefix + "tokens[1]: signature: signature does not verify",
        prefix + f"tokens[2]: unknown key: kid {key_id(stranger.public_key())!r} is not a trusted key",
    ]
    # Without the real one, the forged ones open nothing.
    overrides = overrides_file(tmp_path, ["garbage", impostor, unknown])
    _, out, _ = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10")
    assert json.loads(out)["verdict"] == "block"


def test_a_token_longer_than_max_minutes_is_not_honoured(
    run: Run, policy_file: Path, keys: Path, tmp_path: Path
) -> None:
    overrides = overrides_file(tmp_path, [issue(keys, jti="long-1", minutes=121)])
    _, out, _ = decide_with(run, policy_file, overrides, keys, "2026-12-01T09:10")
    assert json.loads(out)["reason"] == "lesson"


def test_overrides_need_a_trust_key(run: Run, policy_file: Path, keys: Path, tmp_path: Path) -> None:
    overrides = overrides_file(tmp_path, [issue(keys, jti="film-1")])
    code, out, err = run("decide", policy_file, "--group", "groep-7", "--host", "youtube.com", "--overrides", overrides)
    assert (code, out) == (2, "")
    assert err == "classguard-policy: error: --overrides needs at least one --trust-key to verify the tokens with\n"


def test_an_unusable_overrides_file_or_key_is_exit_2(run: Run, policy_file: Path, keys: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"tokens": 5}', encoding="utf-8")
    code, _, err = decide_with(run, policy_file, bad, keys, "2026-12-01T09:10")
    assert code == 2
    assert err == f'classguard-policy: error: {bad}: "tokens" must be a list of strings\n'
    overrides = overrides_file(tmp_path, [])
    code, _, err = run(
        "decide", policy_file, "--group", "groep-7", "--host", "youtube.com",
        "--overrides", overrides, "--trust-key", keys / "signing-key.pem",
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"classguard-policy: error: cannot use {keys / 'signing-key.pem'} as a trusted key")
    assert err.count("\n") == 1


# -- pac -----------------------------------------------------------------------
def test_pac(run: Run, policy_file: Path) -> None:
    code, out, err = run("pac", policy_file, "--proxy", "127.0.0.1:3128")
    assert (code, err) == (0, "")
    assert "function FindProxyForURL(url, host)" in out
    assert '"PROXY 127.0.0.1:3128"' in out
    assert '"instagram.com":1' in out
    assert "facebook.com" not in out


@pytest.mark.parametrize("proxy", ['127.0.0.1:3128"; alert(1); "', "nohost", ":80", "127.0.0.1:3128\n"])
def test_pac_bad_proxy(run: Run, policy_file: Path, proxy: str) -> None:
    code, out, err = run("pac", policy_file, "--proxy", proxy)
    assert (code, out) == (2, "")
    assert err == f"classguard-policy: error: proxy must be HOST:PORT, got {proxy!r}\n"


def test_pac_of_a_broken_policy(run: Run, write_policy: Callable[..., Path]) -> None:
    bad = write_policy(BROKEN, "broken.yaml")
    code, out, err = run("pac", bad, "--proxy", "127.0.0.1:3128")
    assert (code, out) == (1, "")
    assert err.splitlines() == broken_lines(bad)


# -- keygen --------------------------------------------------------------------
def test_keygen(run: Run, tmp_path: Path) -> None:
    directory = tmp_path / "k"
    code, out, err = run("keygen", "--out", directory)
    assert (code, err) == (0, "")
    private, public = directory / "signing-key.pem", directory / "signing-key.pub.pem"
    assert private.stat().st_mode & 0o777 == 0o600
    assert public.read_text(encoding="ascii").startswith("-----BEGIN PUBLIC KEY-----")
    kid = key_id(load_private_key(private.read_bytes()).public_key())
    assert out == f"wrote {private} (keep secret) and {public} (kid {kid})\n"
    before = private.read_bytes(), public.read_bytes()
    code, out, err = run("keygen", "--out", directory)
    assert (code, out) == (2, "")
    assert err == f"classguard-policy: error: {private} exists already; move it away to make a new key\n"
    assert (private.read_bytes(), public.read_bytes()) == before


# -- token issue / verify ----------------------------------------------------------
def cli_token(run: Run, keys: Path, *extra: str) -> str:
    code, out, err = run(
        "token", "issue", "--key", keys / "signing-key.pem", "--group", "groep-7",
        "--service", "youtube", "--minutes", "30", "--reason", "x", *extra,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    return out.strip()


def test_token_issue_and_verify(run: Run, keys: Path) -> None:
    token = cli_token(run, keys, "--sub", "juf-anna")
    code, out, err = run("token", "verify", token + "\n", "--trust-key", keys / "signing-key.pub.pem")
    assert (code, err) == (0, "")
    claims = json.loads(out)
    assert set(claims) == {"jti", "sub", "kind", "groups", "devices", "services", "iat", "nbf", "exp", "reason", "kid"}
    assert claims["sub"] == "juf-anna"
    assert claims["kind"] == "exception"
    assert claims["groups"] == ["groep-7"]
    assert claims["services"] == ["youtube"]
    assert claims["devices"] == []
    assert claims["reason"] == "x"
    assert claims["exp"] - claims["nbf"] == 30 * 60
    assert claims["kid"] == key_id(load_private_key((keys / "signing-key.pem").read_bytes()).public_key())


def test_token_verify_with_another_key(run: Run, keys: Path, tmp_path: Path) -> None:
    token = cli_token(run, keys)
    assert run("keygen", "--out", tmp_path / "other")[0] == 0
    code, out, err = run("token", "verify", token, "--trust-key", tmp_path / "other" / "signing-key.pub.pem")
    assert (code, out) == (1, "")
    assert err.startswith("rejected: unknown key")
    assert err.count("\n") == 1


def test_token_verify_garbage(run: Run, keys: Path) -> None:
    code, out, err = run("token", "verify", "garbage", "--trust-key", keys / "signing-key.pub.pem")
    assert (code, out, err) == (1, "", "rejected: malformed: not a JWT\n")


def test_token_verify_against_a_policy(run: Run, keys: Path, policy_file: Path) -> None:
    token = cli_token(run, keys)
    trust = ("--trust-key", keys / "signing-key.pub.pem")
    code, out, err = run("token", "verify", token, *trust, "--policy", policy_file, "--group", "groep-8")
    assert (code, out, err) == (1, "", "rejected: group: not for groep-8\n")
    code, out, _ = run("token", "verify", token, *trust, "--policy", policy_file, "--group", "groep-7")
    assert code == 0
    assert json.loads(out)["groups"] == ["groep-7"]
    code, _, err = run("token", "verify", token, *trust, "--policy", policy_file)
    assert (code, err) == (2, "classguard-policy: error: --policy needs --group\n")
    code, _, err = run("token", "verify", token, *trust, "--policy", policy_file, "--group", "groep-9")
    assert code == 2
    assert "unknown group 'groep-9'" in err


def test_token_verify_lifetime_against_a_policy(run: Run, keys: Path, policy_file: Path) -> None:
    code, token, _ = run(
        "token", "issue", "--key", keys / "signing-key.pem", "--group", "groep-7",
        "--service", "youtube", "--minutes", "121", "--reason", "x",
    )  # fmt: skip
    assert code == 0
    trust = ("--trust-key", keys / "signing-key.pub.pem")
    code, out, err = run("token", "verify", token.strip(), *trust, "--policy", policy_file, "--group", "groep-7")
    assert (code, out) == (1, "")
    assert err.startswith("rejected: lifetime")


def test_token_verify_group_without_policy_is_not_silently_ignored(run: Run, keys: Path) -> None:
    token = cli_token(run, keys)
    code, out, err = run("token", "verify", token, "--trust-key", keys / "signing-key.pub.pem", "--group", "groep-8")
    assert (code, out) == (1, "")
    assert err.startswith("rejected: group")


def test_token_issue_refuses_bad_input(run: Run, keys: Path) -> None:
    base = ("token", "issue", "--key", keys / "signing-key.pem", "--service", "youtube", "--reason", "x")
    code, out, err = run(*base, "--group", "Groep 7", "--minutes", "30")
    assert (code, out) == (2, "")
    assert err == 'classguard-policy: error: malformed: groups holds "Groep 7", which is not a name\n'
    code, out, err = run(*base, "--group", "groep-7", "--minutes", "0")
    assert (code, out, err) == (2, "", "classguard-policy: error: minutes must be positive\n")
    public = ("token", "issue", "--key", keys / "signing-key.pub.pem", "--service", "youtube", "--reason", "x")
    code, out, err = run(*public, "--group", "groep-7", "--minutes", "5")
    assert (code, out) == (2, "")
    assert err.startswith(f"classguard-policy: error: cannot use {keys / 'signing-key.pub.pem'} as a signing key")


# -- argparse --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["decide", "{file}", "--host", "youtube.com"], "--group"),
        (["pac", "{file}"], "--proxy"),
        (["token", "verify", "abc"], "--trust-key"),
        (["frobnicate"], "invalid choice"),
        ([], "COMMAND"),
    ],
)
def test_argparse_errors_exit_2(
    capsys: pytest.CaptureFixture[str], policy_file: Path, argv: list[str], mentions: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([a.format(file=policy_file) for a in argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: classguard-policy")
    assert mentions in err
