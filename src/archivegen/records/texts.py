"""Kinds for values shaped as lists of mappings: a record's texts and its contributors (issue 15).

``texts`` describes the record's transcription (the body of the record file: the entry without
``file``) and any other texts of the same document (an original-language transcription, more
translations), each in a Markdown file beside the record, with its language and its own credit.
``contributors`` names people or bodies with a MARC relator role (translator ``trl``, editor
``edt``, funder ``fnd``…).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from archivegen.records.kinds import (
    Context,
    Kind,
    Language,
    check_file,
    clean,
    describe,
    normalise_language,
)

#: MARC relator codes (https://id.loc.gov/vocabulary/relators/) an archive is likely to need, with
#: the Library of Congress label. Not the whole list (~300 codes, most for performances and
#: printing): a code missing here is refused with the list, and is added by adding a line.
RELATORS: dict[str, str] = {
    "ann": "Annotator", "aut": "Author", "col": "Collector", "com": "Compiler", "crp": "Correspondent",
    "ctb": "Contributor", "cur": "Curator", "dnr": "Donor", "dpt": "Depositor", "edt": "Editor",
    "fmo": "Former owner", "fnd": "Funder", "his": "Host institution", "ill": "Illustrator",
    "isb": "Issuing body", "ive": "Interviewee", "ivr": "Interviewer", "mrk": "Markup editor",
    "own": "Owner", "pbl": "Publisher", "pht": "Photographer", "prv": "Provider", "rcp": "Addressee",
    "res": "Researcher", "rev": "Reviewer", "rpy": "Responsible party", "scr": "Scribe", "sgn": "Signer",
    "spn": "Sponsor", "trc": "Transcriber", "trl": "Translator", "wac": "Writer of added commentary",
    "wit": "Witness", "wpr": "Writer of preface",
}
_BY_LABEL = {label.casefold(): code for code, label in RELATORS.items()}
#: The keys of one ``texts`` entry.
TEXT_KEYS = ("language", "file", "title", "translated_from", "translated_by", "published_in")
#: Extensions a text file may not have: documents/**/*.md are read as records.
_RECORD_SUFFIX = ".md"


@dataclass(frozen=True)
class Contributor:
    """Someone who contributed to the record, with a MARC relator role."""

    name: str
    """"Family, Given" or a body's name (NFC)."""
    role: str
    """MARC relator code ("trl")."""

    @property
    def role_label(self) -> str:
        """The Library of Congress label ("Translator"): English, for metadata; pages translate it."""
        return RELATORS[self.role]


@dataclass(frozen=True)
class Text:
    """One text of a record: its transcription, an original-language text or a translation."""

    language: Language
    file: str = ""
    """The text's file relative to the archive folder; "" for the record file's own body."""
    title: str = ""
    """The document's title in this text's language, where given."""
    translated_from: Language | None = None
    """The language it was translated from; None for a text in the original language."""
    translators: tuple[str, ...] = ()
    """Who translated it ("Family, Given")."""
    published_in: str = ""
    """Where this text (a translation) was published: "The Hungarian Quarterly 34 (1993), 108–110"."""
    body: str = ""
    """The Markdown text of ``file`` (the record's body is Record.body)."""

    @property
    def is_translation(self) -> bool:
        return self.translated_from is not None


def relator(value: str) -> str | None:
    """A MARC relator code from a code or its label ("trl", "Translator"); None when unknown."""
    text = value.strip()
    if text.lower() in RELATORS:
        return text.lower()
    return _BY_LABEL.get(text.casefold())


class Contributors(Kind):
    """A list of ``{name: "Family, Given", role: trl}`` (role: a MARC relator code or label)."""

    doc = "list of name and role"
    multi = True

    def empty(self) -> tuple[Contributor, ...]:
        return ()

    def parse(self, value: Any, at: Context) -> tuple[Contributor, ...] | None:
        if not isinstance(value, list):
            at.error(f"expected a list, found {describe(value)}; "
                     f'write {at.key}: [{{name: "Family, Given", role: trl}}]')
            return None
        found: list[Contributor] = []
        for i, item in enumerate(value):
            name = item.get("name") if isinstance(item, dict) else None
            role = item.get("role") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name.strip() or not isinstance(role, str):
                at.error(f'item {i + 1}: expected {{name: "Family, Given", role: trl}}, found {describe(item)}', i)
                continue
            if isinstance(item, dict) and set(item) - {"name", "role"}:
                at.error(f"item {i + 1}: unknown key(s) {', '.join(sorted(map(str, set(item) - {'name', 'role'})))}; "
                         "an item has name and role", i)
                continue
            code = relator(role)
            if code is None:
                close = difflib.get_close_matches(role.strip().lower(), list(RELATORS) + list(_BY_LABEL), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                at.error(f'item {i + 1}: role "{role}" is not a MARC relator code; {hint}known: '
                         + ", ".join(f"{c} ({label})" for c, label in RELATORS.items()), i)
                continue
            person = Contributor(clean(name), code)
            if person in found:
                at.warning(f'item {i + 1}: "{person.name}" ({code}) is listed twice', i)
                continue
            found.append(person)
        return tuple(found)

    def terms(self, value: Any) -> tuple[str, ...]:
        # The names; the record page adds each role in its language (render/text_words.py).
        return tuple(c.name for c in value)

    def export(self, value: Any) -> Any:
        return [f"{c.name} [{c.role}]" for c in value]


class Texts(Kind):
    """The record's texts: the body's language and credit, and other texts in files beside it."""

    doc = "list of texts"
    multi = True
    guide = ("Text files beside this one must not end in .md (that is a record): e.g. x.ru.markdown.",)

    def empty(self) -> tuple[Text, ...]:
        return ()

    def parse(self, value: Any, at: Context) -> tuple[Text, ...] | None:
        if not isinstance(value, list):
            at.error(f"expected a list of texts, found {describe(value)}; write {at.key}: "
                     "[{language: English, translated_from: Russian}]")
            return None
        texts: list[Text] = []
        for i, item in enumerate(value):
            text = self._text(item, i, at)
            if text is not None:
                texts.append(text)
        if sum(1 for t in texts if not t.file) > 1:
            at.error("more than one text without 'file:'; only one describes the record's own text")
            return None
        # The record's own text comes first: it is the one shown by default.
        return tuple(sorted(texts, key=lambda t: bool(t.file)))

    def _text(self, item: Any, i: int, at: Context) -> Text | None:
        where = f"item {i + 1}"
        if not isinstance(item, dict):
            at.error(f"{where}: expected 'language: …' and the text's credit, found {describe(item)}", i)
            return None
        unknown = sorted(str(k) for k in item if k not in TEXT_KEYS)
        if unknown:
            at.error(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(TEXT_KEYS)}", i)
            return None
        bad = [k for k in ("language", "file", "title", "translated_from", "published_in")
               if k in item and not isinstance(item[k], str)]
        if bad:
            at.error(f"{where}: {bad[0]}: expected text, found {describe(item[bad[0]])}", i)
            return None
        language = normalise_language(item.get("language") or "")
        if language is None:
            at.error(f'{where}: language: "{item.get("language") or ""}" is not an ISO 639 language name or code; '
                     "e.g. English, ru, hun", i)
            return None
        source = None
        if item.get("translated_from"):
            source = normalise_language(item["translated_from"])
            if source is None:
                at.error(f'{where}: translated_from: "{item["translated_from"]}" is not an ISO 639 language; '
                         "e.g. Russian", i)
                return None
        translators = item.get("translated_by") or []
        if isinstance(translators, str):
            translators = [translators]
        if not isinstance(translators, list) or not all(isinstance(t, str) and t.strip() for t in translators):
            at.error(f'{where}: translated_by: expected names, found {describe(item.get("translated_by"))}; '
                     'e.g. translated_by: ["Doe, Jane"]', i)
            return None
        if source is None and (translators or item.get("published_in")):
            at.error(f"{where}: translated_by and published_in describe a translation; add translated_from "
                     "(the language it was translated from)", i)
            return None
        file, body = "", ""
        if item.get("file"):
            found = self._file(item["file"], where, i, at)
            if found is None:
                return None
            file, body = found
        return Text(language, file, clean(item.get("title") or ""), source, tuple(clean(t) for t in translators),
                    clean(item.get("published_in") or ""), body)

    def _file(self, name: str, where: str, i: int, at: Context) -> tuple[str, str] | None:
        """The text file's path and content; None (reported) when it cannot be used."""
        if name.strip().lower().endswith(_RECORD_SUFFIX):
            at.error(f'{where}: file: "{name}" ends in .md, and every .md file under documents/ is read as a '
                     f"record; name it {PurePosixPath(name).stem}.markdown or .txt", i)
            return None
        rel, problem = check_file(at.path, name.strip(), at.root)
        if problem or rel is None:
            at.error(f"{where}: file: {problem}", i)
            return None
        if at.root is None:
            return rel, ""
        try:
            body = (at.root / rel).read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            at.error(f'{where}: file: "{name}" is not UTF-8; save it as UTF-8', i)
            return None
        return rel, body

    def terms(self, value: Any) -> tuple[str, ...]:
        # The texts' languages; how a page names a text is render/text_words.py's.
        return tuple(t.language.name for t in value)

    def export(self, value: Any) -> Any:
        return [t.language.code + (f" (from {t.translated_from.code})" if t.translated_from else "") for t in value]
