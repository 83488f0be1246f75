"""One engine for every tab of ``coach serve``: a process that answers analyses over a Unix socket.

Each studio would otherwise start its own engine process with its own spaCy pipelines (about 180 MB
and seconds of CPU per browser tab). Requests and answers are JSON lines, a Report as its documented
JSON; analyses run one at a time (spaCy pipelines are not shared between threads), which is ample:
a 300-word text takes a few milliseconds. The socket lives in a private (0700) folder, so only the
user running ``coach serve`` can reach it. This module must not import Textual.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from coach.errors import CoachError
from coach.report import Report

#: Seconds a studio waits for the shared engine to load its pipelines, and for one analysis.
READY_TIMEOUT = 180.0
ANALYSIS_TIMEOUT = 60.0


class SharedEngineError(CoachError):
    """The shared engine is not running, stopped, or failed an analysis."""


# -- the service --------------------------------------------------------------------------------


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        service: _Service = self.server  # type: ignore[assignment]
        for line in self.rfile:
            try:
                request = json.loads(line)
                if service.failure is not None:
                    raise SharedEngineError(service.failure)
                if request.get("ping"):
                    self._answer({"ready": True})
                    continue
                with service.lock:
                    report = service.engine.analyze(
                        request["text"], mode=request.get("mode", "message"), lang=request.get("lang", "auto"),
                        source=request.get("source", "-"),
                    )
                answer = {"report": report.to_json_dict()}
            except Exception as error:  # one bad text must not end the engine for everyone
                answer = {"error": _one_line(error)}
            self._answer(answer)

    def _answer(self, answer: dict) -> None:
        self.wfile.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
        self.wfile.flush()


class _Service(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, engine, failure: str | None = None) -> None:
        self.engine = engine
        #: Why the engine could not start (a broken rule pack): every studio is told, none waits forever.
        self.failure = failure
        self.lock = threading.Lock()
        super().__init__(path, _Handler)


def serve_engine(socket_path: Path, extra_packs: list[str]) -> None:
    """Load the engine, then listen on ``socket_path`` (created only once the engine is ready)."""
    from coach import Engine

    engine, failure = None, None
    try:
        engine = Engine(extra_packs)
        engine.warm_up()
    except Exception as error:
        failure = _one_line(error)
    temporary = socket_path.with_name(socket_path.name + ".starting")
    temporary.unlink(missing_ok=True)
    service = _Service(str(temporary), engine, failure)
    # Appear under the real name only when listening: a studio that connects is answered at once.
    os.replace(temporary, socket_path)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=service.shutdown).start())
    with service:
        service.serve_forever()


# -- starting and stopping it from `coach serve` -----------------------------------------------


class EngineService:
    """The shared engine process, started by the server; ``socket_path`` is what studios connect to."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="coach-engine-", dir=folder))  # mkdtemp: 0700
        self.socket_path = self.folder / "engine.sock"
        self._log = tempfile.TemporaryFile(prefix="coach-engine-")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "coach.web.engine_service", "--socket", str(self.socket_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
        )

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()
        for path in (self.socket_path, self.socket_path.with_name(self.socket_path.name + ".starting")):
            path.unlink(missing_ok=True)
        try:
            self.folder.rmdir()
        except OSError:
            pass


# -- the studio's side ---------------------------------------------------------------------------


class SharedEngine:
    """``analyze`` like ``coach.Engine``, answered by the shared engine; one request at a time per studio."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self._lock = threading.Lock()
        self._connection: socket.socket | None = None
        self._reader = None

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the shared engine listens (it loads for seconds after the server starts).

        Raises SharedEngineError with the reason when the engine could not start.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._connect()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SharedEngineError(f"the coach engine did not start within {timeout:.0f} s") from None
                time.sleep(0.1)
        with self._lock:
            try:
                answer = self._ask({"ping": True})
            except (OSError, ValueError):
                self.close()
                raise SharedEngineError("the coach engine stopped; restart coach serve") from None
        if "error" in answer:
            raise SharedEngineError(answer["error"])

    def analyze(self, text: str, *, mode: str = "message", lang: str = "auto", source: str = "-") -> Report:
        request = {"text": text, "mode": str(getattr(mode, "value", mode)), "lang": lang, "source": source}
        with self._lock:
            try:
                answer = self._ask(request)
            except (OSError, ValueError):
                # The engine restarted, or the connection broke: one fresh connection, then give up.
                self.close()
                try:
                    answer = self._ask(request)
                except (OSError, ValueError):
                    self.close()
                    raise SharedEngineError("the coach engine stopped; restart coach serve") from None
        if "error" in answer:
            raise SharedEngineError(answer["error"])
        return Report.model_validate(answer["report"])

    def _ask(self, request: dict) -> dict:
        if self._connection is None:
            self._connect()
        assert self._connection is not None and self._reader is not None
        self._connection.sendall(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
        line = self._reader.readline()
        if not line:
            raise ConnectionResetError("the coach engine closed the connection")
        return json.loads(line)

    def _connect(self) -> None:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(ANALYSIS_TIMEOUT)
        try:
            connection.connect(str(self.socket_path))
        except OSError:
            connection.close()
            raise
        self._connection, self._reader = connection, connection.makefile("rb")

    def close(self) -> None:
        for stream in (self._reader, self._connection):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        self._connection = self._reader = None


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m coach.web.engine_service", description=__doc__)
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("packs", nargs="*")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c belongs to coach serve, which stops us
    serve_engine(args.socket, args.packs)


if __name__ == "__main__":
    main()
