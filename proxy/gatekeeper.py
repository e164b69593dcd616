"""The mitmproxy addon that enforces the verdicts, one hook per concern.

- http_connect: judge the CONNECT target; refuse with 403 before anything is dialled
  (connection_strategy is lazy, so mitmproxy opens no upstream connection itself).
- next_layer: inside an accepted tunnel, judge again with the TLS SNI or HTTP Host
  the client really sends (no fronting), then either pass the bytes through untouched
  (never decrypted), intercept (only guarded hosts, only with --intercept, only names
  the per-install CA may sign for), or close the tunnel.
- requestheaders / request: plain HTTP and intercepted HTTPS requests: block page,
  and the media-upload rule (rule 7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mitmproxy import connection, http
from mitmproxy.addons.next_layer import NeedsMoreData, NextLayer, stack_match
from mitmproxy.proxy import commands, events, layer, layers
from mitmproxy.proxy.layers import modes
from mitmproxy.proxy.layers.http import HTTPMode

from policies.decide import Decision
from policies.hosts import normalise_host
from policies.matcher import Allowed
from proxy.counters import Counters
from proxy.media import BodyScanner, media_type, multipart_boundary
from proxy.pages import block_page, refusal_text
from proxy.sources import Snapshot
from proxy.tunnels import OpenConnections
from proxy.verdicts import Verdicts

log = logging.getLogger("classguard.proxy")
UPLOAD_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Refuse(layer.Layer):
    """Closes the client connection at once: for a tunnel whose real name is blocked
    when no block page can be shown."""

    def _handle_event(self, event: events.Event) -> layer.CommandGenerator[None]:
        if isinstance(event, events.Start):
            yield commands.CloseConnection(self.context.client)


class Gatekeeper:
    def __init__(
        self,
        verdicts: Verdicts,
        snapshot: Callable[[], Snapshot],
        counters: Counters,
        connections: OpenConnections,
        intercept_domains: frozenset[str] = frozenset(),
    ) -> None:
        self.verdicts = verdicts
        self.snapshot = snapshot
        self.counters = counters
        self.connections = connections
        self.intercept_domains = intercept_domains

    # -- CONNECT ---------------------------------------------------------------
    def http_connect(self, flow: http.HTTPFlow) -> None:
        names = (flow.request.host, _host_only(flow.request.headers.get("host")))
        decision = self.verdicts.judge(names)
        if decision.allowed:
            if decision.token_id:
                self._count(decision, "allowed_by_token")
            return
        if self._can_intercept(names):
            return  # accepted; the block page is served inside the tunnel
        self._count(decision, "blocked")
        flow.response = refusal_text(self.snapshot().policy, decision, self.verdicts.now())

    # -- what runs inside a connection ------------------------------------------
    def next_layer(self, nextlayer: layer.NextLayer) -> None:
        if nextlayer.layer is not None:
            return
        context = nextlayer.context
        if stack_match(context, [modes.HttpProxy]):
            # A new client connection to the proxy: speak HTTP proxy.
            nextlayer.layer = layers.HttpLayer(context, HTTPMode.regular)
            return
        if context.client.tls_established:
            # Inside a tunnel we chose to intercept: HTTP over the decrypted stream.
            nextlayer.layer = layers.HttpLayer(context, HTTPMode.transparent)
            return
        try:
            nextlayer.layer = self._tunnel_layer(context, nextlayer.data_client())
        except NeedsMoreData:
            return  # mitmproxy asks again when more bytes have arrived

    def _tunnel_layer(self, context: layer.Context, data: bytes) -> layer.Layer:
        target = context.server.address[0] if context.server.address else None
        hello = NextLayer._get_client_hello(context, data)
        sni = hello.sni if hello else None
        host_header = None if hello else NextLayer._get_host_header(context, data, b"")
        names = (target, sni, _host_only(host_header))
        decision = self.verdicts.judge(names)
        if decision.allowed:
            self.connections.track(context.client.id, names)
            if hello and self._can_intercept(names) and self.verdicts.media_rule_applies(names):
                return _intercepting(context)
            return layers.TCPLayer(context, ignore=True)
        self._count(decision, "blocked")
        if hello and self._can_intercept(names):
            return _intercepting(context)
        if not hello and host_header is not None:
            return layers.HttpLayer(context, HTTPMode.transparent)  # plain HTTP: 403 in requestheaders
        return Refuse(context)

    # -- HTTP requests (plain proxy requests and intercepted ones) ---------------
    def requestheaders(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or flow.request.method == "CONNECT":
            return
        names = self._request_names(flow)
        decision = self.verdicts.judge(names)
        if not decision.allowed:
            if not flow.client_conn.tls_established:
                self._count(decision, "blocked")  # (in a tunnel, counted once when it opened)
            self._answer(flow, decision)
            return
        if flow.request.method.upper() not in UPLOAD_METHODS:
            self.connections.track(flow.client_conn.id, names)
            return
        content_type = flow.request.headers.get("content-type")
        kind = media_type(content_type)
        if kind:
            media = self.verdicts.judge(names, flow.request.method, kind)
            if not media.allowed:
                self._count(media, "media_refused")
                self._answer(flow, media)
                return
        else:
            # Would a photo be refused here? Then watch the body as it streams past.
            media = self.verdicts.judge(names, flow.request.method, "image/jpeg")
            if media.reason == "media-upload":
                flow.request.stream = BodyScanner(multipart_boundary(content_type), self._on_media(flow, media))
        self.connections.track(flow.client_conn.id, names)

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        # Nothing in a response is ever inspected: pass every body through as it
        # arrives. Buffered, a long-lived response (a stream, server-sent events) would
        # reach the browser only when it ends, and memory would grow with its size.
        if flow.response is not None:
            flow.response.stream = True

    def client_disconnected(self, client: connection.Client) -> None:
        self.connections.forget(client.id)

    def _on_media(self, flow: http.HTTPFlow, decision: Decision) -> Callable[[str], None]:
        def refuse(kind: str) -> None:
            # The request line has left already; stop the body and drop the
            # connection, so the site never receives a whole upload.
            self._count(decision, "media_refused")
            self.connections.close_soon(flow.client_conn.id)

        return refuse

    # -- helpers ------------------------------------------------------------------
    def _request_names(self, flow: http.HTTPFlow) -> tuple[str | None, ...]:
        request = flow.request
        server = flow.server_conn.address[0] if flow.server_conn.address else None
        return (request.host, _host_only(request.headers.get("host")), flow.client_conn.sni, server)

    def _answer(self, flow: http.HTTPFlow, decision: Decision) -> None:
        policy, now = self.snapshot().policy, self.verdicts.now()
        if flow.client_conn.tls_established:
            flow.response = block_page(policy, decision, now)
        else:
            flow.response = refusal_text(policy, decision, now)
        flow.response.headers["Connection"] = "close"

    def _can_intercept(self, names: tuple[str | None, ...]) -> bool:
        """Only guarded names that the per-install CA is constrained to."""
        if not self.intercept_domains:
            return False
        matcher = self.snapshot().policy.matcher
        for name in names:
            if not name:
                continue
            try:
                host = normalise_host(name)
            except ValueError:
                continue
            hit = matcher.lookup(host)
            if hit is not None and not isinstance(hit, Allowed) and _within_any(host, self.intercept_domains):
                return True
        return False

    def _count(self, decision: Decision, kind: str) -> None:
        self.counters.count(decision.service, kind, self.verdicts.now())


def _intercepting(context: layer.Context) -> layer.Layer:
    server_tls = layers.ServerTLSLayer(context)
    server_tls.child_layer = layers.ClientTLSLayer(context)
    return server_tls


def _within_any(host: str, domains: frozenset[str]) -> bool:
    name = host
    while True:
        if name in domains:
            return True
        dot = name.find(".")
        if dot < 0:
            return False
        name = name[dot + 1 :]


def _host_only(value: str | None) -> str | None:
    """A Host header's name without the port; the raw value when it does not parse
    (so that verdicts sees the odd value and fails closed)."""
    if value is None:
        return None
    value = value.strip()
    if value.startswith("["):
        return value
    host, sep, port = value.rpartition(":")
    if sep and port.isdigit() and host:
        return host
    return value
