"""PAC generation: only guarded domains go to the local proxy, everything else DIRECT.

The guarded names are a table (a JS object) walked by suffix, not a chain of
dnsDomainIs calls: ~2 µs per request with 5,000 domains instead of ~1 ms. Guarded
domains get no DIRECT fallback, so social media fails closed when the proxy is down
while ordinary browsing never touches the proxy and leaves no trace there.
"""

from __future__ import annotations

import json
import re
from typing import Final

from policies.model import Policy

PAC_SIZE_LIMIT: Final = 1_000_000  # Chrome refuses larger PAC files
_PROXY = re.compile(r"(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}")

_TEMPLATE: Final = """\
// classguard PAC for {school}, generated from {source}.
// {count} guarded domains go to the classguard proxy, with no DIRECT fallback;
// every other host goes DIRECT. Do not edit: classguard regenerates this file.
var GUARDED = {guarded};
var ALLOWED = {allowed};
function FindProxyForURL(url, host) {{
  var h = String(host).toLowerCase();
  while (h.length > 0 && h.charAt(h.length - 1) === ".") {{
    h = h.substring(0, h.length - 1);
  }}
  for (;;) {{
    if (ALLOWED[h] === 1) {{ return "DIRECT"; }}
    if (GUARDED[h] === 1) {{ return "PROXY {proxy}"; }}
    var dot = h.indexOf(".");
    if (dot < 0) {{ return "DIRECT"; }}
    h = h.substring(dot + 1);
  }}
}}
"""


def _table(domains: list[str]) -> str:
    return json.dumps(dict.fromkeys(sorted(domains), 1), separators=(",", ":"))


def generate_pac(policy: Policy, proxy: str) -> str:
    """The PAC file text for `policy`, sending guarded hosts to `proxy` (HOST:PORT)."""
    if not _PROXY.fullmatch(proxy):
        raise ValueError(f"proxy must be HOST:PORT, got {proxy!r}")
    guarded = list(policy.matcher.guarded_domains())
    text = _TEMPLATE.format(
        school=json.dumps(policy.school)[1:-1],
        source=json.dumps(policy.source)[1:-1],
        count=len(guarded),
        guarded=_table(guarded),
        allowed=_table(policy.matcher.allowed_domains()),
        proxy=proxy,
    )
    if len(text.encode("utf-8")) > PAC_SIZE_LIMIT:
        raise ValueError(f"the PAC file would be {len(text)} bytes; browsers accept about {PAC_SIZE_LIMIT}")
    return text
