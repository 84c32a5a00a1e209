"""Regenerate the theme's raster icons from static/favicon.svg (run by hand after editing the SVG).

Writes apple-touch-icon.png (180 px), icon-192.png, icon-512.png and favicon.ico (a 32 px PNG in
an ICO container) by rasterising the SVG in Debian's Chromium: no image library is needed.
Usage: python3 scripts/make_icons.py
"""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "src" / "archivegen" / "static"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def ico(png: bytes, size: int) -> bytes:
    """An ICO file holding one PNG image (supported by every browser since IE 9)."""
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def main() -> None:
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        outputs = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512, "favicon.ico": 32}
        for name, size in outputs.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f'<style>html,body{{margin:0;background:transparent}}svg{{display:block;width:{size}px;height:{size}px}}</style>{svg}')
            png = page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
            (STATIC / name).write_bytes(ico(png, size) if name.endswith(".ico") else png)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
