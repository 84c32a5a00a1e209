"""Machine-readable metadata in a record page's <head>: Highwire, Dublin Core and schema.org JSON-LD.

Highwire ``citation_*`` tags are what Google Scholar and Zotero's "Embedded Metadata" translator
read first (one click saves the record with its creators, date and URL); Dublin Core serves
harvesters and older tools; JSON-LD describes the record as a schema.org ``ArchiveComponent`` held
by an ``ArchiveOrganization``. Values are plain text here: the template escapes meta attributes and
``json_script`` makes the JSON inert inside <script>.
"""

from __future__ import annotations

from typing import Any

from archivegen.records.model import Record
from archivegen.records.settings import Settings
from archivegen.render import text_words, urls
from archivegen.render.citations import parse_name, translators

Meta = list[tuple[str, str]]


def _highwire_date(record: Record) -> str:
    """Google Scholar wants YYYY/MM/DD, YYYY/MM or YYYY; a range or approximate date gives its start."""
    start = record.date.edtf.partition("/")[0].rstrip("~?%")
    parts = start.split("-")
    if "X" in parts[0]:
        return str(record.date.lower.year)
    return "/".join(p for p in parts if "X" not in p)


def iso_date(record: Record) -> str:
    """ISO 8601 for schema.org: the EDTF without qualifiers; unspecified digits become a span."""
    plain = "/".join(p.rstrip("~?%") for p in record.date.edtf.split("/"))
    if "X" in plain:
        return f"{record.date.lower.isoformat()}/{record.date.upper.isoformat()}"
    return plain


def highwire(record: Record, settings: Settings) -> Meta:
    url = urls.absolute(settings, urls.record(record.id))
    meta: Meta = [("citation_title", record.title)]
    meta += [("citation_author", parse_name(c).inverted()) for c in record.creators]
    meta.append(("citation_date", _highwire_date(record)))
    meta.append(("citation_publisher", settings.publisher or settings.title))
    meta.append(("citation_public_url", url))
    meta.append(("citation_abstract_html_url", url))
    # The language of the text cited (a translation's, as in the CSL item), else the original's.
    main = record.texts[0] if record.texts and not record.texts[0].file else None
    meta += [("citation_language", lang.code) for lang in ((main.language,) if main else record.languages)]
    meta += [("citation_keywords", s) for s in record.subjects]
    meta += [("citation_pdf_url", urls.absolute(settings, urls.record_file(record.id, f.rsplit("/", 1)[-1])))
             for f in record.files if f.lower().endswith(".pdf")]
    return meta


def dublin_core(record: Record, settings: Settings) -> Meta:
    meta: Meta = [("DC.title", record.title)]
    meta += [("DC.creator", c) for c in record.creators]
    meta.append(("DC.date", record.date.edtf))
    meta.append(("DC.type", "Text"))  # DCMI Type Vocabulary; the record's own type follows
    if record.type:
        meta.append(("DC.type", record.type))
    meta.append(("DC.format", "text/html"))
    meta.append(("DC.identifier", urls.absolute(settings, urls.record(record.id))))
    meta += [("DC.language", lang.code) for lang in record.languages]
    meta += [("DC.contributor", c.name) for c in record.contributors]
    meta += [("DC.subject", s) for s in record.subjects]
    meta += [("DC.coverage", p) for p in record.places]
    if record.summary:
        meta.append(("DC.description", record.summary))
    meta.append(("DC.publisher", settings.publisher or settings.title))
    if record.source:
        meta.append(("DC.source", record.source))
    if record.rights:
        meta.append(("DC.rights", record.rights.uri or record.rights.label))
    return meta


def _agent(name: str) -> dict[str, str]:
    parsed = parse_name(name)
    if parsed.literal:
        return {"@type": "Organization", "name": parsed.literal}
    return {"@type": "Person", "name": parsed.natural(), "familyName": parsed.family, "givenName": parsed.given}


def json_ld(record: Record, settings: Settings) -> dict[str, Any]:
    """schema.org ArchiveComponent (render it with the json_script filter)."""
    url = urls.absolute(settings, urls.record(record.id))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": url,
        "url": url,
        "identifier": record.id,
        "name": record.title,
        "dateCreated": iso_date(record),
        "temporalCoverage": record.date.edtf,
        "isPartOf": [{"@type": "Collection", "name": c} for c in record.collections]
        + [{"@type": "WebSite", "name": settings.title, "url": urls.absolute(settings, "")}],
    }
    if record.summary:
        data["description"] = record.summary
    if record.type:
        data["genre"] = record.type
    if record.creators:
        data["creator"] = [_agent(c) for c in record.creators]
    if record.languages:
        data["inLanguage"] = [lang.code for lang in record.languages]
    if record.subjects:
        data["about"] = [{"@type": "Thing", "name": s} for s in record.subjects]
    mentions = [{"@type": "Person", "name": parse_name(p).natural()} for p in record.people]
    mentions += [{"@type": "Place", "name": p} for p in record.places]
    if mentions:
        data["mentions"] = mentions
    if record.archive:
        data["holdingArchive"] = {"@type": "ArchiveOrganization", "name": record.archive}
    if record.source:
        data["itemLocation"] = record.source
    if record.rights:
        data["license"] = record.rights.uri or record.rights.label
        data["usageInfo"] = {"@type": "CreativeWork", "name": record.rights.label,
                             **({"url": record.rights.uri} if record.rights.uri else {})}
    if settings.publisher:
        data["publisher"] = {"@type": "Organization", "name": settings.publisher}
    _texts(record, data)
    return data


def _texts(record: Record, data: dict[str, Any]) -> None:
    """Which text the page is (issue 15): a translation names its language, its translators and the
    work it translates; other texts are parts; contributors carry their MARC relator role."""
    main = record.texts[0] if record.texts and not record.texts[0].file else None
    if main is not None:
        data["inLanguage"] = main.language.code
    if main is not None and main.translated_from is not None:
        original = next((t for t in record.texts if t.translated_from is None), None)
        work: dict[str, Any] = {"@type": "CreativeWork", "inLanguage": main.translated_from.code}
        if original is not None and original.title:
            work["name"] = original.title
        data["translationOfWork"] = work
        if main.published_in:
            data["citation"] = main.published_in
    names = translators(record)
    if names:
        data["translator"] = [_agent(n) for n in names]
    others = [t for t in record.texts if t.file]
    if others:
        data["hasPart"] = [{"@type": "CreativeWork", "inLanguage": t.language.code, "name": text_words.label(t),
                            **({"translator": [_agent(n) for n in t.translators]} if t.translators else {})}
                           for t in others]
    if record.contributors:
        # schema.org's Role wraps a contributor with the MARC relator term for its part.
        data["contributor"] = [{"@type": "Role", "roleName": c.role_label,
                                "url": f"http://id.loc.gov/vocabulary/relators/{c.role}",
                                "contributor": _agent(c.name)} for c in record.contributors]


def head(record: Record, settings: Settings) -> dict[str, Any]:
    """The view the head partial renders."""
    return {"highwire": highwire(record, settings), "dublin_core": dublin_core(record, settings),
            "json_ld": json_ld(record, settings)}
