"""The app factory: configuration from the instance directory, extensions, blueprints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from console import config as config_module
from console import db, notifier
from console.clock import Clock, OffsetClock, SystemClock
from console.ratelimit import RateLimiter


def create_app(test_config: dict[str, Any] | None = None, *, clock: Clock | None = None) -> Flask:
    """`test_config` may carry INSTANCE (the instance directory) and any config key;
    otherwise the instance is $CLASSGUARD_INSTANCE or ./instance."""
    settings = dict(test_config or {})
    instance = Path(settings.pop("INSTANCE", None) or os.environ.get("CLASSGUARD_INSTANCE") or "instance").resolve()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.update(config_module.load_config(instance, settings))
    offset = float(app.config["CLOCK_OFFSET_SECONDS"])
    app.extensions["classguard.clock"] = clock or (OffsetClock(offset) if offset else SystemClock())
    app.extensions["classguard.limiter"] = RateLimiter()
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    db.init_app(app)
    notifier.init_app(app)

    from console import security, web

    security.init_app(app)
    web.init_app(app)

    from console.api import blueprint as api_blueprint

    app.register_blueprint(api_blueprint)
    security.exempt_api(app, api_blueprint)
    return app
