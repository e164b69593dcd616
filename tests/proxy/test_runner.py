"""The proxy refuses to start with options that weaken certificate checks or sign
with a third party's key."""

from __future__ import annotations

import asyncio

import pytest
from mitmproxy import master, options
from mitmproxy.addons import tlsconfig

from proxy.runner import UNSAFE_OPTIONS, UnsafeOptions, check_safe


@pytest.mark.parametrize("name", UNSAFE_OPTIONS)
def test_unsafe_options_are_refused(name):
    async def build() -> None:
        opts = options.Options()
        m = master.Master(opts)
        m.addons.add(tlsconfig.TlsConfig())
        check_safe(opts)  # the defaults are safe
        opts.update(**{name: True})
        with pytest.raises(UnsafeOptions, match=name):
            check_safe(opts)

    asyncio.run(build())
