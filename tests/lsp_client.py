"""A minimal editor side of the Language Server Protocol: JSON-RPC with Content-Length frames over a child's stdio."""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

#: Seconds to wait for an answer; the first analysis includes building the spaCy pipelines.
TIMEOUT = 90.0


class LspClient:
    """Starts ``coach lsp`` and talks to it as an editor does."""

    def __init__(self, command: Sequence[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            list(command or [sys.executable, "-m", "coach", "lsp", "--stdio"]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env or dict(os.environ),
        )
        self._ids = itertools.count(1)
        self._incoming: queue.Queue[dict] = queue.Queue()
        #: Notifications from the server, in arrival order (publishDiagnostics, showMessage, ...).
        self.notifications: list[dict] = []
        self._responses: dict[int, dict] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- sending ---------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        request_id = next(self._ids)
        self._send({"id": request_id, "method": method, "params": params})
        response = self._wait(lambda: self._responses.pop(request_id, None), timeout, f"an answer to {method}")
        if "error" in response:
            raise AssertionError(f"{method} failed: {response['error']}")
        return response.get("result")

    # -- receiving -------------------------------------------------------------------------

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            self._incoming.put(json.loads(stream.read(int(headers["content-length"]))))

    def _pump(self, wait: float) -> None:
        try:
            message = self._incoming.get(timeout=wait)
        except queue.Empty:
            return
        if "method" in message and "id" in message:
            self._answer_server_request(message)
        elif "method" in message:
            self.notifications.append(message)
        else:
            self._responses[message["id"]] = message

    def _answer_server_request(self, message: dict) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.configuration for _ in message["params"]["items"]]
        self._send({"id": message["id"], "result": result})

    #: What the client answers to workspace/configuration.
    configuration: Any = None

    def _wait(self, found: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = found()
            if result is not None:
                return result
            if self.process.poll() is not None and self._incoming.empty():
                raise AssertionError(f"coach lsp ended while waiting for {what}:\n{self.stderr()}")
            self._pump(0.05)
        raise AssertionError(f"no {what} within {timeout:.0f} s; server log:\n{self.stderr()}")

    def wait_for_notification(self, method: str, where: Callable[[dict], bool] = lambda params: True,
                              timeout: float = TIMEOUT) -> dict:
        def found() -> dict | None:
            for message in self.notifications:
                if message["method"] == method and where(message["params"]):
                    self.notifications.remove(message)
                    return message["params"]
            return None

        return self._wait(found, timeout, method)

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = TIMEOUT) -> list[dict]:
        """The next published diagnostics for the document (of that version, when given)."""
        params = self.wait_for_notification(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout,
        )
        return params["diagnostics"]

    def settle(self, seconds: float) -> None:
        """Keep reading for a while (to see what else the server sends)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump(0.05)

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-4000:]

    # -- life cycle ------------------------------------------------------------------------

    def initialize(self, root_uri: str | None = None, options: Any = None, encodings: Sequence[str] = ("utf-16",)) -> dict:
        result = self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": root_uri,
            "initializationOptions": options,
            "capabilities": {
                "general": {"positionEncodings": list(encodings)},
                "textDocument": {
                    "synchronization": {"didSave": True},
                    "publishDiagnostics": {"versionSupport": True},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
                },
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
            },
        })
        self.notify("initialized", {})
        return result

    def shutdown(self) -> int:
        assert self.request("shutdown", None) is None
        self.notify("exit", None)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.log):
            try:
                stream.close()
            except OSError:
                pass
