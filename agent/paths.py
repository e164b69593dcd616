"""Where the agent keeps things inside its state directory (one place, so the layout
is documented once and tests use the same names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StatePaths:
    root: Path

    @property
    def device(self) -> Path:
        return self.root / "device.json"

    @property
    def secret(self) -> Path:
        return self.root / "device-secret"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def cache(self) -> Path:
        return self.root / "cache.json"

    @property
    def cache_good(self) -> Path:
        return self.root / "cache.good.json"

    @property
    def policy_dir(self) -> Path:
        return self.root / "policy"

    @property
    def policy_file(self) -> Path:
        return self.policy_dir / "policy.yaml"

    @property
    def overrides(self) -> Path:
        return self.root / "overrides.json"

    @property
    def proxy_dir(self) -> Path:
        return self.root / "proxy"

    @property
    def clock(self) -> Path:
        return self.proxy_dir / "clock.json"

    @property
    def status(self) -> Path:
        return self.root / "status.json"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox.json"

    @property
    def lock(self) -> Path:
        return self.root / "agent.lock"

    def ensure(self) -> None:
        """Create the directories, private to the service user (0700)."""
        for directory in (self.root, self.keys, self.policy_dir, self.proxy_dir):
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o700)
