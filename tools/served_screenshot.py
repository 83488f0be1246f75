"""Take the README's screenshot of the served studio: `coach serve` in Debian's Chromium, headless.

Run: ``.venv/bin/python tools/served_screenshot.py [OUT.png]`` (default: docs/served-studio.png).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_helpers import CATCH_TERMINAL, CHROMIUM, CHROMIUM_FLAGS, READ_SCREEN  # noqa: E402
from serve_process import coach_serve  # noqa: E402

PITCH = (
    "Hoi, ik ben Jan van Bakkerij Jansen. Wij bakken taarten voor bedrijfsfeesten.\n\n"
    "Deze week 20% korting op alle taarten! Bel me voor een vrijblijvende offerte.\n\n"
    "Ik ken trouwens een goede cateraar; zal ik je aan haar voorstellen?"
)


def wait_for(page, text: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while text not in (page.evaluate(READ_SCREEN) or ""):
        if time.monotonic() > deadline:
            raise SystemExit(f"the studio never showed {text!r}")
        time.sleep(0.2)


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "served-studio.png"
    with tempfile.TemporaryDirectory() as data, coach_serve(Path(data), "--mode", "pitch") as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.add_init_script(CATCH_TERMINAL)
            page.goto(server.url + "/")
            wait_for(page, "Scores appear as you type")
            page.click(".xterm-screen")
            for part in PITCH.split("\n"):
                page.keyboard.type(part, delay=3)
                page.keyboard.press("Enter")
            wait_for(page, "BLOCK")
            time.sleep(1.0)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
