"""archive.yaml -> frozen Settings."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archivegen.locale import SOURCE, catalogue_code, languages
from archivegen.problems import Problem, error, warning
from archivegen.records.fields import FACET_KEYS
from archivegen.records.load import decode, parse_mapping
from archivegen.records.rights import Contact, Rights

#: archive.yaml's keys: the archive's own, and one per browse facet (descriptions of its terms).
KNOWN_KEYS = {"title", "description", "base_url", "publisher", "language", "rights", "page_size", "recent",
              *FACET_KEYS}


@dataclass(frozen=True)
class Settings:
    """The archive's configuration."""

    title: str
    """Archive title, shown in the header of every page."""
    base_url: str
    """Absolute URL (or path) of the published site, ending in '/'."""
    description: str = ""
    """One paragraph shown on the home page and in meta descriptions."""
    publisher: str = ""
    """The institution publishing the archive (used in citations)."""
    language: str = "en"
    """Language of the site's interface, as a BCP 47 tag."""
    rights: dict[str, Rights] = field(default_factory=dict)
    """Rights statements defined by the archive, by key."""
    descriptions: dict[str, dict[str, str]] = field(default_factory=dict)
    """Term descriptions by facet ("collections", "people"…) then term name."""
    page_size: int = 50
    """Records per page on term and year listings."""
    recent: int = 10
    """Records shown as recently uploaded on the home page and in the feed (feed: 5x)."""

    @cached_property  # read for every URL on every page
    def base_path(self) -> str:
        """The path part of base_url: '/' or '/archive/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @cached_property
    def origin(self) -> str:
        """scheme://host of base_url, or '' when base_url is a bare path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""

    def with_base_url(self, base_url: str) -> Settings:
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    url = url.strip() or "/"
    return url if url.endswith("/") else url + "/"


def parse_settings(text: str, path: str = "archive.yaml") -> tuple[Settings | None, list[Problem]]:
    parsed, problems = parse_mapping(path, text, first_line=1)
    if parsed is None:
        return None, problems
    fields, lines, _ = parsed

    def line(key: str) -> int:
        return lines.get(key, 1)

    def text_field(key: str, default: str = "") -> str:
        value = fields.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            problems.append(error(path, line(key), key, f"expected text, found {_type_name(value)}"))
            return default
        return value.strip()

    for key in fields:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(warning(path, line(key), key,
                                    f"unknown setting; {hint}known: {', '.join(sorted(KNOWN_KEYS))}"))
    title = text_field("title")
    if not title:
        problems.append(error(path, line("title"), "title",
                              "required: the archive's name, e.g. 'title: Cold War Documents'"))
    base_url = normalise_base_url(text_field("base_url", "/"))
    parts = urlsplit(base_url)
    if not (parts.path.startswith("/") and (not parts.scheme or parts.scheme in ("http", "https"))):
        problems.append(error(path, line("base_url"), "base_url",
                              f'"{base_url}" is not an http(s) URL or a path; e.g. https://example.org/archive/'))
    rights = _rights(path, fields, lines, problems)
    descriptions = _descriptions(path, fields, lines, problems)
    ints = _counts(path, fields, lines, problems)
    language = _language(path, text_field("language", "en") or "en", line("language"), problems)
    settings = Settings(
        title=title, base_url=base_url, description=text_field("description"),
        publisher=text_field("publisher"), language=language,
        rights=rights, descriptions=descriptions, page_size=ints["page_size"], recent=ints["recent"],
    )
    return settings, problems


def _rights(path: str, fields: dict[str, Any], lines: dict[str, int], problems: list[Problem]) -> dict[str, Rights]:
    """archive.yaml's own rights statements, by key."""
    rights: dict[str, Rights] = {}
    raw_rights = fields.get("rights") or {}
    if not isinstance(raw_rights, dict):
        problems.append(error(path, lines.get("rights", 1), "rights",
                              "expected a mapping of keys to {label, text, uri}"))
        return rights
    for key, value in raw_rights.items():
        at = lines.get(f"rights.{key}", lines.get("rights", 1))
        parts_ok = isinstance(value, dict) and isinstance(value.get("label"), str) and all(
            isinstance(value.get(k), (str, type(None))) for k in ("text", "uri"))
        if not parts_ok or not value["label"].strip():
            problems.append(error(path, at, f"rights.{key}",
                                  f"expected text for 'label:' and 'text:' (and optionally 'uri:'), found "
                                  f"{_type_name(value)}; e.g. label: Reuse for research"))
            continue
        contact = _rights_contact(path, lines.get(f"rights.{key}.contact", at), key, value.get("contact"),
                                  problems)
        rights[str(key)] = Rights(str(key), value["label"].strip(), str(value.get("uri") or "").strip(),
                                  str(value.get("text") or "").strip(), contact)
    return rights


def _descriptions(path: str, fields: dict[str, Any], lines: dict[str, int],
                  problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Descriptions of browse terms, by facet then term name."""
    descriptions: dict[str, dict[str, str]] = {}
    for facet in FACET_KEYS:
        raw = fields.get(facet) or {}
        if not isinstance(raw, dict):
            problems.append(error(path, lines.get(facet, 1), facet, "expected a mapping of names to {description}"))
            continue
        descriptions[facet] = {}
        for name, value in raw.items():
            desc = value.get("description", "") if isinstance(value, dict) else value
            if not isinstance(desc, (str, type(None))):
                problems.append(error(path, lines.get(f"{facet}.{name}", lines.get(facet, 1)), f"{facet}.{name}",
                                      f"expected a description in text, found {_type_name(desc)}"))
                continue
            descriptions[facet][str(name)] = (desc or "").strip()
    return descriptions


def _counts(path: str, fields: dict[str, Any], lines: dict[str, int], problems: list[Problem]) -> dict[str, int]:
    """The positive whole-number settings."""
    ints = {}
    for key, default in (("page_size", 50), ("recent", 10)):
        value = fields.get(key, default)
        try:
            if isinstance(value, bool):
                raise ValueError
            ints[key] = int(value)
            if ints[key] < 1:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(error(path, lines.get(key, 1), key, f"expected a positive whole number, found {value!r}"))
            ints[key] = default
    return ints


def _language(path: str, language: str, at: int, problems: list[Problem]) -> str:
    """The interface language; a warning when archivegen has no catalogue for it."""
    if catalogue_code(language) is None and language.lower().replace("_", "-").split("-")[0] != SOURCE:
        problems.append(warning(path, at, "language",
                                f'no interface translation for "{language}": labels and dates stay in English '
                                f"(translations: {', '.join(languages())}); docs/start.md says how to add one"))
    return language


def load_settings(root: Path) -> tuple[Settings | None, list[Problem]]:
    file = root / "archive.yaml"
    if not file.is_file():
        return None, [error("archive.yaml", 0, "file", f"not found in {root}; an archive folder needs "
                            "archive.yaml (title, base_url…) beside documents/")]
    text, problems = decode("archive.yaml", file.read_bytes())
    if text is None:
        return None, problems
    return parse_settings(text)


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return {list: "a list", dict: "a mapping", bool: "true/false", type(None): "nothing"}.get(type(value), "a value")


_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+\Z")


def _rights_contact(path: str, at: int, key: str, value: Any, problems: list[Problem]) -> Contact | None:
    """``contact:`` of a rights statement: text, or {text, email, url}; None when absent or bad."""
    if value is None:
        return None
    name = f"rights.{key}.contact"
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict) or not all(isinstance(value.get(k), (str, type(None))) for k in value) \
            or not str(value.get("text") or "").strip() or set(value) - {"text", "email", "url"}:
        problems.append(error(path, at, name, f"expected text, or 'text:' with an optional 'email:' or 'url:', "
                              f"found {_type_name(value)}; e.g. contact: {{text: Ask the archive about rights., "
                              f"email: rights@example.org}}"))
        return None
    email, url = str(value.get("email") or "").strip(), str(value.get("url") or "").strip()
    if email and not _EMAIL.match(email):
        problems.append(error(path, at, name, f'email: "{email}" is not an e-mail address; e.g. rights@example.org'))
        return None
    if url and urlsplit(url).scheme not in ("http", "https"):
        problems.append(error(path, at, name, f'url: "{url}" is not an http(s) address; e.g. https://example.org/contact'))
        return None
    return Contact(" ".join(str(value["text"]).split()), email, url)
