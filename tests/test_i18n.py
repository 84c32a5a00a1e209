"""The interface in another language (issue 19): the German catalogue is complete, and a site built
with ``language: de`` has no English interface string left, German dates, ``<html lang="de">``,
valid HTML and no axe violations; its search page speaks German too."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from babel.messages.pofile import read_po

from archivegen.build.pipeline import build_archive
from browser_support import new_page
from conftest import REPO, make_archive, record_text, run_cli
from test_html_valid import describe as describe_vnu
from test_html_valid import run_vnu

CATALOGUE = REPO / "src" / "archivegen" / "locale" / "de.po"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

GERMAN_YAML = """\
title: Briefe aus Budapest
description: Abschriften von Briefen und Berichten aus Ungarn, für Forschung und Lehre.
base_url: https://beispiel.de/briefe/
publisher: Historisches Institut
language: de
page_size: 2
collections:
  Ungarischer Volksaufstand:
    description: Berichte über den Volksaufstand im Herbst 1956.
"""
# Record content in German too: every English word on these pages is then the interface's.
RECORDS = {
    "bericht-1.md": record_text("Bericht über die Lage in Budapest", "1956-11-01", "Die Lage ist ernst.",
                                type="Bericht", people='["Nagy, Imre"]', places="[Budapest]",
                                subjects="[Neutralität]", collections="[Ungarischer Volksaufstand]",
                                rights="CC-BY-4.0", uploaded="2020-05-04", related="[brief-2]"),
    "brief-2.md": record_text("Brief an das Ministerium", "1956-10-23/1956-11-04", "Sehr geehrte Damen und Herren.",
                              type="Brief", collections="[Ungarischer Volksaufstand]", uploaded="2020-05-05"),
    "notiz-3.md": record_text("Notiz ohne genaues Datum", "195X", "Eine kurze Notiz.", type="Notiz",
                              collections="[Ungarischer Volksaufstand]", uploaded="2020-05-06"),
    "protokoll-4.md": record_text("Protokoll der Sitzung", "1956~", "Anwesend waren alle.", type="Protokoll",
                                  collections="[Ungarischer Volksaufstand]"),
    # Issue 15's parts of the record page: a translation with its original, credited to two
    # translators, contributors with roles, and a record: link (the report lists it as "Referenced by").
    "telegramm-5.md": record_text(
        "Telegramm aus Moskau", "1956-11-02", "Wir verweisen auf [den Bericht](record:bericht-1).",
        type="Telegramm", languages="[Russian]", uploaded="2020-05-07",
        texts='[{language: German, translated_from: Russian, translated_by: ["Muster, Erika", "Beispiel, Max"], '
              'published_in: "Zeitschrift für Quellen 3 (1999), 12–14"}, '
              "{language: Russian, file: telegramm-5.ru.markdown}]",
        contributors='[{name: "Muster, Erika", role: trl}, {name: "Stiftung Beispiel", role: Funder}, '
                     '{name: "Korn, Karl", role: ill}]'),
}
TEXT_FILES = {"telegramm-5.ru.markdown": "Мы ссылаемся на доклад.\n"}


def _catalogue_tool() -> Any:
    spec = importlib.util.spec_from_file_location("update_catalogues", REPO / "scripts" / "update_catalogues.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue() -> Any:
    with open(CATALOGUE, "rb") as f:
        return read_po(f, locale="de")


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("de") / "briefe", RECORDS, GERMAN_YAML)
    for name, text in TEXT_FILES.items():
        (root / "documents" / name).write_text(text, encoding="utf-8")
    build_archive(root)
    return root / "site"


def test_the_german_catalogue_translates_every_interface_message(catalogue: Any) -> None:
    wanted = {m.id for m in _catalogue_tool().messages() if m.id}
    have = {m.id for m in catalogue if m.id}
    assert sorted(map(str, wanted - have)) == [], "not in de.po: run scripts/update_catalogues.py"
    assert sorted(map(str, have - wanted)) == [], "obsolete in de.po: run scripts/update_catalogues.py"
    untranslated = [m.id for m in catalogue if m.id and not all(m.string if isinstance(m.string, tuple)
                                                                 else (m.string,))]
    assert untranslated == []
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []
    # Placeholders and plural forms agree with the English (Babel's checkers).
    assert [(m.id, errors) for m, errors in catalogue.check()] == []


def _english_fragments(catalogue: Any) -> list[str]:
    """The words of every English message that its German translation does not also contain:
    the parts between placeholders and tags, of two words or more, or one word of five letters.
    English writes a label inside a sentence in lower case (i18n.inline: "Browse people", "Doe, Jane
    (translator)"), so each is also looked for in lower case, unless a translation uses that word
    too (a field's name: "sein Feld uploaded")."""
    found, lowered = set(), set()
    all_german = " ".join(" ".join(m.string if isinstance(m.string, tuple) else (m.string,))
                          for m in catalogue if m.id)
    for m in catalogue:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        german = " ".join(m.string if isinstance(m.string, tuple) else (m.string,))
        for text in ids:
            for part in re.split(r"%\(\w+\)[sd]|<[^>]+>|\n", text):
                part = part.strip(" .,:;()“”")
                if (len(part.split()) >= 2 or len(part) >= 5) and part not in german:
                    found.add(part)
                    lowered.add(part.lower())
    return sorted(found | {f for f in lowered if not re.search(rf"\b{re.escape(f)}\b", all_german)})


def _shown_text(page: Path) -> str:
    """What a reader can meet on a page: its text and the attributes read aloud or shown."""
    tree = lxml.html.parse(str(page)).getroot()
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    parts = [tree.text_content()]
    for attribute in ("aria-label", "placeholder", "title", "alt", "data-copied", "data-not-copied", "data-more",
                      "data-less"):
        parts += tree.xpath(f"//@{attribute}")
    parts += tree.xpath("//meta[@name='description' or @property='og:description' or @property='og:title']/@content")
    # Addresses and file names (…/records/x/, records.json) are not words of the interface.
    return re.sub(r"\S*/\S*|\S+\.(?:json|csv|xml|bib|ris)\b", " ", " ".join(" ".join(parts).split()))


def test_a_german_site_has_no_english_interface_string_left(german_site: Path, catalogue: Any) -> None:
    fragments = _english_fragments(catalogue)
    assert len(fragments) > 100  # the test reads the catalogue, not a list of its own
    pages = sorted(german_site.rglob("*.html"))
    assert len(pages) > 20
    left = []
    for page in pages:
        text = _shown_text(page)
        left += [f"{page.relative_to(german_site)}: {f!r}" for f in fragments if re.search(rf"\b{re.escape(f)}\b", text)]
    # The feed's entries say which texts a record has, in the site's language too.
    feed = _feed_text(german_site / "feed.xml")
    left += [f"feed.xml: {f!r}" for f in fragments if re.search(rf"\b{re.escape(f)}\b", feed)]
    assert left == [], "English left on the German site:\n" + "\n".join(left)


def _feed_text(feed: Path) -> str:
    """The text of the feed's entries (their summaries are HTML)."""
    summaries = lxml.etree.parse(str(feed)).getroot().iterfind(".//{http://www.w3.org/2005/Atom}summary")
    return " ".join(" ".join(lxml.html.fromstring(s.text or "<p></p>").itertext()) for s in summaries)


def test_a_translation_its_original_contributors_and_referrers_speak_german(german_site: Path) -> None:
    page = german_site / "records" / "telegramm-5" / "index.html"
    tree = lxml.html.parse(str(page)).getroot()
    texts = tree.xpath("//section[contains(@class,'texts-many')]")[0]
    assert texts.xpath("string(h2)") == "Texte"
    assert [b.text_content() for b in texts.xpath(".//button")] == [
        "Deutsch (Übersetzung)", "Russisch (Original)", "Nebeneinander"]
    assert " ".join(tree.get_element_by_id("text-de").xpath("string(.//p[@class='text-credit'])").split()) == (
        "Aus dem Russischen von Erika Muster und Max Beispiel. "
        "Die Übersetzung erschien in Zeitschrift für Quellen 3 (1999), 12–14.")
    details = {dt.text_content(): " ".join(dt.getnext().text_content().split()) for dt in tree.iter("dt")}
    assert details["Mitwirkende"] == ("Muster, Erika (Übersetzer); Stiftung Beispiel (Geldgeber); "
                                      "Korn, Karl (Illustrator)")
    # Chicago's "Translated by" joins the names with the interface's "und" (no serial comma).
    assert "Übersetzt von Erika Muster und Max Beispiel." in tree.get_element_by_id("citation-chicago").text_content()
    target = lxml.html.parse(str(german_site / "records" / "bericht-1" / "index.html")).getroot()
    assert target.xpath("string(//section[@class='referenced-by']/h2)") == "Dokumente, die hierauf verweisen"
    assert target.xpath("//section[@class='referenced-by']//a/@href") == ["/briefe/records/telegramm-5/"]
    assert "Texte: Deutsch (Übersetzung aus dem Russischen); Russisch (Original)" in _feed_text(
        german_site / "feed.xml")


def test_a_german_site_says_lang_de_and_writes_german_dates(german_site: Path) -> None:
    for page in german_site.rglob("*.html"):
        assert lxml.html.parse(str(page)).getroot().get("lang") == "de", page
    record = _shown_text(german_site / "records" / "bericht-1" / "index.html")
    tree = lxml.html.parse(str(german_site / "records" / "bericht-1" / "index.html")).getroot()
    details = {dt.text_content(): dt.getnext().text_content() for dt in tree.iter("dt")}
    assert details["Datum"] == "1. November 1956" and details["Hochgeladen"] == "4. Mai 2020"
    # The citations' fixed words and dates too (Chicago, MLA, APA).
    assert "1. November 1956" in tree.get_element_by_id("citation-chicago").text_content()
    assert "1. Nov. 1956" in tree.get_element_by_id("citation-mla").text_content()
    assert "Angaben zum Dokument" in record and "Dieses Dokument zitieren" in record
    assert "23. Oktober 1956 – 4. November 1956" in _shown_text(german_site / "records" / "brief-2" / "index.html")
    years = _shown_text(german_site / "years" / "index.html")
    assert "1950er" in years and "5 Dokumente nach Jahrzehnt und Jahr." in years
    assert "ca. 1956" in _shown_text(german_site / "records" / "protokoll-4" / "index.html")
    assert 'xml:lang="de"' in (german_site / "feed.xml").read_text(encoding="utf-8")


def test_an_english_build_with_texts_and_contributors_does_not_import_babel(tmp_path: Path) -> None:
    """Babel costs ~0.3 s to import (render/i18n.py): English names and forms come without it."""
    yaml = GERMAN_YAML.replace("language: de", "language: en")
    root = make_archive(tmp_path / "en", RECORDS, yaml)
    for name, text in TEXT_FILES.items():
        (root / "documents" / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "archivegen", "build", str(root), "--no-index"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = (root / "site" / "records" / "telegramm-5" / "index.html").read_text(encoding="utf-8")
    assert "Translated from Russian by Erika Muster and Max Beispiel." in page  # the page has its texts
    assert "Muster, Erika (translator)" in page
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert "archivegen.render.text_words" in imported
    assert [m for m in imported if m.split(".")[0] == "babel"] == []


def test_an_archive_in_a_language_without_a_catalogue_is_warned_about(tmp_path: Path) -> None:
    root = make_archive(tmp_path / "fr", {"a.md": record_text()}, GERMAN_YAML.replace("language: de", "language: fr"))
    proc = run_cli("check", str(root))
    assert proc.returncode == 0
    assert 'archive.yaml:5: warning: language: no interface translation for "fr"' in proc.stderr
    ok = make_archive(tmp_path / "at", {"a.md": record_text()}, GERMAN_YAML.replace("language: de", "language: de-AT"))
    assert "warning" not in run_cli("check", str(ok)).stderr


@pytest.mark.slow
def test_every_page_of_the_german_site_is_valid_html(german_site: Path) -> None:
    messages = run_vnu(german_site)
    assert messages == [], describe_vnu(messages, german_site)


@pytest.mark.browser
def test_the_german_search_page_speaks_german_and_passes_axe(german_site: Path, serve_site: Any,
                                                            chromium: Any) -> None:
    origin = serve_site(german_site, "/briefe/")
    page = new_page(chromium, bypass_csp=True)  # axe is injected below
    try:
        page.goto(origin + "/briefe/search/?q=Budapest")
        page.wait_for_function("() => document.getElementById('search-status').textContent.length > 0"
                               " && !document.body.classList.contains('search-busy')")
        assert page.text_content("#search-status") == "1 Dokument gefunden für „Budapest“."
        # Date and type in German; the row also names the collection and the record id.
        assert page.locator(".search-result .result-meta").first.inner_text().startswith("1. November 1956 · Bericht · ")
        page.locator("[data-group=type] .filter-toggle").click()
        page.wait_for_selector("fieldset[data-filter=type] label")
        assert page.locator("[data-group=type] .filter-toggle").inner_text().startswith("Art")
        if not AXE.is_file():
            pytest.fail(f"{AXE} is missing: run `npm ci` in the repository (scripts/test.sh does)")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        for path in ("/briefe/search/?q=Budapest", "/briefe/", "/briefe/records/bericht-1/", "/briefe/years/",
                     "/briefe/404.html", "/briefe/records/telegramm-5/"):
            if path != "/briefe/search/?q=Budapest":
                page.goto(origin + path)
                page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            assert [v["id"] for v in result["violations"]] == [], (path, result["violations"])
        # The texts' tabs (static/texts.js) are named by their German heading.
        assert page.get_by_role("tablist", name="Texte").count() == 1
        assert page.get_by_role("tab", name="Russisch (Original)").count() == 1
        assert page.errors == []
    finally:
        page.close()
