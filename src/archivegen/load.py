"""Read record files: find them, decode them, split the front matter, parse it safely.

``parse_record`` is pure (path and text in, ``RawRecord`` and problems out); ``load_documents``
only adds the file system. Line numbers count from the file's first line, fence included.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .problems import Problem, error

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
#: Expanded YAML nodes allowed in one front matter: a bound on alias ("billion laughs") expansion.
MAX_NODES = 20_000
_FENCE = re.compile(r"(---|\.\.\.)[ \t]*\Z")


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

try:
    # libyaml's parser. yaml.cyaml does not export CParser, so ``yaml.CParser`` does not exist:
    # import it by its module, or every record goes through the pure-Python scanner (10x slower).
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


if _CParser is not None:

    class _Loader(_CParser, SafeConstructor, _Resolver):  # type: ignore[misc,valid-type]
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
    key = id(node)
    if key not in memo:
        memo[key] = 1  # a cycle counts once; SafeConstructor rejects recursive keys anyway
        if isinstance(node, SequenceNode):
            memo[key] = 1 + sum(_expanded_size(n, memo) for n in node.value)
        elif isinstance(node, MappingNode):
            memo[key] = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    return memo[key]


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
                            "the opening '---' has no closing '---'; end the front matter with a line '---'")]
    if parts is None:
        return None, [error(path, 1, "front matter",
                            "missing: a record starts with a '---' line, YAML fields, and a closing '---'")]
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
    loader = _Loader(source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [error(path, max(off - 1, 1), "front matter" if off > 1 else "file",
                                "empty: expected fields such as 'title:'")]
        if not isinstance(root, MappingNode):
            return None, [error(path, root.start_mark.line + off, "front matter" if off > 1 else "file",
                                f"expected a mapping of 'field: value' lines, found a {_kind(root)}")]
        # Only aliases (*name) can expand: without a '*' the walk over every node is skipped.
        if "*" in source and _expanded_size(root, {}) > MAX_NODES:
            return None, [error(path, root.start_mark.line + off, "front matter" if off > 1 else "file",
                                f"more than {MAX_NODES} values once aliases are expanded; remove the aliases")]
        fields: dict[str, Any] = {}
        lines: dict[str, int] = {}
        item_lines: dict[str, list[int]] = {}
        problems: list[Problem] = []
        for key_node, value_node in root.value:
            line = key_node.start_mark.line + off
            if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.append(error(path, line, "front matter", "a field name must be plain text"))
                continue
            key = key_node.value
            if key in fields:
                problems.append(error(path, line, key,
                                      f"duplicate key: already set on line {lines[key]}; keep one"))
                continue
            fields[key] = loader.construct_object(value_node, deep=True)
            lines[key] = line
            if isinstance(value_node, SequenceNode):
                item_lines[key] = [n.start_mark.line + off for n in value_node.value]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + off if mark else max(off - 1, 1)
        reason = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return None, [error(path, line, "front matter" if off > 1 else "file", f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [error(path, max(off - 1, 1), "front matter" if off > 1 else "file", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return (fields, lines, item_lines), problems


def _kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "list"
    if isinstance(node, ScalarNode):
        return "single value"
    return "value"


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
