#!/usr/bin/env python3
"""Extract the interface's messages and merge them into every catalogue (src/archivegen/locale/*.po).

    python scripts/update_catalogues.py          # then translate the new or changed entries

Messages come from the templates (Jinja's i18n extension: ``_()``, ``ngettext()``, ``{% trans %}``),
from the Python modules (``i18n.gettext``, ``i18n.ngettext``, ``_``), and from the field table
(labels, filter names, data-column descriptions: records/fields.py, render/exports.py; the MARC
relator labels of contributors' roles: records/texts.py), whose strings are translated where they
are shown. tests/test_i18n.py checks that every catalogue has
every message translated; archivegen reads the .po files as they are (no compile step).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "archivegen"
LOCALE = PACKAGE / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("templates/**.html", "jinja2"), ("templates/**.xml", "jinja2"), ("**.py", "python")]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern in ("templates/**.html", "templates/**.xml")}


def _table_messages() -> list[str]:
    sys.path.insert(0, str(REPO / "src"))
    from archivegen.records.fields import FACETS, FIELDS, FILTERS
    from archivegen.records.texts import RELATORS
    from archivegen.render.exports import COLUMNS

    found = [f.label for f in FIELDS] + [f.facet.label for _, f in FACETS if f.facet]
    found += [flt.label for flt, _ in FILTERS] + [description for _, _, description in COLUMNS]
    return found + list(RELATORS.values())  # contributors' roles (render/text_words.py)


def messages() -> Catalog:
    """Every message of the interface, as a template catalogue."""
    catalog = Catalog(project="archivegen", fuzzy=False)
    for path, line, message, comments, context in extract_from_dir(
            PACKAGE, METHODS, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(f"src/archivegen/{path}", line)], auto_comments=comments, context=context)
    for message in _table_messages():
        catalog.add(message, None, [("src/archivegen/records/fields.py", 0)])
    return catalog


def main() -> int:
    template = messages()
    for po in sorted(LOCALE.glob("*.po")):
        with open(po, "rb") as f:
            catalog = read_po(f, locale=po.stem)
        catalog.update(template, no_fuzzy_matching=True)
        with open(po, "wb") as f:
            write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=True)
        missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        print(f"{po.relative_to(REPO)}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
