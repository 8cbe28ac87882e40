"""Headless Chromium for the browser tests and the map benchmark, with every network request blocked."""
from __future__ import annotations

import os
import shutil

import pytest

# Flags measured to work for root in a container (NOTES.md); the last two send every
# request to a closed port and make every host name unresolvable.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1400,900",
    "--lang=zh-CN",
)


def chromium_available() -> str | None:
    """Why the browser tests cannot run, or None when Chromium and chromedriver are there."""
    for exe in ("chromium", "chromedriver"):
        if shutil.which(exe) is None:
            return f"{exe} not found on PATH (Debian: apt-get install chromium chromium-driver fonts-noto-cjk)"
    return None


def start_chromium():
    """A headless ``selenium.webdriver.Chrome`` with :data:`CHROMIUM_FLAGS`."""
    # imported here so that test modules using the fixture load without selenium
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="module")
def browser():
    """One Chromium session per test module; skipped (failed in CI) when Chromium is missing.

    Import it into a test module (``from browser import browser``) to use it there.
    """
    why = chromium_available()
    if why:
        # CI sets GRAPHGOV_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping
        if os.environ.get("GRAPHGOV_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    driver = start_chromium()
    yield driver
    driver.quit()
