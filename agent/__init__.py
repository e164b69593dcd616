"""The classguard laptop agent: enrolment, sync with the console, policy cache, proxy
supervision, PAC server, desktop-app guard, system settings and the tray."""

__version__ = "0.1.0"
