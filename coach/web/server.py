"""The web server behind ``coach serve``: textual-serve, one studio process per browser tab, guarded for safety.

Each WebSocket connection starts ``python -m coach.web.tab`` for the visitor's session (a cookie),
inside the visitor's folder under the data directory; all studios share one engine process. The server answers only on the host names it
was bound to (against DNS rebinding), accepts WebSockets only from its own pages (against other web
sites driving a studio), and caps the number of studios running at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

from coach.errors import CoachError
from coach.web.engine_service import EngineService
from coach.web.sessions import (
    RETENTION_DAYS, is_visitor_token, new_visitor_token, prune_session_folders, session_folder, session_id_for,
)

VISITOR_COOKIE = "coach_visitor"
#: Seconds the server gives its studios to save their drafts and quit when it stops.
SHUTDOWN_TIMEOUT = 10.0
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The page may load its own scripts, styles and fonts and talk to this server, nothing else.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self' {ws_origin}; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

# The request being answered: textual-serve reads ``command`` and ``public_url`` from the server
# object, and each request needs its own (the visitor's session, the address the browser used).
_current_command: contextvars.ContextVar[str | None] = contextvars.ContextVar("coach_command", default=None)
_current_url: contextvars.ContextVar[str | None] = contextvars.ContextVar("coach_public_url", default=None)


class ServeError(CoachError):
    """The server cannot start: the port is taken, the address is not this machine's, ..."""


@dataclass(frozen=True)
class StudioOptions:
    """What every served studio starts with."""

    mode: str | None = None
    lang: str = "auto"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (localhost, 127.x.x.x, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or ServeError with one line saying what to do instead."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ServeError(f"cannot serve on {host!r}: no such host name or address") from None
    family, _, _, _, address = infos[0]
    try:
        return socket.create_server(address, family=family, backlog=64)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use (another coach serve?); choose another with --port"
            ) from None
        if error.errno == errno.EACCES:
            raise ServeError(f"port {port} needs administrator rights; choose one above 1023 with --port") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"{host} is not an address of this machine; check --host") from None
        raise ServeError(f"cannot serve on {host} port {port}: {error.strerror}") from None


class StudioServer(Server):
    """textual-serve's server, with a studio per connection in the visitor's own session folder."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        options: StudioOptions = StudioOptions(),
        max_sessions: int = 16,
        data_root: Path | None = None,
    ) -> None:
        super().__init__(command="", host=host, port=port, title="coach studio", templates_path=TEMPLATES)
        self.options = options
        self.max_sessions = max_sessions
        self.data_root = data_root
        self.active_sessions = 0
        #: Set while serving: the one engine every studio asks.
        self.engine_service: EngineService | None = None
        #: The request handlers of running studios, to end them (and keep their drafts) on shutdown.
        self._studio_handlers: set[asyncio.Task] = set()

    # textual-serve reads these two when it renders the page and starts a studio.

    @property  # type: ignore[override]
    def command(self) -> str:
        return _current_command.get() or self._base_command

    @command.setter
    def command(self, value: str) -> None:
        self._base_command = value

    @property  # type: ignore[override]
    def public_url(self) -> str:
        return _current_url.get() or self._base_url

    @public_url.setter
    def public_url(self, value: str) -> None:
        self._base_url = value

    def studio_command(self, session_id: str) -> str:
        """The shell command textual-serve runs for one tab, in the visitor's folder."""
        folder = session_folder(session_id, self.data_root)
        arguments = [sys.executable, "-m", "coach.web.tab", "--session", session_id, "--lang", self.options.lang]
        if self.options.mode:
            arguments += ["--mode", self.options.mode]
        if self.engine_service is not None:
            arguments += ["--engine-socket", str(self.engine_service.socket_path)]
        return f"cd {shlex.quote(str(folder))} && exec {shlex.join(arguments)}"

    def make_app(self) -> web.Application:
        import aiohttp_jinja2
        import jinja2

        app = web.Application(middlewares=[self._only_known_hosts])
        app.on_shutdown.append(self.on_shutdown)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        return app

    @web.middleware
    async def _only_known_hosts(self, request: web.Request, handler):
        # Bound to this machine only, the server answers only to this machine's names: a web page
        # elsewhere that points its own host name at 127.0.0.1 (DNS rebinding) gets nothing.
        if is_loopback(self.host) and not is_loopback(_host_name(request.host)):
            raise web.HTTPMisdirectedRequest(text="coach serve answers only on localhost\n")
        return await handler(request)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.active_sessions >= self.max_sessions:
            return _busy(self.max_sessions)
        _current_url.set(f"{request.scheme}://{request.host}")
        response = await super().handle_index(request)
        ws_origin = ("wss://" if request.scheme == "https" else "ws://") + request.host
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(ws_origin=ws_origin)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        token = request.cookies.get(VISITOR_COOKIE)
        # Sent again on every visit, so the cookie lives as long as the visitor folder it names.
        response.set_cookie(
            VISITOR_COOKIE, token if is_visitor_token(token) else new_visitor_token(),
            max_age=RETENTION_DAYS * 86400, httponly=True, samesite="Strict", path="/",
        )
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            # WebSockets are not bound by the same-origin policy: without this, any web page the
            # user visits could start and drive studios on this server.
            raise web.HTTPForbidden(text="coach serve: this studio can only be opened from its own page\n")
        if self.active_sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(text=f"coach serve: all {self.max_sessions} studios are in use\n")
        token = request.cookies.get(VISITOR_COOKIE)
        # Without the cookie (a client that does not keep cookies) the tab gets a session of its own.
        session_id = session_id_for(token if is_visitor_token(token) else new_visitor_token())
        _current_command.set(self.studio_command(session_id))
        self.active_sessions += 1
        handler = asyncio.current_task()
        if handler is not None:
            self._studio_handlers.add(handler)
        try:
            return await super().handle_websocket(request)
        finally:
            self.active_sessions -= 1
            self._studio_handlers.discard(handler)  # type: ignore[arg-type]

    def serve(self, debug: bool = False, announce: Callable[[int], None] | None = None) -> None:
        """Serve until ctrl+c or SIGTERM; raises ServeError when the address cannot be used.

        ``announce`` gets the port once the server listens (port 0 picks a free one).
        """
        listening = bind(self.host, self.port)
        self.port = listening.getsockname()[1]
        prune_session_folders(self.data_root)
        # Loads while the visitor opens the browser; studios that start earlier wait for it.
        self.engine_service = EngineService()
        try:
            if announce is not None:
                announce(self.port)
            web.run_app(self.make_app(), sock=listening, print=None, access_log=None, handle_signals=True)
        finally:
            self.engine_service.close()
            self.engine_service = None

    async def on_startup(self, app: web.Application) -> None:
        pass  # no banner: the command prints the address itself

    async def on_shutdown(self, app: web.Application) -> None:
        """Tell every studio to quit (each keeps its text as a draft), instead of waiting for browsers to leave."""
        handlers = set(self._studio_handlers)
        for handler in handlers:
            # textual-serve's handler answers cancellation by stopping its studio and closing the socket.
            handler.cancel()
        if handlers:
            await asyncio.wait(handlers, timeout=SHUTDOWN_TIMEOUT)


def _host_name(host_header: str | None) -> str:
    """The host name of a Host header, without the port (``[::1]:8000`` -> ``::1``)."""
    host = host_header or ""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _busy(limit: int) -> web.Response:
    return web.Response(
        status=503,
        content_type="text/html",
        text=(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>coach studio: busy</title></head>"
            f"<body><p>All {limit} studios of this server are in use. Close a tab, or try again later.</p>"
            "</body></html>"
        ),
    )
