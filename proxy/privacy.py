"""Logging without a browsing history.

mitmproxy's connection-level loggers name every client and host at INFO; those are
kept to errors, and even those are stripped of their text, because a TLS or socket
error message carries the host name. classguard's own messages never name a host.
"""

from __future__ import annotations

import logging
import sys

CONNECTION_LOGGERS = ("mitmproxy.proxy",)


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if "without nextlayer addon" in str(record.msg):
            return False  # classguard's Gatekeeper chooses the layers itself, on purpose
        if record.name.startswith(CONNECTION_LOGGERS):
            record.msg = "a connection failed (details withheld: they would name a site)"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_mitmproxy_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("classguard-proxy: %(levelname)s: %(message)s"))
    handler.addFilter(_Redact())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("mitmproxy").setLevel(logging.WARNING)
    for name in CONNECTION_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
