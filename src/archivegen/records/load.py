"""Read record files: find them, decode them, split the front matter, parse it safely.

``parse_record`` is pure (path and text in, ``RawRecord`` and problems out); ``find_documents``
and ``read_record`` only add the file system. Line numbers count from the file's first line, fence included.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from archivegen.problems import Problem, error

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
#: Expanded YAML nodes allowed in one front matter: a bound on alias ("billion laughs") expansion.
MAX_NODES = 20_000
#: Tags a record may carry: plain text, lists, mappings, true/false and null. Any other tag
#: (``!!python/object``, ``!!binary``, ``!!set``, ``!local``…) is refused before construction.
_ALLOWED_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map", "bool", "null"))
_FENCE = re.compile(r"(---|\.\.\.)[ \t]*\Z")
#: Deepest nesting of [ { or "- - -" accepted. libyaml's composer recurses in C and crashes the
#: interpreter (SIGSEGV) somewhere past ~20,000 levels, so depth is bounded before parsing.
MAX_DEPTH = 100
_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH},}}")


class _Resolver(BaseResolver):
    """YAML 1.2 core-schema scalars, minus the surprises.

    Only ``true``/``false`` are booleans (``no`` stays the string "no", Norwegian), only
    ``null``/``~``/empty are null, and dates and numbers stay strings: record fields are text,
    and ``date: 1956-11-01`` must reach the EDTF parser as written.
    """


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

# libyaml's parser. yaml.cyaml does not export CParser, so ``yaml.CParser`` does not exist:
# import it by its module, or every record goes through the pure-Python scanner (10x slower).
_CParser: Any = getattr(importlib.import_module("yaml.cyaml"), "CParser", None) if yaml.__with_libyaml__ else None


if _CParser is not None:

    class _Loader(_CParser, SafeConstructor, _Resolver):  # type: ignore[misc]  # libyaml has no types
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)

else:  # pragma: no cover - libyaml is in every PyYAML wheel

    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore
                  yaml.composer.Composer, SafeConstructor, _Resolver):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)


@dataclass(frozen=True)
class RawRecord:
    """A record file as read, before validation."""

    path: str
    """Path relative to the archive folder, with forward slashes."""
    id: str
    """The file stem."""
    fields: dict[str, Any]
    """Front matter, as plain Python values (strings, lists, mappings, None, bools)."""
    lines: dict[str, int]
    """Line of each front matter key."""
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    """For list-valued keys, the line of each item."""
    body: str = ""
    """The Markdown transcription."""
    body_line: int = 0
    """Line on which the body starts."""
    end_line: int = 1
    """Line of the closing fence (where a missing required key is reported)."""


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """Number of nodes once aliases are expanded, computed without expanding them."""
    key = id(node)
    if key not in memo:
        memo[key] = 1  # a cycle counts once; SafeConstructor rejects recursive keys anyway
        if isinstance(node, SequenceNode):
            memo[key] = 1 + sum(_expanded_size(n, memo) for n in node.value)
        elif isinstance(node, MappingNode):
            memo[key] = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    return memo[key]


def _bad_tag(node: Node, seen: set[int]) -> Node | None:
    """The first node (in document order) whose tag is not plain data, or None."""
    if id(node) in seen:
        return None
    seen.add(id(node))
    if node.tag not in _ALLOWED_TAGS:
        return node
    children: list[Node] = []
    if isinstance(node, SequenceNode):
        children = list(node.value)
    elif isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    for child in children:
        found = _bad_tag(child, seen)
        if found is not None:
            return found
    return None


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_AFTER_QUOTE = re.compile(r"""(?:^|[:-])[ \t]*("[^"]*"|'[^']*')[ \t]*[^\s#,\]}]""")
_YAML_HINTS = (
    ("mapping values are not allowed", "a value contains ': ' or is indented too far; quote the value "
     "(title: \"Report: Budapest\") or fix the indentation"),
    ("quoted scalar", "a quotation mark is never closed; close it on the same value "
     "(title: \"Andropov Report\")"),
    ("flow sequence", "a [ list ] is not closed, or an item contains ':' or ','; quote the items "
     "(people: [\"Nagy, Imre\"])"),
    ("flow mapping", "a '{' is never closed; quote values that start with '{'"),
    ("undefined alias", "'*' starts a YAML alias; quote values that start with '*'"),
    ("'\\t'", "a tab is used for indentation; indent with spaces"),
    ("tab character", "a tab is used for indentation; indent with spaces"),
    ("(a tab)", "a tab is used for indentation; indent with spaces"),
    ("cannot start any token", "a value starts with a character YAML reserves (@, `, %, tab); quote it"),
    ("text after a closing quote", "text follows a quoted value on that line; put the whole value inside the "
     "quotes (\"Kádár, János (first secretary)\")"),
    ("block collection", "a list item is indented differently from the others; line up the '-'"),
    ("block mapping", "a line is indented differently from the others, or text follows a quoted "
     "value; each field is one 'name: value' line starting at the left margin"),
)


def _syntax_problem(path: str, exc: yaml.MarkedYAMLError, off: int, field_name: str, source: str) -> Problem:
    """One readable problem for a YAML syntax error, at the line where the fault starts."""
    problem = (exc.problem or "").strip()
    mark = exc.problem_mark
    # An unclosed quote or bracket is only noticed at the end: point at where it was opened.
    if exc.context_mark is not None and (mark is None or "end of stream" in problem
                                         or "<stream end>" in problem):
        mark = exc.context_mark
    line = mark.line + off if mark is not None else max(off - 1, 1)
    found = " ".join(str(x).strip() for x in (exc.context, exc.problem) if x)
    if exc.context_mark is not None and exc.context and mark is not exc.context_mark \
            and exc.context_mark.line != (mark.line if mark else -1):
        found += f" (opened on line {exc.context_mark.line + off})"
    rows = source.split("\n")
    if mark is not None and mark.line < len(rows) and "\t" in rows[mark.line][: mark.column + 1]:
        found += " (a tab)"
    elif mark is not None and mark.line < len(rows) and _AFTER_QUOTE.search(rows[mark.line]):
        found += " (text after a closing quote)"
    hint = next((h for needle, h in _YAML_HINTS if needle in found),
                "check the indentation, and quote values that contain ': ' or start with a "
                "special character ([ { \" ' * & ! | > % @)")
    return error(path, line, field_name, f"YAML syntax error: {found}; {hint}")


def split_front_matter(text: str) -> tuple[str, str, int, int] | None:
    """Return (yaml, body, closing fence line, body line), or None when there is no opening fence.

    Raises ValueError when the front matter is opened but never closed.
    """
    lines = text.split("\n")
    if not lines or not re.match(r"---[ \t]*\Z", lines[0]):
        return None
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1, i + 2
    raise ValueError("unterminated")


def parse_record(path: str, text: str) -> tuple[RawRecord | None, list[Problem]]:
    """Parse one record file's text (already decoded, BOM and CRLF removed)."""
    record_id = Path(path).stem
    try:
        parts = split_front_matter(text)
    except ValueError:
        return None, [error(path, 1, "front matter",
                            "the opening '---' has no closing '---'; end the fields with a line "
                            "'---' before the transcription")]
    if parts is None:
        found = "the file is empty" if not text.strip() else f"the first line is {_first_line(text)!r}"
        return None, [error(path, 1, "front matter",
                            f"missing: {found}; a record starts with a '---' line, then fields such as "
                            "'title: …' and 'date: 1956-11-01', then a closing '---' line")]
    source, body, end_line, body_line = parts
    parsed, problems = parse_mapping(path, source, first_line=2)
    if parsed is None:
        return None, problems
    fields, lines, item_lines = parsed
    raw = RawRecord(path, record_id, fields, lines, item_lines, body, body_line, end_line)
    return raw, problems


def parse_mapping(path: str, source: str, first_line: int = 1) -> tuple[
        tuple[dict[str, Any], dict[str, int], dict[str, list[int]]] | None, list[Problem]]:
    """Parse YAML text that must be a mapping; return (fields, key lines, item lines) and problems.

    ``first_line`` is the file line of the first line of ``source`` (2 for front matter).
    """
    off = first_line
    where = "front matter" if off > 1 else "file"
    deep = _too_deep(source)
    if deep is not None:
        return None, [error(path, deep + off, where, f"values are nested more than {MAX_DEPTH} levels deep "
                            "([ { or - inside each other); a field holds text or a list of text")]
    loader = _Loader(source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [error(path, max(off - 1, 1), where,
                                "empty: expected fields such as 'title: …' and 'date: 1956-11-01'")]
        if not isinstance(root, MappingNode):
            return None, [error(path, root.start_mark.line + off, where,
                                f"expected 'field: value' lines (a mapping), found {_kind(root)}; "
                                "e.g. 'title: Andropov Report'")]
        bomb = _alias_bomb(root, source, path, off, where)
        if bomb is not None:
            return None, [bomb]
        fields, lines, item_lines, problems = _read_fields(loader, root, path, off, where)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(path, exc, off, where, source)]
    except yaml.YAMLError as exc:
        return None, [error(path, max(off - 1, 1), where, f"YAML error: {exc}")]
    except RecursionError:  # pragma: no cover - nesting is bounded above; kept as a last guard
        return None, [error(path, off, where, "values are nested too deeply; a field holds text or a "
                            "list of text")]
    finally:
        loader.dispose()
    return (fields, lines, item_lines), problems


def _alias_bomb(root: MappingNode, source: str, path: str, off: int, where: str) -> Problem | None:
    """A problem when aliases (*name) would expand the mapping past MAX_NODES values."""
    memo: dict[int, int] = {}
    total = 0
    # Only aliases (*name) can expand: without a '*' the walk over every node is skipped.
    for key_node, value_node in (root.value if "*" in source else ()):
        total += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
        if total > MAX_NODES:  # report the field where the expansion crosses the bound
            name = key_node.value if isinstance(key_node, ScalarNode) else where
            return error(path, key_node.start_mark.line + off, name,
                         f"more than {MAX_NODES} values once aliases (*name) are expanded; "
                         "write the values out instead of using aliases")
    return None


def _read_fields(loader: _Loader, root: MappingNode, path: str, off: int, where: str) -> tuple[
        dict[str, Any], dict[str, int], dict[str, list[int]], list[Problem]]:
    """Each key's value, line and item lines; refused keys (bad names, tags, duplicates) reported."""
    fields: dict[str, Any] = {}
    lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    refused: set[str] = set()
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + off
        if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            shown = key_node.value if isinstance(key_node, ScalarNode) else "a list or mapping"
            problems.append(error(path, line, where, f"a field name must be text, found {shown!r}; "
                                  "write names such as 'title:' or 'people:'"))
            continue
        key = key_node.value
        bad = _bad_tag(value_node, set())
        if bad is not None:
            problems.append(error(path, bad.start_mark.line + off, key,
                                  f"the YAML tag {_short_tag(bad.tag)!r} is not allowed: fields hold "
                                  "plain text and lists; remove the tag, or quote the value if the "
                                  "'!' is part of the text"))
            lines[key] = line  # reported here, so not "missing" later
            refused.add(key)
            continue
        if key in fields or key in refused:
            problems.append(error(path, line, key, f"duplicate field: already set on line {lines[key]}; keep one"))
            continue
        fields[key] = loader.construct_object(value_node, deep=True)
        lines[key] = line
        if isinstance(value_node, SequenceNode):
            item_lines[key] = [n.start_mark.line + off for n in value_node.value]
        elif isinstance(value_node, MappingNode):
            # Lines of nested keys ("rights.hppp-reuse") for archive.yaml's messages.
            for sub_key, _ in value_node.value:
                if isinstance(sub_key, ScalarNode):
                    lines.setdefault(f"{key}.{sub_key.value}", sub_key.start_mark.line + off)
    return fields, lines, item_lines, problems


def _too_deep(source: str) -> int | None:
    """0-based line where bracket or dash nesting first exceeds MAX_DEPTH, or None.

    Brackets inside quoted text are counted too: this over-estimates, which only matters for
    text with a hundred unclosed brackets.
    """
    if source.count("[") + source.count("{") <= MAX_DEPTH and _DASHES.search(source) is None:
        return None  # cannot nest that deep: skip the walk over every character (~0.08 ms a record)
    depth = 0
    for number, row in enumerate(source.split("\n")):
        if _DASHES.search(row):
            return number
        for ch in row:
            if ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number
            elif ch in "]}" and depth:
                depth -= 1
    return None


def _first_line(text: str) -> str:
    first = text.lstrip("\n").split("\n", 1)[0]
    return first if len(first) <= 40 else first[:40] + "…"


def _kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        return f"the single value {node.value[:40]!r}"
    return "a value"


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a BOM is accepted) and normalise CRLF/CR line endings."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [error(path, line, "encoding",
                            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                            "save the file as UTF-8")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def find_documents(root: Path) -> list[Path]:
    """Every ``*.md`` under ``root/documents``, any depth, sorted; hidden folders skipped."""
    docs = root / "documents"
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(docs):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in filenames if f.endswith(".md") and not f.startswith("."))
    return sorted(found)


def read_record(root: Path, file: Path) -> tuple[RawRecord | None, list[Problem]]:
    rel = file.relative_to(root).as_posix()
    text, problems = decode(rel, file.read_bytes())
    if text is None:
        return None, problems
    return parse_record(rel, text)
