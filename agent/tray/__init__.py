"""The tray icon for the person at the laptop (read-only), and the agent's local
socket it talks to."""
