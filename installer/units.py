"""systemd units. The agent runs as root (it writes root-owned browser policies,
runs `dconf update` and closes pupils' apps), so the unit takes away what it does not
need: only the capabilities to bind ports < 1024 and to signal other users' processes,
a read-only file system except its state and the policy folders, no new privileges,
a system-call filter. The console runs as its own system user with no capabilities at
all, writing only its instance folder. `systemd-analyze verify` and `security` check
both in the tests."""

from __future__ import annotations

from installer.layout import Layout

# The folders the agent writes its browser and GNOME settings to (docs/agent.md); "-"
# because a machine without, say, Chrome has no such folder and that is fine.
SETTINGS_DIRS = (
    "/etc/chromium/policies/managed",
    "/etc/opt/chrome/policies/managed",
    "/etc/firefox/policies",
    "/etc/dconf",
)

HARDENING = """\
NoNewPrivileges=yes
CapabilityBoundingSet={caps}
AmbientCapabilities={ambient}
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
UMask=0077
"""


def agent_unit(layout: Layout) -> str:
    writable = " ".join([layout.live(layout.state_dir), *(f"-{layout.live(d)}" for d in SETTINGS_DIRS)])
    hardening = HARDENING.format(caps="CAP_NET_BIND_SERVICE CAP_KILL", ambient="")
    return f"""\
# Written by classguard-install; uninstall removes it.
[Unit]
Description=classguard agent: keeps social media off this laptop during lessons
Documentation=https://github.com/classguard/classguard/blob/main/docs/agent.md
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart={layout.live(layout.agent_bin)} --config {layout.live(layout.agent_config)} run
Restart=always
RestartSec=2
TimeoutStopSec=20
# the tray (every user) talks to the agent through a socket in here
RuntimeDirectory=classguard
RuntimeDirectoryMode=0755
ReadWritePaths={writable}
{hardening}
[Install]
WantedBy=multi-user.target
"""


def console_unit(layout: Layout, instance: str, env_file: str, user: str, bind: str, workers: int) -> str:
    gunicorn = f"{layout.live(layout.console_venv)}/bin/python -m gunicorn"  # `-m`: also with --deps-from
    return f"""\
# Written by classguard-install; uninstall removes it.
[Unit]
Description=classguard console (gunicorn + gevent)
Documentation=https://github.com/classguard/classguard/blob/main/docs/console.md
Wants=network-online.target
After=network-online.target postgresql.service

[Service]
Type=simple
User={user}
Group={user}
Environment=CLASSGUARD_INSTANCE={instance}
Environment=CLASSGUARD_TLS=1
# the database URL (PostgreSQL) lives here, root-only, not in this world-readable unit
EnvironmentFile={env_file}
# gevent workers: a sync long-poll holds a request for up to 25 s (docs/console.md)
ExecStart={gunicorn} -k gevent -w {workers} --worker-connections 10000 -b {bind} 'console:create_app()'
Restart=on-failure
RestartSec=2
# one socket per laptop long-polling: 10,000 laptops need this many (README, sizing)
LimitNOFILE=65536
ReadWritePaths={instance}
{HARDENING.format(caps="", ambient="")}
[Install]
WantedBy=multi-user.target
"""


def purge_unit(layout: Layout, instance: str, env_file: str, user: str) -> str:
    """The policy's privacy retention, applied daily (classguard-console privacy purge)."""
    venv = layout.live(layout.console_venv)
    return f"""\
# Written by classguard-install; uninstall removes it.
[Unit]
Description=classguard console: apply the policy's privacy retention
After=postgresql.service

[Service]
Type=oneshot
User={user}
Group={user}
EnvironmentFile={env_file}
ExecStart={venv}/bin/classguard-console --instance {instance} privacy purge
ReadWritePaths={instance}
{HARDENING.format(caps="", ambient="")}"""


def timer_unit(description: str, calendar: str) -> str:
    return f"""\
# Written by classguard-install; uninstall removes it.
[Unit]
Description={description}

[Timer]
OnCalendar={calendar}
Persistent=true

[Install]
WantedBy=timers.target
"""
