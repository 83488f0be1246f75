"""Studio speed: time to first paint, and keystroke-to-feedback latency on a 300-word text.

Run: ``.venv/bin/python benchmarks/studio_bench.py [--keystrokes N]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Sentences of a Dutch networking message, some pushy; cycled until the text has 300 words.
SENTENCES = [
    "Leuk je gisteren te spreken op de ondernemersborrel in Utrecht.",
    "Ik help kleine bedrijven met hun administratie zodat ze meer tijd overhouden voor klanten.",
    "Bel me voor een vrijblijvende offerte, deze week 20% korting op alle pakketten!",
    "Wat is voor jou op dit moment de grootste uitdaging in je bedrijf?",
    "Ik ken iemand die precies zoekt wat jij doet en stel je graag aan haar voor.",
    "Word ook lid van onze club, dan krijg je meteen toegang tot honderden klanten.",
    "Zullen we volgende week een kop koffie drinken om elkaar beter te leren kennen?",
    "Ik zou het fijn vinden als je mij aanbeveelt bij je netwerk.",
]


#: Seconds before a wait is reported as a failure instead of hanging the benchmark.
WAIT_LIMIT = 60.0


def three_hundred_words() -> str:
    words: list[str] = []
    sentences: list[str] = []
    index = 0
    while len(words) < 300:
        sentence = SENTENCES[index % len(SENTENCES)]
        sentences.append(sentence)
        words += sentence.split()
        index += 1
        if index % 4 == 0:
            sentences.append("\n\n")
    return " ".join(sentences).replace(" \n\n ", "\n\n")


# -- time to first paint ----------------------------------------------------------------------

#: Run in a fresh interpreter: starts the studio headless and prints when its first frame is drawn.
FIRST_PAINT_CHILD = r"""
import sys, time
started = float(sys.argv[1])
from coach.tui.app import StudioApp
imported = time.time()

async def auto_pilot(pilot):
    app = pilot.app
    while not app.studio.is_mounted:
        await pilot.pause(0.001)
    await pilot.pause()
    painted = time.time()
    state = str(app.screen.query_one("#status-state").render())
    while app.engine is None:
        await pilot.pause(0.01)
        if time.time() - painted > 120:
            app.exit((imported, painted, float("nan"), "engine never loaded: " + str(app.screen.query_one("#status-state").render())))
            return
    ready = time.time()
    app.exit((imported, painted, ready, state))

imported_at, painted, ready, state = StudioApp().run(headless=True, size=(100, 30), auto_pilot=auto_pilot)
print(f"{imported_at - started:.4f} {painted - started:.4f} {ready - started:.4f} {state}")
"""


def measure_first_paint(runs: int) -> list[tuple[float, float, float, str]]:
    results = []
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, COACH_DATA_DIR=data_dir)
        for _ in range(runs):
            started = time.time()
            try:
                child = subprocess.run(
                    [sys.executable, "-c", FIRST_PAINT_CHILD, repr(started)],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=WAIT_LIMIT * 3,
                )
            except subprocess.TimeoutExpired:
                raise SystemExit("studio_bench: the studio did not start and load its engine in time") from None
            if child.returncode != 0:
                raise SystemExit(f"studio_bench: the studio failed to start:\n{child.stderr[-2000:]}")
            output = child.stdout.split(maxsplit=3)
            results.append((float(output[0]), float(output[1]), float(output[2]), output[3].strip()))
    return results


# -- keystroke to feedback --------------------------------------------------------------------


async def measure_latency(keystrokes: int) -> dict[str, object]:
    from textual import events

    from coach import Engine
    from coach.tui.app import StudioApp
    from coach.tui.widgets.editor import Editor

    engine = Engine()
    engine.warm_up()
    text = three_hundred_words()
    analysis_times = []
    for _ in range(5):
        start = time.perf_counter()
        report = engine.analyze(text)
        analysis_times.append(time.perf_counter() - start)

    applied: list[float] = []
    handler_times: list[float] = []
    original_changed = Editor.on_text_area_changed

    def timed_changed(self, event):
        start = time.perf_counter()
        original_changed(self, event)
        handler_times.append(time.perf_counter() - start)

    # Textual looks handlers up on the class, so the timing wrapper goes there.
    Editor.on_text_area_changed = timed_changed

    # UI-thread work per analysis result: marks, feedback list and scoreboard.
    result_times: list[float] = []
    from coach.tui.widgets.feedback import FeedbackPanel
    from coach.tui.widgets.scoreboard import Scoreboard

    for cls, name in ((Editor, "_set_marks"), (FeedbackPanel, "show_report"), (Scoreboard, "show_report")):
        original = getattr(cls, name)

        def timed(self, *args, _original=original, **kwargs):
            start = time.perf_counter()
            _original(self, *args, **kwargs)
            result_times.append(time.perf_counter() - start)

        setattr(cls, name, timed)
    with tempfile.TemporaryDirectory() as data_dir:
        # The default engine: a child process, as `coach studio` runs it.
        app = StudioApp(data_dir=Path(data_dir))
        async with app.run_test(size=(100, 30)) as pilot:
            give_up = time.perf_counter() + WAIT_LIMIT
            while not app.studio.is_mounted or app.engine is None:
                await pilot.pause(0.01)
                if time.perf_counter() > give_up:
                    state = app.screen.query_one("#status-state").render() if app.studio.is_mounted else "?"
                    raise SystemExit(f"studio_bench: the engine did not start within {WAIT_LIMIT:.0f} s ({state})")
            editor = app.studio.editor
            original_done = editor._analysis_done

            def timed_done(report, analysed_text, generation):
                original_done(report, analysed_text, generation)
                if editor.report is report:
                    applied.append(time.perf_counter())

            editor._analysis_done = timed_done

            async def wait_for_feedback(count: int) -> None:
                give_up = time.perf_counter() + WAIT_LIMIT
                while len(applied) < count or editor.analysis_pending:
                    await pilot.pause(0.001)
                    if time.perf_counter() > give_up:
                        state = app.screen.query_one("#status-state").render()
                        raise SystemExit(f"studio_bench: no feedback within {WAIT_LIMIT:.0f} s ({state})")

            paste_start = time.perf_counter()
            app.post_message(events.Paste(text))
            await wait_for_feedback(len(applied) + 1)
            paste_latency = applied[-1] - paste_start
            findings = len(editor.report.findings)

            await pilot.press("end")
            latencies = []
            for number in range(keystrokes):
                expected = len(applied) + 1
                start = time.perf_counter()
                await pilot.press("x" if number % 2 == 0 else "backspace")
                await wait_for_feedback(expected)
                latencies.append(applied[-1] - start)
                await pilot.pause(0.05)
            debounce = editor.debounce

            # Keystrokes while an analysis runs in its thread: time until each shows in the editor.
            echo_times = []
            for number in range(keystrokes):
                editor.request_analysis(immediately=True)
                length = len(editor.text)
                start = time.perf_counter()
                app._driver.send_message(events.Key("y", "y"))
                while len(editor.text) == length:
                    await asyncio.sleep(0.0005)
                    if time.perf_counter() - start > WAIT_LIMIT:
                        raise SystemExit("studio_bench: a keystroke never reached the editor")
                echo_times.append(time.perf_counter() - start)
                await wait_for_feedback(len(applied))
                await pilot.pause(0.05)
    return {
        "words": len(text.split()),
        "findings": findings,
        "analysis": analysis_times,
        "paste": paste_latency,
        "latencies": latencies,
        "handler": handler_times,
        "debounce": debounce,
        "echo": echo_times,
        "results": result_times,
        "report_words": report.scores.words,
    }


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keystrokes", type=int, default=20, help="keystrokes to time (default 20)")
    parser.add_argument("--paint-runs", type=int, default=3, help="fresh processes to start (default 3)")
    args = parser.parse_args()

    print("Studio benchmark")
    print("================")
    paints = measure_first_paint(args.paint_runs)
    print(f"Time to first paint, fresh process, 100x30 (median of {len(paints)}):")
    print(f"  imports done (coach.tui.app)  {milliseconds(statistics.median(p[0] for p in paints))}")
    print(f"  first frame drawn             {milliseconds(statistics.median(p[1] for p in paints))}")
    print(f"  engine loaded (spaCy, nl+en)  {milliseconds(statistics.median(p[2] for p in paints))}")
    print(f"  status at first frame: {paints[0][3]!r}")

    figures = asyncio.run(measure_latency(args.keystrokes))
    latencies = sorted(figures["latencies"])
    print(f"Keystroke to feedback, {figures['words']}-word text, {figures['findings']} findings:")
    print(f"  engine.analyze alone (median) {milliseconds(statistics.median(figures['analysis']))}")
    print(f"  debounce                      {milliseconds(figures['debounce'])}")
    print(f"  paste to feedback             {milliseconds(figures['paste'])}")
    print(f"  keystroke to feedback median  {milliseconds(statistics.median(latencies))}")
    print(f"  keystroke to feedback p90     {milliseconds(latencies[int(0.9 * (len(latencies) - 1))])}")
    print(f"  keystroke to feedback max     {milliseconds(latencies[-1])}")
    echo = sorted(figures["echo"])
    print(f"  keystroke echo during analysis {milliseconds(statistics.median(echo))} median, "
          f"{milliseconds(echo[-1]).strip()} max")
    results = sorted(figures["results"])
    print(f"  UI-thread work per result      {milliseconds(statistics.median(results))} median per step "
          f"(marks, list, scores), {milliseconds(results[-1]).strip()} max")
    handler = sorted(figures["handler"])
    print(f"  UI-thread work per keystroke  {milliseconds(statistics.median(handler))} median, "
          f"{milliseconds(handler[-1]).strip()} max")


if __name__ == "__main__":
    main()
