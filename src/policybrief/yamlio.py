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

MAX_CHARS = 1_000_000
"""Larger YAML documents are refused: a profile, style file, sidecar or front matter is a few kilobytes."""
MAX_ALIAS_NODES = 10_000
"""Most nodes that aliases (`*name`) may add when expanded: a few shared blocks are fine, an alias bomb is not."""
MAX_DEPTH = 100
"""Deepest nesting of mappings and sequences."""
_MERGE = "tag:yaml.org,2002:merge"


def _check_tree(root: yaml.Node) -> None:
    """Refuse alias bombs, recursive aliases, deep nesting and duplicate keys, before any data is built.

    One pass over the node graph (each distinct node once, without recursion): the size each node would have with
    its aliases expanded, and its depth.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlSyntaxError("an alias refers to the node that contains it (recursive alias)", node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            _check_keys(node)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(children) if id(c) not in size)
    if size[id(root)] - len(size) > MAX_ALIAS_NODES:
        node = root
        while True:  # point at the innermost node that alone expands too far
            big = [c for c in _children(node) if size[id(c)] > MAX_ALIAS_NODES]
            if not big:
                break
            node = max(big, key=lambda c: size[id(c)])
        raise YamlSyntaxError(
            f"aliases expand to {size[id(root)]:,} nodes (more than {MAX_ALIAS_NODES:,} from aliases are refused)",
            node.start_mark.line + 1,
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_keys(node: yaml.MappingNode) -> None:
    """The same key twice in one mapping is a mistake (YAML would silently keep the last one)."""
    seen: dict[tuple[str, str], int] = {}
    for k, _v in node.value:
        if not isinstance(k, yaml.ScalarNode) or k.tag == _MERGE:
            continue
        line = k.start_mark.line + 1
        first = seen.get((k.tag, k.value))
        if first is not None:
            lines = f"line {line}" if first == line else f"lines {first} and {line}"
            raise YamlSyntaxError(f"duplicate key '{_short(k.value)}' ({lines})", line)
        seen[(k.tag, k.value)] = line


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """One pass: the node tree (for line numbers) and the data built from it, safely and within bounds."""
    if len(text) > MAX_CHARS:
        raise YamlSyntaxError(f"YAML document is larger than {MAX_CHARS // 1_000_000} MB", 1)
    loader = _Loader(text)
    node: yaml.Node | None = None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_tree(node)
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:  # the pure-Python loader, without libyaml's own depth limit
        raise YamlSyntaxError("nested too deeply", 1) from None
    except (ValueError, OverflowError) as exc:  # a scalar YAML reads as a date that is none ("2026-13-45")
        raise YamlSyntaxError(f"not a valid date or number: {exc}", _first_date_line(node)) from None
    finally:
        loader.dispose()
    return node, data


def _first_date_line(node: yaml.Node | None) -> int:
    """The line of the first scalar YAML would read as a timestamp (where a bad date most likely is), else 1."""
    todo = [node] if node is not None else []
    while todo:
        n = todo.pop(0)
        if isinstance(n, yaml.ScalarNode) and n.tag == "tag:yaml.org,2002:timestamp":
            return n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            todo += [x for kv in n.value for x in kv]
        elif isinstance(n, yaml.SequenceNode):
            todo += list(n.value)
    return 1


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
