from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agent import settings
from agent.cli import main
from agent.config import load_config


def plan_json(config: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:  # type: ignore[type-arg]
    assert main(["--config", str(config), "settings", "plan", *extra, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_linux_plan_is_printed_and_nothing_touched(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(apply_system_settings="true")
    before = sorted(p.name for p in tmp_path.iterdir())
    document = plan_json(config_path, capsys, "--platform", "linux")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no state dir, no settings root
    config = load_config(config_path)
    assert document["system"] == "linux" and document["pac_url"] == config.pac_url
    assert [f["path"] for f in document["files"]] == [
        "/etc/dconf/profile/user",
        "/etc/dconf/db/local.d/00-classguard-proxy",
        "/etc/dconf/db/local.d/locks/classguard-proxy",
        "/etc/chromium/policies/managed/classguard.json",
        "/etc/opt/chrome/policies/managed/classguard.json",
        "/etc/firefox/policies/policies.json",
    ]
    assert all(f["mode"] == "0644" for f in document["files"])
    assert f"autoconfig-url='{config.pac_url}'" in document["files"][1]["content"]
    assert document["commands"] == [["dconf", "update"]] and document["registry"] == []
    # the same bytes the agent writes when it applies the plan
    settings.apply(settings.proxy_plan(config.pac_url, "linux"), tmp_path / "root")
    for item in document["files"]:
        assert (tmp_path / "root" / item["path"].lstrip("/")).read_text() == item["content"]


def test_windows_and_macos(write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config()
    pac_url = load_config(config_path).pac_url
    windows = plan_json(config_path, capsys, "--platform", "windows")
    assert windows["system"] == "windows" and windows["profile_payloads"] == []
    assert {"key": r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings", "name": "AutoConfigURL",
            "kind": "REG_SZ", "value": pac_url} in windows["registry"]  # fmt: skip
    assert windows["files"][0]["path"] == "/ProgramData/classguard/classguard-policies.reg"
    assert "\r\n" in windows["files"][0]["content"]
    macos = plan_json(config_path, capsys, "--platform", "macos")
    proxy = next(p for p in macos["profile_payloads"] if p["PayloadType"] == "com.apple.proxy.http.global")
    assert proxy["ProxyPACURL"] == pac_url and proxy["ProxyPACFallbackAllowed"] is False
    assert ["networksetup", "-setautoproxyurl", "Wi-Fi", pac_url] in macos["commands"]


def test_json_is_required_and_the_platform_checked(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config())
    assert main(["--config", config, "settings", "plan"]) == 2
    assert "add --json" in capsys.readouterr().err
    assert main(["--config", config, "settings", "plan", "--platform", "amiga", "--json"]) == 2


def firefox_of(document: dict) -> dict:  # type: ignore[type-arg]
    item = next(f for f in document["files"] if f["path"].endswith("policies.json"))
    return json.loads(item["content"])["policies"]  # type: ignore[no-any-return]


def test_with_the_ca_firefox_is_told_to_trust_it(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Firefox has a certificate store of its own: without this, block pages over HTTPS
    would be a certificate error there (the other browsers use the system's store)."""
    plain = write_config()
    assert "Certificates" not in firefox_of(plan_json(plain, capsys, "--platform", "linux"))
    intercepting = write_config(intercept="true")
    linux = firefox_of(plan_json(intercepting, capsys, "--platform", "linux"))
    assert linux["Certificates"] == {"Install": ["/usr/local/share/ca-certificates/classguard-proxy-ca.crt"]}
    for platform in ("windows", "macos"):
        document = plan_json(intercepting, capsys, "--platform", platform)
        assert firefox_of(document)["Certificates"] == {"ImportEnterpriseRoots": True}
    payload = next(p for p in document["profile_payloads"] if p["PayloadType"] == "org.mozilla.firefox")
    assert payload["policies"]["Certificates"] == {"ImportEnterpriseRoots": True}
