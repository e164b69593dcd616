"""Reloading: a changed file takes effect within 1 s; a broken one keeps the last
good state and says why."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from policies.clock import monotonic
from proxy.sources import Sources
from tests.proxy.conftest import IN_LESSON, codes, curl


def replace_atomically(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".new")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def wait_for(check, limit: float) -> float:
    started = monotonic()
    while not check():
        assert monotonic() - started < limit + 3, "not within the limit (nor soon after)"
        time.sleep(0.05)
    return monotonic() - started


def test_a_changed_policy_takes_effect_within_a_second(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON)
    url = f"https://www.instagram.com:{sites.https.port}/"
    assert codes(curl(proxy, url, cacert=sites.ca.cert_path))[0] == 403
    replace_atomically(
        school.policy, school.policy.read_text().replace("block: [youtube, instagram]", "block: [youtube]")
    )
    took = wait_for(lambda: codes(curl(proxy, url, cacert=sites.ca.cert_path))[0] == 200, 1.0)
    assert took <= 1.0


def test_a_broken_policy_keeps_the_last_good_one_and_says_why(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON)
    replace_atomically(school.policy, "version: 1\nschool: [unclosed\n")
    status_file = proxy.data_dir / "status.json"
    wait_for(lambda: json.loads(status_file.read_text())["last_error"] is not None, 1.0)
    assert "policy file did not load" in json.loads(status_file.read_text())["last_error"]
    assert codes(curl(proxy, f"https://www.instagram.com:{sites.https.port}/", cacert=sites.ca.cert_path))[0] == 403
    assert proxy.process.poll() is None


def test_a_new_exception_takes_effect_within_a_second(run_proxy, sites, school):
    proxy = run_proxy(IN_LESSON)
    url = f"https://www.youtube.com:{sites.https.port}/"
    school.set_tokens([school.token(IN_LESSON)])
    took = wait_for(lambda: codes(curl(proxy, url, cacert=sites.ca.cert_path))[0] == 200, 1.0)
    assert took <= 1.0


def test_a_garbled_overrides_file_keeps_the_previous_exceptions(school):
    school.set_tokens([school.token(IN_LESSON)])
    errors: list[str] = []
    sources = Sources(
        school.policy, (school.public_key,), school.overrides, school.root / "clock.json", on_error=errors.append
    )
    first = sources.load_initial()
    assert len(first.overrides.tokens) == 1
    replace_atomically(school.overrides, "{not json")
    sources.poll()
    assert sources.current is not None and sources.current.overrides is first.overrides
    assert errors and "overrides file did not load" in errors[0]


def test_a_forged_token_is_refused_and_said(school, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from policies.tokens import issue_token

    forged = issue_token(
        Ed25519PrivateKey.generate(),
        sub="x",
        kind="exception",
        groups=["groep-7"],
        services=["*"],
        now=1,
        minutes=60,
        reason="r",
    )
    errors: list[str] = []
    school.set_tokens([forged])
    sources = Sources(school.policy, (school.public_key,), school.overrides, None, on_error=errors.append)
    assert sources.load_initial().overrides.tokens == ()
    assert "refused" in errors[0] and "not a trusted key" in errors[0]


def test_a_bad_clock_file_keeps_the_previous_offset(school):
    clock = school.root / "clock.json"
    replace_atomically(clock, json.dumps({"offset_s": 42.5}))
    errors: list[str] = []
    sources = Sources(school.policy, (), None, clock, on_error=errors.append)
    assert sources.load_initial().offset_s == 42.5
    for broken in ('{"offset_s": "soon"}', '{"offset_s": 1e12}', '{"offset_s": NaN}', "[]"):
        replace_atomically(clock, broken)
        time.sleep(0.01)
        sources.poll()
        assert sources.current is not None and sources.current.offset_s == 42.5
    assert len(errors) == 4


@pytest.mark.parametrize("name", ["policy.yaml", "overrides.json"])
def test_files_a_pupil_could_write_are_not_trusted(school, name):
    school.set_tokens([school.token(IN_LESSON)])
    (school.root / name).chmod(0o666)
    errors: list[str] = []
    sources = Sources(school.policy, (school.public_key,), school.overrides, None, on_error=errors.append)
    if name == "policy.yaml":
        with pytest.raises(ValueError, match="writable by other users"):
            sources.load_initial()
    else:
        assert sources.load_initial().overrides.tokens == ()
        assert "writable by other users" in errors[0]


def test_a_policy_made_writable_later_keeps_the_last_good_one(school):
    errors: list[str] = []
    sources = Sources(school.policy, (), None, None, on_error=errors.append)
    first = sources.load_initial()
    replace_atomically(school.policy, school.policy.read_text().replace("block: [youtube, instagram]", "block: []"))
    school.policy.chmod(0o646)
    sources.poll()
    assert sources.current is not None and sources.current.policy is first.policy
    assert "writable by other users" in errors[0]


def test_the_proxy_refuses_to_start_on_a_world_writable_policy(school):
    import subprocess

    from tests.proxy.harness import PROXY_BIN

    school.policy.chmod(0o666)
    result = subprocess.run(
        [str(PROXY_BIN), "--policy", str(school.policy), "--group", "groep-7", "--listen", "127.0.0.1:0",
         "--data-dir", str(school.data_dir)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert "writable by other users" in result.stderr
