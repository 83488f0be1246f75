"""Editor and browser shells: keystroke-to-diagnostic latency over LSP, and memory per browser session of `coach serve`.

Run: ``.venv/bin/python benchmarks/lsp_serve_bench.py [--keystrokes N] [--sessions N]``. Prints figures;
asserts nothing. The serve part drives Debian's Chromium (``/usr/bin/chromium``) headless with Playwright
and is skipped, with a note, when either is missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from studio_bench import three_hundred_words  # noqa: E402  (the same 300-word Dutch draft)

from browser_helpers import CHROMIUM  # noqa: E402


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


# -- LSP ----------------------------------------------------------------------------------------


def measure_lsp(keystrokes: int, debounce_ms: int | None) -> dict[str, object]:
    """Type ``keystrokes`` characters at the end of a 300-word draft, one at a time, and time each diagnostic."""
    from lsp_client import LspClient

    text = three_hundred_words()
    client = LspClient()
    try:
        options = {} if debounce_ms is None else {"debounceMs": debounce_ms}
        started = time.perf_counter()
        client.initialize(options=options)
        uri = Path(tempfile.gettempdir(), "coach-bench-draft.txt").as_uri()
        client.notify("textDocument/didOpen", {
            "textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text},
        })
        diagnostics = client.diagnostics(uri, version=1)
        first = time.perf_counter() - started
        lines = text.split("\n")
        line, character = len(lines) - 1, len(lines[-1])
        latencies = []
        for index in range(keystrokes):
            char = " Wat denk jij?"[index % 14]
            version = 2 + index
            sent = time.perf_counter()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                              "end": {"line": line, "character": character}}, "text": char}],
            })
            client.diagnostics(uri, version=version)
            latencies.append(time.perf_counter() - sent)
            character += 1
        client.shutdown()
    finally:
        client.close()
    return {"words": len(text.split()), "findings": len(diagnostics), "first": first, "latencies": sorted(latencies)}


# -- serve --------------------------------------------------------------------------------------


def process_tree(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """(PSS, RSS) summed over the processes, in kB: PSS counts shared pages once across them."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def settled_memory(root_pid: int, limit: float = 120.0) -> tuple[int, int]:
    """The tree's memory once two readings a second apart differ by less than 1 MB."""
    deadline = time.monotonic() + limit
    previous = memory_kb(process_tree(root_pid))
    while time.monotonic() < deadline:
        time.sleep(1.0)
        current = memory_kb(process_tree(root_pid))
        if abs(current[0] - previous[0]) < 1024:
            return current
        previous = current
    return previous


def measure_serve(sessions: int) -> dict[str, object] | str:
    if not CHROMIUM.exists():
        return f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: playwright is not installed (pip install -e '.[test]')"
    from serve_process import coach_serve
    from browser_helpers import CATCH_TERMINAL, CHROMIUM_FLAGS, READ_SCREEN

    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as data, coach_serve(Path(data), "--max-sessions", str(sessions + 1)) as server:
        # The shared engine loads its pipelines after the server starts: wait until memory stops growing.
        figures["idle"] = settled_memory(server.process.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
            steps = []
            for _ in range(sessions):
                page = browser.new_context(viewport={"width": 1400, "height": 800}).new_page()
                page.add_init_script(CATCH_TERMINAL)
                page.goto(server.url + "/")
                deadline = time.monotonic() + 120
                while "Scores appear as you type" not in (page.evaluate(READ_SCREEN) or ""):
                    if time.monotonic() > deadline:
                        raise SystemExit("a served studio never became ready")
                    time.sleep(0.2)
                steps.append(settled_memory(server.process.pid))
            figures["steps"] = steps
            figures["processes"] = len(process_tree(server.process.pid))
            browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keystrokes", type=int, default=40, help="keystrokes typed over LSP (default: 40)")
    parser.add_argument("--sessions", type=int, default=3, help="browser sessions opened on coach serve (default: 3)")
    args = parser.parse_args()

    print("LSP and serve benchmark")
    print("=======================")
    for label, debounce in (("default debounce", None), ("no debounce (analysis + transport only)", 0)):
        figures = measure_lsp(args.keystrokes, debounce)
        latencies = figures["latencies"]
        print(f"coach lsp, {figures['words']}-word draft, {figures['findings']} diagnostics, {label}:")
        print(f"  start to first diagnostics    {milliseconds(figures['first'])} (engine build included)")
        print(f"  keystroke to diagnostic median {milliseconds(statistics.median(latencies))}")
        print(f"  keystroke to diagnostic p90    {milliseconds(latencies[int(0.9 * (len(latencies) - 1))])}")
        print(f"  keystroke to diagnostic max    {milliseconds(latencies[-1])}")
    print()
    served = measure_serve(args.sessions)
    if isinstance(served, str):
        print(f"coach serve memory: {served}")
        return
    idle_pss, idle_rss = served["idle"]
    print(f"coach serve, memory of the server's process tree (PSS: shared pages counted once):")
    print(f"  server alone                  {idle_pss / 1024:7.0f} MB PSS  ({idle_rss / 1024:.0f} MB RSS)")
    previous = idle_pss
    for index, (pss, rss) in enumerate(served["steps"], start=1):
        print(f"  with {index} browser session{'s' if index > 1 else ' '}      {pss / 1024:7.0f} MB PSS  "
              f"({rss / 1024:.0f} MB RSS)  +{(pss - previous) / 1024:.0f} MB")
        previous = pss
    per_session = (served["steps"][-1][0] - idle_pss) / len(served["steps"]) / 1024
    print(f"  per browser session (mean)    {per_session:7.0f} MB PSS (its studio process; the engine is shared)")
    print(f"  processes with {len(served['steps'])} sessions      {served['processes']}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
