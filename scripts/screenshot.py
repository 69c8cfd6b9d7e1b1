"""Screenshots of the demo for the documentation: a busy case page and the triage queue.

Against a running demo server (``lantern demo`` then ``lantern runserver``), sign in as a hub
practitioner through the login page and save PNGs to docs/images/: the case page (a
1280x1900 window) and the triage queue (1280x1000) as a window shows them, and a pair in the
review queue whole. Uses Debian's Chromium through Playwright, which never downloads a browser.

    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000

The case shown is, by default, the oldest open case: in the demo that is the heavy case (its
chronology has about 300 events; ``lantern demo`` opens it 800 days back). ``--pick first``
takes the first (newest) case in the list instead, ``--case 42`` a given one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "northwick-demo"  # noqa: S105 - the public demo password `lantern demo` prints


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"Could not sign in as {username}: check the demo is loaded")
    if "/accounts/two-factor/" in page.url:
        raise SystemExit("The server asks for a second factor: run it with LANTERN_DEMO=1")
    if "/accounts/role/" in page.url:  # several memberships: act as the first one listed
        page.locator("input[name=membership]").first.check()
        page.get_by_role("button", name="Continue").click()


def case_url(page: Page, base: str, pick: str) -> str:
    """A case from the open cases list (newest first): the first, or the oldest."""
    # A page number past the end is served as the last page.
    page.goto(f"{base}/cases/?status=open" + ("&page=100000" if pick == "oldest" else ""))
    links = page.locator("main table a[href*='/cases/']")
    if links.count() == 0:
        raise SystemExit("No open case is listed at /cases/: load the demo with `lantern demo`")
    href = (links.last if pick == "oldest" else links.first).get_attribute("href") or ""
    return href if href.startswith("http") else f"{base}{href}"


def shoot(page: Page, url: str, path: Path, *, full_page: bool = False, height: int = 1000) -> None:
    """What a person sees on opening the page (a window ``height`` high), or the whole page."""
    page.set_viewport_size(
        {"width": page.viewport_size["width"] if page.viewport_size else 1280, "height": height}
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  <-  {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the demo server")
    parser.add_argument("--username", default="hub.practitioner")
    parser.add_argument(
        "--password", default=os.environ.get("LANTERN_DEMO_PASSWORD", DEMO_PASSWORD)
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument(
        "--chromium", default=os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium")
    )
    parser.add_argument(
        "--pick",
        choices=["oldest", "first"],
        default="oldest",
        help="which open case to show: the oldest (the demo's heavy case) "
        "or the first listed (the newest)",
    )
    parser.add_argument("--case", type=int, help="show this case (its number) instead")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")

    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error on {message.location.get('url', '')}: {message.text}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": args.width, "height": 1000}, locale="en-GB"
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
        sign_in(page, base, args.username, args.password)
        case = f"{base}/cases/{args.case}/" if args.case else case_url(page, base, args.pick)
        # Tall enough for the level over time and the first chronology entries.
        shoot(page, case, args.out / "case-page.png", height=1900)
        print(f"  {page.locator('#chronology > p').first.inner_text()}")
        shoot(page, f"{base}/referrals/triage/", args.out / "triage.png")
        page.goto(f"{base}/linkage/review/")
        pairs = page.locator("main a[href*='/linkage/review/']").filter(has_text="L-")
        if pairs.count():
            href = pairs.first.get_attribute("href") or ""
            shoot(page, f"{base}{href}", args.out / "review-pair.png", full_page=True)
        browser.close()

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
