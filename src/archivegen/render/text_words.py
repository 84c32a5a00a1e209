"""How the interface names a record's texts and contributors, in its language (issues 15, 19).

records/texts.py holds what a text is (its language, what it was translated from, by whom); the
words a page, the feed or the JSON-LD use for it are here, through gettext, so that an archive in
German reads "Englisch (Übersetzung)" and "Aus dem Russischen von Jane Doe." Each message is a
whole sentence or label with named placeholders, so that a translation may reorder it.
"""

from __future__ import annotations

from archivegen.records.texts import Contributor, Text
from archivegen.render import citations, i18n


def label(text: Text | None) -> str:
    """A text's heading and tab: "English translation", "Russian original"; "Transcription" for a
    record body that no ``texts`` entry describes."""
    if text is None:
        return i18n.gettext("Transcription")
    language = i18n.language_name(text.language)
    if text.is_translation:
        return i18n.gettext("%(language)s translation") % {"language": language}
    return i18n.gettext("%(language)s original") % {"language": language}


def summary(text: Text) -> str:
    """A text in a list of them (the feed): "English translation from Russian", "Russian original"."""
    if text.translated_from is None:
        return label(text)
    return i18n.gettext("%(language)s translation from %(source)s") % {
        "language": i18n.language_name(text.language), "source": i18n.language_from(text.translated_from)}


def credit(text: Text | None) -> str:
    """A translation's credit line: "Translated from Russian by Jane Doe. Translation published in …";
    "" for a text that is not a translation."""
    if text is None or text.translated_from is None:
        return ""
    language = i18n.language_from(text.translated_from)
    names = [citations.parse_name(n).natural() for n in text.translators]
    if names:
        line = i18n.gettext("Translated from %(language)s by %(names)s.") % {
            "language": language, "names": citations.join_names(names)}
    else:
        line = i18n.gettext("Translated from %(language)s.") % {"language": language}
    if text.published_in:
        line += " " + i18n.gettext("Translation published in %(publication)s.") % {
            "publication": text.published_in.rstrip(".")}
    return line


def contributor(person: Contributor) -> str:
    """A contributor in the record's details: "Doe, Jane (translator)"; German "Doe, Jane (Übersetzer)".
    The role is its MARC relator label (records/texts.py RELATORS), translated in the catalogue."""
    return f"{person.name} ({i18n.inline(person.role_label)})"
