"""Who listens on a loopback port. A pupil's own program that grabs the proxy's port
first (before the agent starts, or while the proxy restarts) would receive every
guarded request and could let it all through; the TCP connect of a health check cannot
tell. The listening process's pid can (psutil; needs the service user's privileges)."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no stubs in the venv

log = logging.getLogger(__name__)


def listener_pids(host: str, port: int) -> set[int] | None:
    """Pids listening on host:port (or the wildcard address); None when the system
    will not say (then the caller cannot judge and must not pretend to)."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        return None
    wildcard = {"0.0.0.0", "::", host}  # noqa: S104 - matching listeners, not binding
    return {
        c.pid
        for c in connections
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.laddr.ip in wildcard and c.pid
    }


def describe(pid: int) -> str:
    try:
        return f"pid {pid} ({psutil.Process(pid).name()})"
    except psutil.Error:
        return f"pid {pid}"


def stop_leftover_proxy(host: str, port: int, command: Path, data_dir: Path) -> list[int]:
    """Terminate a proxy left by an agent that was killed (it runs in its own session,
    so it can outlive one), recognised by our command and our data directory."""
    stopped = []
    for pid in listener_pids(host, port) or set():
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            cmdline = process.cmdline()
            if any(Path(part).name == command.name for part in cmdline[:2]) and str(data_dir) in cmdline:
                process.terminate()
                with contextlib.suppress(psutil.TimeoutExpired):
                    process.wait(5)
                stopped.append(pid)
                log.warning("stopped a proxy left over from an earlier agent (pid %d)", pid)
    return stopped
