"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright is never asked to download a browser; the system Chromium is launched instead.

Every page the tests visit is checked with axe-core (vendored in ``vendor/axe.min.js`` by
``scripts/vendor-frontend.sh``) against WCAG 2.2 A and AA and axe's best practices: each
document once it has loaded, the page again at each screenshot (so states drawn by htmx are
checked too) and at the end. A test with any violation fails, listing each rule, its impact
and the elements it found. The engine is added as an init script through the DevTools
protocol, so the strict Content-Security-Policy stays in force for the page's own scripts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

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
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA; and axe's best practices (landmarks, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# One run at a time: a check on load and one at a screenshot may overlap, and axe refuses
# to start while another run is going.
#
# One known exception, and only it: GOV.UK Frontend's conditional reveal sets
# ``aria-expanded`` on a radio that controls revealed content, which ARIA 1.2 does not list
# for radios. GOV.UK keeps it on purpose (screen readers announce it; alphagov/govuk-frontend
# issue 979, a documented known issue), so a node of ``aria-allowed-attr`` is left out when
# it is such a radio and ``aria-expanded`` is the only attribute found; anything else stays.
AXE_RUN = """async (tags) => {
  const previous = window.__lanternAxe || Promise.resolve();
  const run = previous.catch(() => null).then(
    () => axe.run(document, {runOnly: {type: 'tag', values: tags}}));
  window.__lanternAxe = run;
  const result = await run;
  const govukReveal = (v, n) => {
    if (v.id !== 'aria-allowed-attr' || n.target.length !== 1) return false;
    const el = document.querySelector(n.target[0]);
    if (!el || !el.matches('input.govuk-radios__input[type=radio][aria-controls]')) return false;
    const found = [...n.any, ...n.all, ...n.none]
      .filter(c => c.id === 'aria-allowed-attr')
      .flatMap(c => (c.data && c.data.values) || []);
    return found.length > 0 && found.every(a => String(a).startsWith('aria-expanded'));
  };
  return result.violations
    .map(v => ({...v, nodes: v.nodes.filter(n => !govukReveal(v, n))}))
    .filter(v => v.nodes.length)
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
    }));
}"""


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
    """What the page said that a person would not see: console errors and dialogs; and what
    axe-core found on each page (one line per rule and page)."""

    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    pages_checked: int = 0

    def check_accessibility(self, page: Page) -> None:
        """Run axe-core on the page as it is now; record each violation."""
        if page.is_closed() or not page.url.startswith("http"):
            return
        try:
            page.wait_for_load_state("load")
            violations = page.evaluate(AXE_RUN, AXE_TAGS)
        except PlaywrightError as error:
            if "context was destroyed" in str(error) or "closed" in str(error):
                return  # the page navigated on; the next one is checked when it loads
            raise
        self.pages_checked += 1
        path = urlsplit(page.url).path
        for v in violations:
            targets = ", ".join(v["targets"][:5])
            line = f"{path}: {v['id']} ({v['impact']}) {v['help']} — {targets}"
            if line not in self.accessibility:
                self.accessibility.append(line)

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
    new_page.add_init_script(path=str(AXE))
    new_page.on("load", watch.check_accessibility)
    yield new_page
    was_open = not new_page.is_closed()
    watch.check_accessibility(new_page)
    context.close()
    if was_open and new_page.url.startswith("http") and watch.pages_checked == 0:
        pytest.fail("axe-core checked no page: is tests/browser/vendor/axe.min.js there?")
    if watch.accessibility:
        pytest.fail(
            "axe-core found accessibility violations (WCAG 2.2 A/AA and best practice):\n"
            + "\n".join(watch.accessibility),
            pytrace=False,
        )


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
        """A full-page screenshot for people to look at (never asserted); and an axe check."""
        watch.check_accessibility(page)
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return Walk(page=page, base=live_server.url, watch=watch, shot=shot)
