"""Builds and runs the embedded mitmproxy: a minimal Master with only the addons the
proxy needs (each stock addon sits on the hot path), classguard's addons first."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mitmproxy import master, options
from mitmproxy.addons import core, errorcheck, proxyserver, tlsconfig

from policies.clock import system_now
from proxy.ca import MITMPROXY_DIR, ensure_ca, permitted_domains
from proxy.counters import FILE_NAME as COUNTERS_FILE
from proxy.counters import Counters
from proxy.gatekeeper import Gatekeeper
from proxy.housekeeping import Housekeeping
from proxy.privacy import quiet_mitmproxy_logging
from proxy.resolve import Resolve
from proxy.sources import Snapshot, Sources
from proxy.tunnels import OpenConnections
from proxy.verdicts import Verdicts

# Options that would weaken upstream certificate checks or sign with a key that is
# not this laptop's own CA (12.3.1's eMudhra options use a third party's key).
UNSAFE_OPTIONS = ("ssl_insecure", "emudhra", "emudhra_old")


class UnsafeOptions(ValueError):
    pass


@dataclass
class Settings:
    sources: Sources
    group: str
    device: str | None
    listen_host: str
    listen_port: int
    data_dir: Path
    intercept: bool = False
    upstream_ca: Path | None = None
    resolve: Mapping[str, str] = field(default_factory=dict)


def check_safe(opts: options.Options) -> None:
    set_unsafe = [name for name in UNSAFE_OPTIONS if name in opts and getattr(opts, name)]
    if set_unsafe:
        raise UnsafeOptions(f"refusing to start: unsafe mitmproxy option(s) set: {', '.join(set_unsafe)}")


async def serve(settings: Settings) -> int:
    snapshot = settings.sources.current or settings.sources.load_initial()
    counters = Counters()
    counters.load(settings.data_dir / COUNTERS_FILE)
    connections = OpenConnections()

    def current() -> Snapshot:
        return settings.sources.current or snapshot

    verdicts = Verdicts(current, settings.group, settings.device, system_now)
    intercept_domains: frozenset[str] = frozenset()
    if settings.intercept:
        cert = ensure_ca(settings.data_dir, snapshot.policy.matcher.guarded_domains(), system_now())
        intercept_domains = permitted_domains(cert)

    opts = options.Options()
    m = master.Master(opts, with_termlog=False)
    addons: list[object] = [core.Core(), proxyserver.Proxyserver()]
    if settings.intercept:
        addons.append(tlsconfig.TlsConfig())
    addons.append(errorcheck.ErrorCheck(repeat_errors_on_stderr=True))
    gatekeeper = Gatekeeper(verdicts, current, counters, connections, intercept_domains)
    housekeeping = Housekeeping(
        settings.sources, verdicts, counters, connections, settings.data_dir, settings.intercept, _announce
    )
    addons += [Resolve(settings.resolve), gatekeeper, housekeeping]
    m.addons.add(*addons)
    updates: dict[str, object] = {
        "listen_host": settings.listen_host,
        "listen_port": settings.listen_port,
        "mode": ["regular"],
        # Decide before dialling: a blocked site must never see a connection.
        "connection_strategy": "lazy",
        # Bodies are streamed past, never buffered whole (RSS stays flat).
        "stream_large_bodies": "1m",
        "confdir": str(settings.data_dir / MITMPROXY_DIR),
        "http3": False,
    }
    if settings.intercept:
        # The certificate shown to the browser names only the guarded host it asked for.
        updates["upstream_cert"] = False
        if settings.upstream_ca:
            updates["ssl_verify_upstream_trusted_ca"] = str(settings.upstream_ca)
    opts.update(**updates)
    check_safe(opts)

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, m.shutdown)
    await m.run()
    return 0


def _announce(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def run(settings: Settings) -> int:
    quiet_mitmproxy_logging()
    try:  # uvloop (Linux, macOS) takes a tenth off each new connection's latency
        import uvloop
    except ImportError:
        return asyncio.run(serve(settings))
    return asyncio.run(serve(settings), loop_factory=uvloop.new_event_loop)
