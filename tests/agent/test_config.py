from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.config import ConfigError, load_config


def test_a_complete_config_loads(write_config: Callable[..., Path], tmp_path: Path) -> None:
    config = load_config(write_config("https://console.school.example/", proxy_listen="127.0.0.1:3128"))
    assert config.console_url == "https://console.school.example"
    assert config.proxy_listen == ("127.0.0.1", 3128)
    assert config.proxy_address == "127.0.0.1:3128"
    assert config.state_dir == tmp_path / "state"
    assert config.apply_system_settings is False
    assert config.pac_url.startswith("http://127.0.0.1:") and config.pac_url.endswith("/proxy.pac")


def test_relative_paths_are_relative_to_the_config_file(write_config: Callable[..., Path], tmp_path: Path) -> None:
    config = load_config(write_config(state_dir="var/state"))
    assert config.state_dir == tmp_path / "var" / "state"


def test_ipv6_loopback_is_accepted(write_config: Callable[..., Path]) -> None:
    config = load_config(write_config(pac_listen="'[::1]:8080'"))
    assert config.pac_listen == ("::1", 8080)
    assert config.pac_url == "http://[::1]:8080/proxy.pac"


def test_every_problem_is_reported_with_line_and_column(write_config: Callable[..., Path]) -> None:
    path = write_config(extra="apply_sytem_settings: true\n", proxy_listen="0.0.0.0:3128", console_url="ftp://x")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}:1:14: console_url: 'ftp://x' is not an http(s) URL such as https://console.school.example",
        f"{path}:3:15: proxy_listen: '0.0.0.0' is not a loopback address: use 127.0.0.1 or [::1]",
        f"{path}:9:1: apply_sytem_settings: unknown key 'apply_sytem_settings' (did you mean 'apply_system_settings'?)",
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"apply_system_settings": "maybe"}, "apply_system_settings: expected true or false, got 'maybe'"),
        ({"pac_listen": "localhost"}, "pac_listen: 'localhost' is not HOST:PORT, e.g. 127.0.0.1:3128"),
        ({"pac_listen": "127.0.0.1:70000"}, "pac_listen: port 70000 is out of range (1 to 65535)"),
        ({"state_dir": "''"}, "state_dir: expected a path, got an empty text"),
    ],
)
def test_bad_values(write_config: Callable[..., Path], override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        load_config(write_config(**override))


def test_missing_keys_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("console_url: http://127.0.0.1:1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}:1:1: state_dir: missing required key" in str(caught.value)
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "absent.yaml")
