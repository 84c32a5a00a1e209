"""The browser tests' Chromium switches keep what Playwright itself switches off (browser_support)."""

from __future__ import annotations

import re
from pathlib import Path

import playwright

from browser_support import CHROMIUM_ARGS, PLAYWRIGHT_DISABLED_FEATURES, UNUSED_WINDOW_FEATURES


def _installed_playwright_disabled_features() -> set[str]:
    """The features the installed Playwright passes in its own ``--disable-features`` switch, read
    from its driver's JavaScript (the list is a literal array named ``disabledFeatures``)."""
    package = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for script in sorted(package.rglob("*.js")):
        text = script.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"disabledFeatures = \[(.*?)\]", text, re.S)
        if found:
            body = re.sub(r"//[^\n]*", "", found.group(1))
            return set(re.findall(r'"([A-Za-z0-9]+)"', body))
    raise AssertionError(f"no disabledFeatures list in {package}: Playwright changed how it switches "
                         "features off; read its chromiumSwitches and update browser_support")


def test_our_disable_features_switch_keeps_every_feature_playwright_disables() -> None:
    # Chromium keeps only the last --disable-features switch, so ours replaces Playwright's.
    theirs = _installed_playwright_disabled_features()
    assert "PaintHolding" in theirs  # the parse found the real list
    missing = theirs - set(PLAYWRIGHT_DISABLED_FEATURES)
    assert not missing, f"add {sorted(missing)} to browser_support.PLAYWRIGHT_DISABLED_FEATURES"
    switches = [arg for arg in CHROMIUM_ARGS if arg.startswith("--disable-features=")]
    assert len(switches) == 1
    assert set(switches[0].split("=", 1)[1].split(",")) == theirs | set(PLAYWRIGHT_DISABLED_FEATURES) | set(
        UNUSED_WINDOW_FEATURES)
