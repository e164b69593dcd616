"""The agent's config file (YAML): where the console is, where state lives, where the
proxy and the PAC server listen, and whether to touch the system's settings.

Read with the policy loader's NodeReader, so every problem is reported at once as
FILE:LINE:COL: key: message, and an unknown key is an error (a typo must not silently
turn enforcement off).
"""

from __future__ import annotations

import ipaddress
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import yaml

from agent.errors import UsageError
from policies.errors import Problem
from policies.yamlnodes import NodeReader

REQUIRED: Final = ("console_url", "state_dir", "proxy_listen", "pac_listen", "apply_system_settings")
OPTIONAL: Final = (
    "settings_root",
    "tray_socket",
    "proxy_command",
    "intercept",
    "app_grace_seconds",
    "heartbeat_seconds",
    "settings_interval_seconds",
)
_HOST_PORT: Final = re.compile(r"(?:\[(?P<v6>[0-9a-fA-F:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>[0-9]{1,5})")


@dataclass(frozen=True)
class Config:
    source: str
    console_url: str
    state_dir: Path
    proxy_listen: tuple[str, int]
    pac_listen: tuple[str, int]
    apply_system_settings: bool
    settings_root: Path = Path("/")
    tray_socket: Path = Path("/run/classguard/agent.sock")
    proxy_command: Path = Path(sys.executable).parent / "classguard-proxy"
    intercept: bool = False
    app_grace_seconds: int = 10
    heartbeat_seconds: int = 300
    settings_interval_seconds: int = 60

    @property
    def proxy_address(self) -> str:
        return join_host_port(self.proxy_listen)

    @property
    def pac_url(self) -> str:
        return f"http://{join_host_port(self.pac_listen)}/proxy.pac"


def join_host_port(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class ConfigError(UsageError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


def load_config(path: str | Path) -> Config:
    """Read and check a config file. ConfigError lists every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([Problem(str(path), 1, 1, "(file)", f"cannot read the file: {reason}")]) from exc
    return _ConfigReader(str(path), path.parent).read(text)


class _ConfigReader(NodeReader):
    def __init__(self, file: str, base_dir: Path) -> None:
        super().__init__(file)
        self.base_dir = base_dir

    def read(self, text: str) -> Config:
        root = self.compose(text)
        items = self.mapping(root, "", known=REQUIRED + OPTIONAL, required=REQUIRED) if root is not None else None
        if items is None:
            raise ConfigError(self.problems)
        values: dict[str, object] = {}
        for key, (_, node) in items.items():
            value = self._value(key, node)
            if value is not None:
                values[key] = value
        if self.problems:
            raise ConfigError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return Config(source=self.file, **values)  # type: ignore[arg-type]

    def _value(self, key: str, node: yaml.Node) -> object:
        if key == "console_url":
            return self._url(node, key)
        if key in ("state_dir", "settings_root", "tray_socket", "proxy_command"):
            return self._path(node, key)
        if key in ("proxy_listen", "pac_listen"):
            return self._loopback(node, key)
        if key in ("apply_system_settings", "intercept"):
            return self.boolean(node, key)
        return self.integer(node, key, low=1, high=86_400)

    def _url(self, node: yaml.Node, key: str) -> str | None:
        text = self.text(node, key)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            self.error(node, key, f"'{text}' is not an http(s) URL such as https://console.school.example")
            return None
        return text.rstrip("/")

    def _path(self, node: yaml.Node, key: str) -> Path | None:
        text = self.text(node, key)
        if text is None:
            return None
        if not text.strip():
            self.error(node, key, "expected a path, got an empty text")
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    def _loopback(self, node: yaml.Node, key: str) -> tuple[str, int] | None:
        """HOST:PORT on this machine only: a proxy or PAC server reachable from the
        network would serve other machines and leak what this one asks for."""
        text = self.text(node, key)
        match = _HOST_PORT.fullmatch(text) if text is not None else None
        if match is None:
            if text is not None:
                self.error(node, key, f"'{text}' is not HOST:PORT, e.g. 127.0.0.1:3128")
            return None
        host = match["v6"] or match["host"]
        port = int(match["port"])
        if not 1 <= port <= 65535:
            self.error(node, key, f"port {port} is out of range (1 to 65535)")
            return None
        if host != "localhost":
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                self.error(node, key, f"'{host}' is not a loopback address: use 127.0.0.1 or [::1]")
                return None
        return host, port
