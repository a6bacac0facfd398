"""PyYAML behind one module: safe loading only, with line numbers kept for error messages."""

from __future__ import annotations

from typing import Any

import yaml

from policybrief.errors import BriefError


class YamlSyntaxError(BriefError):
    """Malformed YAML; `line` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        self.line = line
        super().__init__(message)


def _problem(exc: yaml.YAMLError, text: str = "") -> YamlSyntaxError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    src = text.splitlines()[line - 1] if mark is not None and 0 < line <= len(text.splitlines()) else ""
    indent = src[: len(src) - len(src.lstrip())]
    if "\t" in indent or "\t" in str(exc) or "tab" in str(problem).lower():
        problem = "tab characters cannot indent YAML; use spaces"
    elif "could not determine a constructor" in str(exc):
        tag = str(exc).split("tag '")[-1].split("'")[0] if "tag '" in str(exc) else "this tag"
        problem = f"unsafe or unknown tag {tag} is not allowed"
    return YamlSyntaxError(str(problem).strip(), line)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """One pass: the node tree (for line numbers) and the data built from it, safely."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def load_with_lines(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML safely; return the data and a map from key path (tuple of keys and indexes) to line number."""
    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        raise _problem(exc, text) from None
    lines: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node | None, path: tuple[Any, ...]) -> None:
        if n is None:
            return
        lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, path + (i,))

    walk(node, ())
    return data, lines


def load(text: str) -> Any:
    try:
        return _parse(text)[1]
    except yaml.YAMLError as exc:
        raise _problem(exc, text) from None


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
