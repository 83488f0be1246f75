"""Benchmark ``coach screen``: messages per second with --jobs 1 and 2, and peak memory on a big mbox.

Generates synthetic ~120-word messages (Dutch and English, some with hard-sell or recruiting
lines) in a temporary folder, runs ``coach screen`` on them as an organiser would, and prints
the figures. Nothing generated is kept unless --keep is given.

    python benchmarks/screen_bench.py                      # 20,000 messages, 64 MB mbox
    python benchmarks/screen_bench.py --mbox-mb 1024       # the 1 GB memory check
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
#: Set from --rules-dir: the rule packs the screened runs use.
RULES_DIR: str | None = None

_NL = [
    "Wat fijn dat we elkaar donderdag bij het ontbijt spraken.",
    "Ik werk als zelfstandig fotograaf en help kleine bedrijven met beeld voor hun website.",
    "Vorige maand hebben we samen met de bakker op de hoek een buurtactie opgezet.",
    "Als je nog iemand zoekt voor je verbouwing, ken ik een goede aannemer.",
    "Mijn dochter begint volgend jaar aan haar studie in Utrecht.",
    "We zoeken nog vrijwilligers voor de opruimdag in het park.",
    "Het was leuk om te horen hoe jullie het nieuwe kantoor hebben ingericht.",
    "Zullen we binnenkort een kop koffie drinken om verder te praten?",
    "Ik heb een artikel gelezen over duurzaam ondernemen dat je misschien interesseert.",
    "Laat maar weten waar ik je mee kan helpen.",
    "De presentatie over boekhouden voor starters was erg leerzaam.",
    "Volgende week ben ik op vakantie, daarna ben ik weer bereikbaar.",
]
_EN = [
    "It was great to meet you at the breakfast on Thursday.",
    "I run a small design studio and mostly work with local shops.",
    "Last month we organised a neighbourhood clean-up with the bakery next door.",
    "If you are still looking for a plumber, I know someone reliable.",
    "My son starts university in Leeds next autumn.",
    "We are still looking for volunteers for the charity run in May.",
    "I enjoyed hearing how you set up the new office.",
    "Shall we grab a coffee soon and continue the conversation?",
    "I read an article on sustainable business that you might like.",
    "Let me know if there is anything I can help with.",
    "The talk about bookkeeping for starters was really useful.",
    "I am away next week, after that I am back in the office.",
]
_FLAGGED = [
    "Alleen deze week 20% korting op al mijn pakketten!",
    "Word lid van onze netwerkclub, het kost maar 99 euro per maand.",
    "Limited offer for members: book a demo today.",
    "Join our paid mastermind and get ten warm leads every week.",
]


def message_text(rng: random.Random, words: int = 120) -> str:
    pool = _NL if rng.random() < 0.5 else _EN
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(_FLAGGED) if rng.random() < 0.03 else rng.choice(pool)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def write_jsonl(path: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"m{i}", "author": f"member{rng.randrange(650)}@example.nl",
                                  "text": message_text(rng)}) + "\n")


def write_mbox(path: Path, megabytes: int, seed: int = 2) -> int:
    """A mailbox of about ``megabytes`` MB: mostly text mails, one in 40 with a 400 kB attachment."""
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    attachment = "\n".join(
        "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(76))
        for _ in range(64)
    )
    attachment = "\n".join([attachment] * 84)  # ~400 kB of base64
    written = 0
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while written < target:
            sender = f"member{rng.randrange(650)}@example.nl"
            body = message_text(rng)
            headers = (f"From {sender} Mon Jun  3 08:00:00 2024\nFrom: {sender}\nTo: leden@example.nl\n"
                       f"Subject: Bericht {count}\nMessage-ID: <m{count}@example.nl>\n"
                       "Date: Mon, 3 Jun 2024 08:00:00 +0200\nMIME-Version: 1.0\n")
            if count % 40 == 39:
                mail = (headers + 'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
                        "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n--b\n"
                        "Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"flyer.pdf\"\n"
                        "Content-Transfer-Encoding: base64\n\n" + attachment + "\n--b--\n\n")
            else:
                mail = headers + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n\n"
            out.write(mail)
            written += len(mail.encode())
            count += 1
    return count


def _tree_memory(root_pid: int) -> tuple[int, int, int]:
    """(RSS of the main process, RSS summed over the tree, PSS summed over the tree) in bytes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    pids, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    main_rss = total_rss = total_pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                fields = dict(
                    (line.split(":")[0], int(line.split()[1]) * 1024)
                    for line in handle if line.split(":")[0] in ("Rss", "Pss")
                )
        except OSError:
            continue
        total_rss += fields.get("Rss", 0)
        total_pss += fields.get("Pss", 0)
        if pid == root_pid:
            main_rss = fields.get("Rss", 0)
    return main_rss, total_rss, total_pss


def run_screen(inputs: list[Path], jobs: int, report: Path) -> dict:
    command = [sys.executable, "-m", "coach", "screen", *map(str, inputs), "--jobs", str(jobs),
               "--report", str(report), "--quiet", "--list", "none"]
    started = time.monotonic()
    env = dict(os.environ)
    if RULES_DIR:
        env["COACH_RULES_DIR"] = RULES_DIR
    process = subprocess.Popen(command, cwd=tempfile.gettempdir(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    peaks = [0, 0, 0]
    timeline: list[int] = []  # PSS of the whole tree, every 0.1 s
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            values = _tree_memory(process.pid)
            for i, value in enumerate(values):
                peaks[i] = max(peaks[i], value)
            timeline.append(values[2])
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.start()
    stdout, stderr = process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    wall = time.monotonic() - started
    match = re.search(r"Time: ([\d.]+) s \(([\d,]+) messages/s\)", stdout)
    messages = re.search(r"Screened: ([\d,]+) messages", stdout)
    if process.returncode not in (0, 1) or not match:
        raise SystemExit(f"coach screen failed ({process.returncode}):\n{stdout}\n{stderr}")
    return {
        "messages": int(messages.group(1).replace(",", "")) if messages else 0,
        "screen_seconds": float(match.group(1)),
        "rate": int(match.group(2).replace(",", "")),
        "wall_seconds": wall,
        # CPU of coach and its workers, start-up included: unlike the rate, not skewed by
        # other programs competing for the cores.
        "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_main_rss": peaks[0], "peak_tree_rss": peaks[1], "peak_tree_pss": peaks[2],
        # Flat memory: the tree's PSS a quarter, half and three quarters through the run.
        "pss_quarters": [timeline[min(len(timeline) - 1, len(timeline) * q // 4)] for q in (1, 2, 3)]
        if timeline else [],
    }


def _mb(value: int) -> str:
    return f"{value / 1048576:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000, help="messages for the speed runs (default 20000)")
    parser.add_argument("--mbox-mb", type=int, default=64, help="size of the mbox for the memory run (default 64; the target is stated for 1024)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time (default 1,2)")
    parser.add_argument("--only", choices=("speed", "memory"), help="run only the speed or the memory part")
    parser.add_argument("--rules-dir", metavar="DIR",
                        help="screen with the rule packs in DIR (COACH_RULES_DIR) instead of rules/, "
                             "to tell the engine's share of the time from the rest")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (and reuse what is there)")
    args = parser.parse_args()
    global RULES_DIR
    RULES_DIR = str(Path(args.rules_dir).resolve()) if args.rules_dir else None
    if RULES_DIR:
        print(f"Rule packs from {RULES_DIR}")

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="coach-screen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.only != "memory":
            speed(args, workdir)
        if args.only != "speed":
            memory(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def speed(args: argparse.Namespace, workdir: Path) -> None:
    jsonl = workdir / f"messages-{args.messages}.jsonl"
    if not jsonl.exists():
        write_jsonl(jsonl, args.messages)
    empty = workdir / "empty.jsonl"
    empty.write_text("")
    print(f"Speed: {args.messages:,} synthetic ~120-word messages (JSONL), {os.cpu_count()} CPUs, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    for jobs in [int(j) for j in args.jobs.split(",")]:
        startup = run_screen([empty], jobs, workdir / "report-empty.jsonl")
        result = run_screen([jsonl], jobs, workdir / f"report-{jobs}.jsonl")
        cpu_ms = 1000 * (result["cpu_seconds"] - startup["cpu_seconds"]) / max(result["messages"], 1)
        print(f"  --jobs {jobs}: CPU {cpu_ms:.2f} ms per message (all processes, start-up excluded), "
              f"so at most {1000 * jobs / cpu_ms:,.0f} messages/s on {jobs} free core(s)")
        print(f"  --jobs {jobs}: {result['rate']:>6,} messages/s  "
              f"({result['messages']:,} in {result['screen_seconds']:.1f} s screening, "
              f"{result['wall_seconds']:.1f} s with start-up; peak RSS main {_mb(result['peak_main_rss'])}, "
              f"all processes {_mb(result['peak_tree_rss'])}, PSS {_mb(result['peak_tree_pss'])})")


def memory(args: argparse.Namespace, workdir: Path) -> None:
    mbox = workdir / f"big-{args.mbox_mb}mb.mbox"
    if not mbox.exists():
        started = time.monotonic()
        count = write_mbox(mbox, args.mbox_mb)
        print(f"Memory: generated {mbox.stat().st_size / 1048576:,.0f} MB mbox with {count:,} mails "
              f"in {time.monotonic() - started:.0f} s")
    jobs = max(int(j) for j in args.jobs.split(","))
    empty = workdir / "empty.mbox"
    empty.write_text("")
    startup = run_screen([empty], jobs, workdir / "report-empty.jsonl")
    result = run_screen([mbox], jobs, workdir / "report-mbox.jsonl")
    cpu_ms = 1000 * (result["cpu_seconds"] - startup["cpu_seconds"]) / max(result["messages"], 1)
    print(f"  mbox: CPU {cpu_ms:.2f} ms per mail (all processes, start-up excluded), so at most "
          f"{1000 * jobs / cpu_ms:,.0f} mails/s on {jobs} free cores")
    print(f"  mbox --jobs {jobs}: {result['messages']:,} mails, {result['rate']:,} messages/s; "
          f"peak RSS: main process {_mb(result['peak_main_rss'])}, all processes "
          f"{_mb(result['peak_tree_rss'])} (PSS, shared pages counted once: {_mb(result['peak_tree_pss'])})")
    print("  PSS of all processes at 1/4, 1/2 and 3/4 of the run: "
          + ", ".join(_mb(v) for v in result["pss_quarters"]))


if __name__ == "__main__":
    sys.exit(main())
