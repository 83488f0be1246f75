"""The engine in a child process, so that spaCy never holds the studio's GIL while the user types.

spaCy's pipeline keeps the GIL for most of an analysis, so a thread alone would freeze keystrokes for
the length of each analysis. The child is started with ``python -m coach.tui.engine_process`` (not
multiprocessing, which would re-run ``coach.__main__`` in the child) and speaks pickled messages over
its standard input and output. This module must not import Textual: the child never needs it.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from coach.errors import CoachError
from coach.report import Report

#: Seconds to wait for the child to load its pipelines, and for one analysis.
READY_TIMEOUT = 180.0
ANALYSIS_TIMEOUT = 60.0


class EngineProcessError(CoachError):
    """The engine process failed to start, failed an analysis, or stopped."""


class EngineProcess:
    """``analyze`` like ``coach.Engine``, answered by a child process; one request at a time."""

    def __init__(self, extra_packs: Sequence[str | Path] = ()) -> None:
        # The child's stderr goes to a file: on the terminal it would scribble over the studio.
        self._log = tempfile.TemporaryFile(prefix="coach-engine-")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "coach.tui.engine_process", *[str(Path(p).resolve()) for p in extra_packs]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=_child_environment(),
        )
        self._lock = threading.Lock()
        self._ready = False

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the child has loaded its pipelines (seconds); raises EngineProcessError."""
        with self._lock:
            kind, payload = self._receive(timeout)
        if kind != "ready":
            raise EngineProcessError(str(payload))
        self._ready = True

    def analyze(self, text: str, *, mode: str = "message", lang: str = "auto", source: str = "-") -> Report:
        with self._lock:
            if not self._ready:
                raise EngineProcessError("the coach engine is not running")
            self._send((text, {"mode": str(getattr(mode, "value", mode)), "lang": lang, "source": source}))
            kind, payload = self._receive(ANALYSIS_TIMEOUT)
        if kind != "report":
            raise EngineProcessError(str(payload))
        return payload

    def close(self) -> None:
        """Stop the child; safe to call more than once."""
        was_ready, self._ready = self._ready, False
        process = self._process
        if process.poll() is None:
            try:
                process.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
            if not was_ready:
                # Still loading spaCy: it would only notice the closed input once loaded.
                process.terminate()
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, self._log):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def _send(self, message: Any) -> None:
        try:
            pickle.dump(message, self._process.stdin)  # type: ignore[arg-type]
            self._process.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError, ValueError):
            raise EngineProcessError(self._stopped()) from None

    def _receive(self, timeout: float) -> tuple[str, Any]:
        stdout = self._process.stdout
        assert stdout is not None
        readable, _, _ = select.select([stdout], [], [], timeout)
        if not readable:
            raise EngineProcessError(f"the coach engine did not answer within {timeout:.0f} s")
        try:
            return pickle.load(stdout)
        except (EOFError, pickle.UnpicklingError, OSError, ValueError):
            raise EngineProcessError(self._stopped()) from None

    def _stopped(self) -> str:
        try:
            self._log.seek(0)
            lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        except (OSError, ValueError):
            lines = []
        detail = f": {lines[-1].strip()}" if lines else ""
        return f"the coach engine stopped unexpectedly{detail}"

    def __enter__(self) -> EngineProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _child_environment() -> dict[str, str]:
    """Our environment, plus the folder this ``coach`` was imported from (it may not be installed)."""
    import coach

    package_root = str(Path(coach.__file__).resolve().parent.parent)
    environment = dict(os.environ)
    paths = [package_root, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return environment


def serve(requests: IO[bytes], replies: IO[bytes], extra_packs: Sequence[str]) -> None:
    """The child's loop: load the engine, then answer each (text, options) until input ends."""
    try:
        from coach import Engine

        engine = Engine(extra_packs)
        engine.warm_up()
    except Exception as error:  # reported to the studio, which keeps working without analysis
        _reply(replies, "failed", _describe(error))
        return
    _reply(replies, "ready", None)
    while True:
        try:
            text, options = pickle.load(requests)
        except EOFError:
            return
        try:
            _reply(replies, "report", engine.analyze(text, **options))
        except Exception as error:  # one bad text must not end the engine
            _reply(replies, "error", _describe(error))


def _reply(replies: IO[bytes], kind: str, payload: Any) -> None:
    pickle.dump((kind, payload), replies)
    replies.flush()


def _describe(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def main() -> None:
    # Keys like ctrl+c belong to the studio; a terminal hang-up ends the studio, which closes our input.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything printed by a library goes to stderr instead of corrupting the reply stream.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies, sys.argv[1:])


if __name__ == "__main__":
    main()
