"""Serves the PAC file on loopback, regenerated whenever the policy changes.

Only guarded domains go to the proxy, with no DIRECT fallback (policies.pac); the rest
of the web never touches the proxy. Before any policy is known the PAC sends everything
DIRECT: with ProxyPacMandatory a PAC that cannot be fetched would break all browsing.
The server logs nothing: a request for the PAC says nothing, and must not say more.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Final

from policies.model import Policy
from policies.pac import generate_pac

PAC_PATHS: Final = ("/proxy.pac", "/")
NO_POLICY_PAC: Final = '// classguard: no policy yet\nfunction FindProxyForURL(url, host) { return "DIRECT"; }\n'
PAC_TYPE: Final = "application/x-ns-proxy-autoconfig"


class PacServer:
    def __init__(self, listen: tuple[str, int], proxy_address: str) -> None:
        self.proxy_address = proxy_address
        self._pac = NO_POLICY_PAC.encode("utf-8")
        self._httpd = ThreadingHTTPServer(listen, _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def pac(self) -> bytes:
        return self._pac

    def update(self, policy: Policy) -> None:
        """Regenerate from a new policy (one assignment: readers see old or new)."""
        self._pac = generate_pac(policy, self.proxy_address).encode("utf-8")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="pac-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _handler(server: PacServer) -> type[BaseHTTPRequestHandler]:
    class PacHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] not in PAC_PATHS:
                self.send_error(404)
                return
            body = server.pac
            self.send_response(200)
            self.send_header("Content-Type", PAC_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # no access log: nothing about this laptop's use is written anywhere

    return PacHandler
