"""Reading YAML nodes with their positions, collecting every problem on the way.

PyYAML's composed nodes carry line and column, so each problem points at the exact
place to fix. Nothing here raises on bad content: problems are collected and the
caller raises one PolicyError with all of them, compiler-style.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

import yaml

from policies.errors import Problem

NAME: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_INT: Final = re.compile(r"[0-9]+")
_TRUE: Final = {"true", "yes", "on"}
_FALSE: Final = {"false", "no", "off"}
BOOL_TAG: Final = "tag:yaml.org,2002:bool"


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class NodeReader:
    """Typed access to a composed YAML tree; every misfit becomes a Problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    # -- entry ---------------------------------------------------------------
    def compose(self, text: str) -> yaml.Node | None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = exc.problem or exc.context or "not valid YAML"
            self.problems.append(Problem(self.file, line, column, "yaml", message))
            return None
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.file, 1, 1, "yaml", str(exc)))
            return None
        if node is None:
            self.problems.append(Problem(self.file, 1, 1, "yaml", "the file is empty"))
        return node

    def error(self, node: yaml.Node, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path or "(top)", message))

    # -- containers ----------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        path: str,
        *,
        known: Collection[str] | None = None,
        required: Collection[str] = (),
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Keys to (key node, value node). With `known`, other keys are errors; without
        it the keys are names (groups, services) and must be spelled like names."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"expected a mapping of keys to values, got {describe(node)}")
            return None
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, path, "keys must be plain names")
                continue
            key = key_node.value
            if key in items:
                first = items[key][0].start_mark.line + 1
                self.error(key_node, join(path, key), f"duplicate key '{key}' (first at line {first})")
                continue
            if known is not None and key not in known:
                self.error(key_node, join(path, key), f"unknown key '{key}'{suggest(key, known)}")
                continue
            if known is None and not NAME.fullmatch(key):
                self.error(
                    key_node,
                    join(path, key),
                    f"'{key}' is not a valid name: use lowercase letters, digits and '-'",
                )
                continue
            items[key] = (key_node, value_node)
        for key in required:
            if key not in items:
                self.error(node, join(path, key), "missing required key")
        return items

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list, got {describe(node)}")
            return None
        return list(node.value)

    # -- scalars -------------------------------------------------------------
    def text(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(node, path, f"expected text, got {describe(node)}")
            return None
        return str(node.value)

    def name(self, node: yaml.Node, path: str, what: str = "name") -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if not NAME.fullmatch(value):
            self.error(node, path, f"'{value}' is not a valid {what}: use lowercase letters, digits and '-'")
            return None
        return value

    def integer(self, node: yaml.Node, path: str, *, low: int, high: int) -> int | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or not _INT.fullmatch(value):
            self.error(node, path, f"expected a whole number, got {describe(node)}")
            return None
        number = int(value)
        if not low <= number <= high:
            self.error(node, path, f"{number} is out of range ({low} to {high})")
            return None
        return number

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        value = node.value.lower() if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG else None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.error(node, path, f"expected true or false, got {describe(node)}")
        return None

    def choice(self, node: yaml.Node, path: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, path)
        if value is None:
            return None
        if value not in options:
            self.error(node, path, f"'{value}' is not one of: {', '.join(options)}")
            return None
        return value


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    return f"'{node.value}'"


def suggest(word: str, options: Collection[str]) -> str:
    import difflib  # only when there is a mistake to suggest a fix for

    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""
