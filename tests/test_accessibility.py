"""Accessibility of the built sample site, checked in headless Chromium the way a reader meets it:
axe-core (WCAG 2.2 AA and best practices) on every kind of page in both colour schemes and on a
phone, plus what axe cannot see: keyboard focus, the skip link, target sizes, no horizontal
scrolling at 320 px, no console errors, nothing fetched from another host, and pages readable
without JavaScript.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from archivegen.build.write import STATIC
from conftest import REPO
from reader_support import PAGE_KINDS, PageKind, SiteServer, open_page, serve_under

# One worker runs the whole module under pytest-xdist: its tests share one load of each page and view.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("accessibility")]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
KIND_IDS = [k.name for k in PAGE_KINDS]
RECORD = next(k for k in PAGE_KINDS if k.name == "record")
# Viewports a reader uses: a wide screen and the narrowest common phone, each in both colour schemes.
VIEWS = {"light-1280": ("light", 1280), "dark-1280": ("dark", 1280),
         "light-320": ("light", 320), "dark-320": ("dark", 320)}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository (scripts/test.sh does)")
    return AXE.read_text(encoding="utf-8")



def new_context(browser: Any, scheme: str = "light", width: int = 1280, **options: Any) -> Any:
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses: the
    # policy is lifted for this test tool (tests/faults/test_csp_browser.py checks the policy).
    return browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True,
                               **options)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


SMALL_TARGETS_JS = """() => {
    const inText = e => e.closest('p, .transcription, .summary, .rights-text, .footnotes, .citation, dd');
    return [...document.querySelectorAll('a[href], button, input, select, summary')]
        .filter(e => e.getClientRects().length > 0 && !e.closest('.skip-link') && !inText(e))
        .map(e => [e.outerHTML.slice(0, 100), e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24)
        .map(([html, r]) => `${Math.round(r.width)}x${Math.round(r.height)} ${html}`);
}"""


@dataclasses.dataclass
class Inspection:
    """What one load of a page in one view showed."""

    axe: dict[str, Any]
    small_targets: list[str]
    scroll_width: int
    too_wide: list[str]
    foreign: list[str]
    failed: list[str]
    errors: list[str]
    icons: list[str]
    icons_ok: bool


# axe reports every node of every violation; for the rules that pass it need only say that they
# ran (one node each), which spares it building and sending thousands of passing nodes per page.
AXE_RUN_JS = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""


@dataclasses.dataclass
class Tab:
    """One browser context and page in one view, reused for every page loaded in that view:
    what each load fetched from other hosts, failed to fetch and logged as errors."""

    context: Any
    page: Any
    foreign: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)

    def clear(self) -> None:
        self.foreign, self.failed, self.errors = [], [], []


def open_tab(browser: Any, site_server: SiteServer, view: str) -> Tab:
    """A context in ``view`` whose page records what a load fetches and logs. Routing every
    request (to refuse other hosts) also turns the HTTP cache off: each load fetches everything."""
    scheme, width = VIEWS[view]
    context = new_context(browser, scheme, width)
    tab = Tab(context, None)

    def route(r: Any) -> None:
        if r.request.url.startswith(site_server.origin + "/"):
            r.continue_()
        else:  # a CDN, web font or tracker: refuse it and remember it
            tab.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab.page = context.new_page()
    tab.page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.page.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.page.on("response", lambda r: tab.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return tab


def scripts_reading_the_colour_scheme(site: Path) -> list[str]:
    """The site's scripts that could read the colour scheme (a media query in JavaScript)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.js")
                  if re.search(r"prefers-color-scheme|matchMedia\([^)]*color", p.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def inspect(chromium: Any, site_server: SiteServer, axe_source: str) -> Iterator[Callable[[PageKind, str], Inspection]]:
    """inspect(kind, view): load an example of ``kind`` once per width and measure everything the
    tests below assert (one load per page and width, in one page per width, keeps the suite fast).

    Each load is in the light scheme; the dark view of that width is the same loaded page switched
    to the dark scheme (as a reader's system switches it) and checked by axe again. That is what a
    load in the dark scheme shows, because the scheme is CSS alone: no script of the site reads it
    (asserted here) and no style animates the change."""
    readers = scripts_reading_the_colour_scheme(site_server.site)
    assert readers == [], f"{readers} read the colour scheme: load each dark view on its own again"
    cache: dict[tuple[str, str], Inspection] = {}
    tabs: dict[str, Tab] = {}

    def measure(page: Any, tab: Tab, width: int, icons_ok: bool) -> Inspection:
        small = page.evaluate(SMALL_TARGETS_JS)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        too_wide = page.evaluate("""w => [...document.body.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""", width)
        icons = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        icons_ok = icons_ok and bool(icons) and all(tab.context.request.get(href).ok for href in icons)
        if page.evaluate("typeof axe === 'undefined'"):
            page.add_script_tag(content=axe_source)
        axe = page.evaluate(AXE_RUN_JS, AXE_TAGS)
        # The load's lists, still growing: what the dark view's checks log counts for the load too.
        return Inspection(axe, small, scroll_width, too_wide, tab.foreign, tab.failed, tab.errors, icons, icons_ok)

    def run(kind: PageKind, view: str) -> Inspection:
        path = kind.path(site_server.site)  # fails before any browser work when absent
        if (kind.name, view) in cache:
            return cache[kind.name, view]
        width = VIEWS[view][1]
        light, dark = f"light-{width}", f"dark-{width}"
        if light not in tabs:
            tabs[light] = open_tab(chromium, site_server, light)
        tab = tabs[light]
        tab.clear()
        page = open_page(tab.context, site_server, kind, path, page=tab.page)
        cache[kind.name, light] = measure(page, tab, width, True)
        page.emulate_media(color_scheme="dark")
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        cache[kind.name, dark] = measure(page, tab, width, cache[kind.name, light].icons_ok)
        page.emulate_media(color_scheme="light")
        return cache[kind.name, view]

    yield run
    for tab in tabs.values():
        tab.context.close()


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_axe_finds_no_violations(inspect: Callable[[PageKind, str], Inspection], kind: PageKind, view: str) -> None:
    result = inspect(kind, view).axe
    assert result["passes"], "axe ran no checks at all"
    assert result["violations"] == [], f"{kind.name} ({view}):\n{describe(result['violations'])}"


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_page_is_self_contained_and_loads_without_errors(inspect: Callable[[PageKind, str], Inspection],
                                                         kind: PageKind) -> None:
    """Nothing is fetched from another host (no CDN, font or tracker), nothing 404s, the console
    stays clean, and the page names an icon that loads (else browsers ask /favicon.ico)."""
    seen = inspect(kind, "light-1280")
    assert seen.foreign == [], f"{kind.name} fetched from other hosts: {seen.foreign}"
    assert seen.failed == [], f"{kind.name}: failed requests {seen.failed}"
    assert seen.errors == [], f"{kind.name}: console errors {seen.errors}"
    assert seen.icons_ok, f"{kind.name}: icons {seen.icons} missing or not loading"


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_no_horizontal_scroll_on_a_320px_phone(inspect: Callable[[PageKind, str], Inspection], kind: PageKind) -> None:
    seen = inspect(kind, "light-320")
    assert seen.scroll_width <= 320, f"{kind.name} is {seen.scroll_width}px wide at 320px; too wide: {seen.too_wide}"


@pytest.mark.parametrize("view", ["light-320", "light-1280"])
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=KIND_IDS)
def test_links_and_buttons_are_at_least_24px_targets(inspect: Callable[[PageKind, str], Inspection],
                                                     kind: PageKind, view: str) -> None:
    """WCAG 2.2 target size (minimum): every link and control outside running text is at least
    24x24 CSS px (nav links too). Links inside running text (transcriptions, summaries, footnotes,
    the values of a metadata row separated by semicolons) are exempt here, as in WCAG; axe's
    target-size rule checks their spacing."""
    small = inspect(kind, view).small_targets
    assert small == [], f"{kind.name} ({view}) has small targets:\n" + "\n".join(small)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(chromium: Any, site_server: SiteServer) -> None:
    context = new_context(chromium)
    try:
        page = open_page(context, site_server, RECORD)
        page.keyboard.press("Tab")
        first = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
            return {text: e.textContent, href: e.getAttribute('href'), top: r.top, height: r.height,
                    outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth)}; }""")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after = page.evaluate("document.activeElement.closest('main') !== null")
    finally:
        context.close()
    assert first["text"] == "Skip to content" and first["href"] == "#main"
    assert first["top"] >= 0 and first["height"] >= 24, "the focused skip link must be on screen"
    assert first["outline"] != "none" and first["outlineWidth"] >= 2, "focus must be visible"
    assert after, "after the skip link, the next Tab stop is inside main"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible_on_every_control_in_the_header(chromium: Any, site_server: SiteServer,
                                                                  scheme: str) -> None:
    context = new_context(chromium, scheme)
    try:
        page = open_page(context, site_server, RECORD)
        seen = []
        for _ in range(8):
            page.keyboard.press("Tab")
            seen.append(page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.tagName + ' ' + (e.textContent || e.getAttribute('aria-label') || e.id).trim(),
                        s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""))
    finally:
        context.close()
    invisible = [s for s in seen if s[1] == "none" or s[2] < 2]
    assert invisible == [], f"focus not visible on {invisible}"


@pytest.fixture(scope="module")
def no_script(chromium: Any) -> Iterator[Any]:
    """One browser context with JavaScript off, for every page read without it (a new page each)."""
    context = new_context(chromium, java_script_enabled=False)
    yield context
    context.close()


@pytest.mark.parametrize("kind", [k for k in PAGE_KINDS if not k.wait_for], ids=lambda k: k.name)
def test_page_is_readable_without_javascript(no_script: Any, site_server: SiteServer, kind: PageKind) -> None:
    path = kind.path(site_server.site)
    page = open_page(no_script, site_server, kind, path)
    try:
        h1 = page.locator("h1").first.inner_text()
        links = page.locator("main a[href]").count()
        main_text = page.locator("main").inner_text()
    finally:
        page.close()
    assert h1.strip(), f"{kind.name}: no heading without JavaScript"
    assert len(main_text) > 40 and (links > 0 or kind.name == "404"), f"{kind.name}: main is empty without JavaScript"


def test_printed_record_shows_its_citation_and_address_but_not_navigation(chromium: Any, site_server: SiteServer,
                                                                         tmp_path: Path) -> None:
    context = new_context(chromium)
    try:
        page = open_page(context, site_server, RECORD)
        page.emulate_media(media="print")
        visible = {sel: page.locator(sel).first.is_visible()
                   for sel in (".site-nav", ".header-search", ".breadcrumbs", "h1", ".citation", ".transcription", ".print-url")}
        address = page.locator(".print-url").inner_text()
        canonical = page.locator('link[rel="canonical"]').get_attribute("href")
        pdf = page.pdf(path=str(tmp_path / "record.pdf"))
    finally:
        context.close()
    assert visible == {".site-nav": False, ".header-search": False, ".breadcrumbs": False, "h1": True,
                       ".citation": True, ".transcription": True, ".print-url": True}
    assert canonical and canonical.startswith("https://example.org/archive/records/")
    assert canonical in address
    assert pdf[:5] == b"%PDF-"


def test_print_address_is_hidden_on_screen(chromium: Any, site_server: SiteServer) -> None:
    context = new_context(chromium)
    try:
        page = open_page(context, site_server, RECORD)
        shown = page.locator(".print-url").is_visible()
        in_tree = page.get_by_text("This page:").count()
    finally:
        context.close()
    assert in_tree == 1 and not shown


SPECIMEN = REPO / "tests" / "cases" / "theme_specimen.html"


@pytest.mark.parametrize("view", list(VIEWS))
def test_theme_specimen_components_pass_axe(chromium: Any, axe_source: str, tmp_path: Path,
                                                    view: str) -> None:
    """The generic classes other pages use (term lists, pagination, tables of counts, citation
    buttons, a search form with filters and results, notices) are accessible in both schemes."""
    shutil.copytree(STATIC, tmp_path / "site" / "assets")
    shutil.copy(SPECIMEN, tmp_path / "site" / "index.html")
    server = serve_under(tmp_path / "site", "/", tmp_path)
    scheme, width = VIEWS[view]
    context = new_context(chromium, scheme, width)
    try:
        page = context.new_page()
        page.goto(server.url(""))
        shots = REPO / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"specimen-{view}.png"), full_page=True)
        small = page.evaluate(SMALL_TARGETS_JS)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.add_script_tag(content=axe_source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    finally:
        context.close()
        server.close()
    assert result["violations"] == [], describe(result["violations"])
    assert small == [], small
    assert scroll_width <= width
