"""The served studio in a real browser: Debian's Chromium, headless, driven by Playwright (no browser download)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_helpers import CATCH_TERMINAL, CHROMIUM, CHROMIUM_FLAGS, READ_SCREEN

if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` to run the browser test",
        allow_module_level=True,
    )
pytest.importorskip("textual_serve", reason="coach serve needs the serve extra: pip install -e '.[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (the test extra)")

from serve_process import coach_serve  # noqa: E402

import coach  # noqa: E402
from coach.report import Verdict  # noqa: E402

DUTCH_PITCH = (
    "Hoi, ik ben Jan van Bakkerij Jansen. Deze week 20% korting op alle taarten! "
    "Bel me voor een vrijblijvende offerte."
)

#: Seconds to wait for something to appear on the studio's screen (the engine loads in a few seconds).
SCREEN_TIMEOUT = 90.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with coach_serve(tmp_path_factory.mktemp("browser") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        # Playwright gives every launch a fresh, temporary --user-data-dir.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Visitor:
    """One browser profile (its own cookies) with the studio open in a tab."""

    def __init__(self, browser, url: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1400, "height": 800}, accept_downloads=True)
        self.hosts: set[str] = set()
        self.page = self.open_tab()

    def open_tab(self):
        page = self.context.new_page()
        page.add_init_script(CATCH_TERMINAL)
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).netloc))
        page.goto(self.url + "/")
        return page

    def screen(self, page=None) -> str:
        return (page or self.page).evaluate(READ_SCREEN) or ""

    def wait_for(self, *texts: str, page=None) -> str:
        deadline = time.monotonic() + SCREEN_TIMEOUT
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen(page)
            if all(text in shown for text in texts):
                return shown
            time.sleep(0.2)
        raise AssertionError(f"the studio never showed {texts!r}; the screen was:\n{shown}")

    def type(self, text: str, page=None) -> None:
        page = page or self.page
        page.click(".xterm-screen")
        page.keyboard.type(text, delay=5)

    def close(self) -> None:
        self.context.close()


def test_typed_dutch_pitch_shows_the_hard_sell_finding_and_block(server, browser, tmp_path: Path):
    expected = coach.analyze(DUTCH_PITCH, lang="auto", mode="message")
    assert expected.verdict is Verdict.BLOCK, "the test pitch must be one the engine blocks"
    worst = next(f for f in expected.findings if f.category.value == "hard-sell" and f.severity.value == "error")

    visitor = Visitor(browser, server.url)
    try:
        visitor.wait_for("Scores appear as you type")
        visitor.type(DUTCH_PITCH)
        shown = visitor.wait_for("BLOCK", "hard-sell", f"{worst.line}:{worst.column}")
        assert "lang nl (detected)" in shown
        # The first line of the finding's message, as the feedback panel wraps it.
        assert " ".join(worst.message.split()[:4]) in " ".join(shown.split())
        visitor.page.screenshot(path=str(tmp_path / "served-studio.png"))
        assert (tmp_path / "served-studio.png").stat().st_size > 10_000
        assert visitor.hosts == {urlsplit(server.url).netloc}, "the page loaded something from elsewhere"
    finally:
        visitor.close()


def test_save_downloads_the_text_to_the_browser(server, browser):
    visitor = Visitor(browser, server.url)
    try:
        visitor.wait_for("Scores appear as you type")
        visitor.type("Wat mooi dat je bakkerij groeit.")
        visitor.wait_for("no flags")
        with visitor.page.expect_download(timeout=SCREEN_TIMEOUT * 1000) as download_info:
            visitor.page.keyboard.press("Control+s")
        download = download_info.value
        assert download.suggested_filename == "message.txt"
        assert Path(download.path()).read_text(encoding="utf-8") == "Wat mooi dat je bakkerij groeit."
    finally:
        visitor.close()


def test_a_reloaded_tab_offers_its_draft_and_another_visitor_never_sees_it(server, browser):
    owner = Visitor(browser, server.url)
    stranger = None
    try:
        owner.wait_for("Scores appear as you type")
        owner.type("Mijn geheime pitch: 20% korting.")
        owner.wait_for("Mijn geheime pitch")
        owner.page.reload()
        owner.wait_for("Restore your draft?", "Mijn geheime pitch")
        # The owner's tab is back on the draft's decision; meanwhile the draft is on the server's disk.
        owner.page.close()
        stranger = Visitor(browser, server.url)
        shown = stranger.wait_for("Scores appear as you type")
        assert "Restore your draft?" not in shown and "geheime" not in shown
    finally:
        owner.close()
        if stranger is not None:
            stranger.close()
