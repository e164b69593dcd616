"""classguard-install: plans and applies a laptop install, upgrade and uninstall (Linux
tested, Windows and macOS artifacts), and a console server install. It talks to the
agent and the console only through their command lines and files (import-linter keeps
it that way)."""
