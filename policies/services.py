"""Reading service definitions: the built-in catalogue and a policy's custom services."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from policies.errors import PolicyError, Problem
from policies.hosts import normalise_domain_rule
from policies.model import AppNames, Service
from policies.yamlnodes import NodeReader, join

_CATALOG_KEYS = ("name", "title", "domains", "cdn", "apps")
_APP_KEYS = ("windows", "macos", "linux")


def read_domains(reader: NodeReader, node: yaml.Node, path: str) -> list[str]:
    """A list of domain rules, each normalised; bad ones become problems."""
    domains = []
    for index, item in enumerate(reader.sequence(node, path) or []):
        text = reader.text(item, join(path, index))
        if text is None:
            continue
        try:
            domains.append(normalise_domain_rule(text))
        except ValueError:
            reader.error(item, join(path, index), f"'{text}' is not a domain name (write it like example.com)")
    return domains


def read_apps(reader: NodeReader, node: yaml.Node, path: str) -> AppNames:
    """Process names: a list (same names on every system) or a mapping per system."""
    if isinstance(node, yaml.SequenceNode):
        names = tuple(_names(reader, node, path))
        return AppNames(windows=names, macos=names, linux=names)
    items = reader.mapping(node, path, known=_APP_KEYS) or {}
    per_os = {key: tuple(_names(reader, value, join(path, key))) for key, (_, value) in items.items()}
    return AppNames(**per_os)


def _names(reader: NodeReader, node: yaml.Node, path: str) -> list[str]:
    names = []
    for index, item in enumerate(reader.sequence(node, path) or []):
        text = reader.text(item, join(path, index))
        if text:
            names.append(text)
    return names


def read_catalog_file(reader: NodeReader, text: str, expected_name: str) -> Service | None:
    root = reader.compose(text)
    if root is None:
        return None
    items = reader.mapping(root, "", known=_CATALOG_KEYS, required=("name", "title", "domains"))
    if items is None or not {"name", "title", "domains"} <= set(items):
        return None
    name = reader.name(items["name"][1], "name", "service name")
    if name is not None and name != expected_name:
        reader.error(items["name"][1], "name", f"'{name}' does not match the file name '{expected_name}.yaml'")
    title = reader.text(items["title"][1], "title") or expected_name
    domains = read_domains(reader, items["domains"][1], "domains")
    if "cdn" in items:
        domains += read_domains(reader, items["cdn"][1], "cdn")
    apps = read_apps(reader, items["apps"][1], "apps") if "apps" in items else AppNames()
    return Service(expected_name, title, tuple(domains), apps)


@cache
def builtin_catalog() -> dict[str, Service]:
    """Every service in policies/catalog/, validated. A broken file is our bug, reported
    like a user's policy error so that it is found by the tests, not in a school."""
    services: dict[str, Service] = {}
    problems = []
    owners: dict[str, str] = {}
    files = sorted(
        (entry for entry in resources.files("policies.catalog").iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    for entry in files:
        reader = NodeReader(f"policies/catalog/{entry.name}")
        service = read_catalog_file(reader, entry.read_text(encoding="utf-8"), entry.name[: -len(".yaml")])
        problems += reader.problems
        if service is None:
            continue
        for domain in service.domains:
            if domain in owners:
                problems.append(Problem(reader.file, 1, 1, "domains", f"{domain} is also in {owners[domain]}.yaml"))
            owners[domain] = service.name
        services[service.name] = service
    if problems:
        raise PolicyError(problems)
    return services
