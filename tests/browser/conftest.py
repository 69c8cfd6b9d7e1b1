"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright is never asked to download a browser; the system Chromium is launched instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

CHROMIUM = Path(os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Password of every user made by tests.factories.UserFactory (the ``partnership`` fixture).
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    # Playwright's sync API keeps an asyncio loop marked as running in this thread while it is
    # started, so Django's async-unsafe guard would refuse the ORM calls that fixtures make in
    # the test thread. Switched off only while the browser runs, not for the rest of the suite.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@dataclass
class PageWatch:
    """What the page said that a person would not see: console errors and dialogs."""

    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_page_error(self, error: Any) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(browser: Browser, watch: PageWatch) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    new_page.on("console", watch.on_console)
    new_page.on("pageerror", watch.on_page_error)
    new_page.on("dialog", watch.on_dialog)
    yield new_page
    context.close()


@dataclass
class Walk:
    """One browser page on the live server, what it logged, and screenshots for people."""

    page: Page
    base: str
    watch: PageWatch
    shot: Callable[[str], None]

    def goto(self, path: str) -> Any:
        return self.page.goto(f"{self.base}{path}")


@pytest.fixture
def walk(live_server: Any, page: Page, watch: PageWatch, request: pytest.FixtureRequest) -> Walk:
    folder = request.config.rootpath / "test-results" / "browser" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def shot(name: str) -> None:
        """A full-page screenshot for people to look at; never asserted."""
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return Walk(page=page, base=live_server.url, watch=watch, shot=shot)
