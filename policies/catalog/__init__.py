"""The built-in service catalogue: one YAML file per service (data, not code).

See docs/catalog.md for how the services were chosen and where the domain lists
come from; each file cites its sources in its header.
"""
