"""Site-wide files of the default theme that depend on the archive's settings: the web manifest.

(The stylesheets and icons are static files in ``static/``, copied to ``assets/``.)
"""

from __future__ import annotations

from archivegen.records.model import Archive
from archivegen.render import urls
from archivegen.render.page import Page, View

THEME_COLOR = "#1f4e8c"
"""The accent colour of style.css and favicon.svg (browser UI tint)."""
BACKGROUND = "#fdfcf9"
"""The light scheme's page background (shown while an installed site starts)."""


def web_manifest_view(archive: Archive) -> View:
    s = archive.settings
    icons = [
        {"src": urls.url(s, urls.asset("favicon.svg")), "sizes": "any", "type": "image/svg+xml"},
        {"src": urls.url(s, urls.asset("icon-192.png")), "sizes": "192x192", "type": "image/png"},
        {"src": urls.url(s, urls.asset("icon-512.png")), "sizes": "512x512", "type": "image/png"},
    ]
    manifest = {
        "name": s.title,
        "description": s.description or s.title,
        "lang": s.language,
        "start_url": urls.url(s, urls.home()),
        "scope": urls.url(s, urls.home()),
        "display": "minimal-ui",
        "background_color": BACKGROUND,
        "theme_color": THEME_COLOR,
        "icons": icons,
    }
    if len(s.title) <= 12:  # launchers truncate longer names; without short_name they use name
        manifest["short_name"] = s.title
    return {"manifest": manifest}


def plan(archive: Archive) -> list[Page]:
    return [Page(urls.web_manifest(), "site.webmanifest", lambda: web_manifest_view(archive))]
