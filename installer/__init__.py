"""classguard-install: plans and applies a laptop install (Linux tested, Windows and
macOS artifacts), and the console's service files. It talks to the agent only through
the agent's command line and files (import-linter keeps it that way)."""
