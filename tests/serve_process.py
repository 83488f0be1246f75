"""Start `coach serve` as a user would, on a free port with its data in a test folder, and stop it afterwards."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Seconds for the server to print its address; it does so before any studio (and spaCy) starts.
START_TIMEOUT = 60.0


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen
    data_dir: Path
    error_log: tempfile.SpooledTemporaryFile

    def stderr(self) -> str:
        self.error_log.seek(0)
        return self.error_log.read().decode("utf-8", "replace")


@contextmanager
def coach_serve(data_dir: Path, *arguments: str) -> Iterator[RunningServer]:
    """``coach serve --port 0 ARGUMENTS``; yields once it prints the address, and stops it with SIGINT."""
    environment = dict(os.environ, COACH_DATA_DIR=str(data_dir))
    error_log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "serve", "--port", "0", *arguments],
        stdout=subprocess.PIPE, stderr=error_log, text=True, env=environment,
    )
    running = RunningServer(url="", process=process, data_dir=data_dir, error_log=error_log)
    try:
        line = _first_line(process)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match, f"coach serve printed no address: {line!r}; stderr: {running.stderr()}"
        running.url = match.group(1)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()


def _first_line(process: subprocess.Popen) -> str:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            return process.stdout.readline()
        if process.poll() is not None:
            return ""
    return ""
