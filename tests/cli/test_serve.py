"""``coach serve`` as a user and a browser meet it: the address, refusals, the cookie, per-visitor folders."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="coach serve needs the serve extra: pip install -e '.[serve]'")
aiohttp = pytest.importorskip("aiohttp")

from serve_process import coach_serve  # noqa: E402

from coach.web.server import VISITOR_COOKIE  # noqa: E402
from coach.web.sessions import session_id_for  # noqa: E402


def run_serve(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coach", "serve", *arguments], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def busy_port():
    """A port some other program already listens on."""
    with socket.create_server(("127.0.0.1", 0)) as other:
        yield other.getsockname()[1]


def test_port_in_use_is_one_clear_line_and_exit_2(busy_port):
    result = run_serve("--port", str(busy_port))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"coach: port {busy_port} on 127.0.0.1 is already in use (another coach serve?); choose another with --port\n"
    )


def test_other_host_than_localhost_prints_a_warning_first(busy_port):
    # The busy port stops the server before it listens: the warning is seen, nothing is exposed.
    result = run_serve("--host", "0.0.0.0", "--port", str(busy_port))
    warning, error = result.stderr.splitlines()
    assert warning.startswith("coach: warning: serving on 0.0.0.0: anyone who can reach this machine")
    assert "already in use" in error
    assert result.returncode == 2


def test_localhost_prints_no_warning_and_an_address(tmp_path: Path):
    with coach_serve(tmp_path / "data") as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.stderr() == ""


def test_unknown_host_is_one_line():
    result = run_serve("--host", "no-such-host.invalid", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "coach: cannot serve on 'no-such-host.invalid': no such host name or address"
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with coach_serve(tmp_path_factory.mktemp("serve") / "data", "--max-sessions", "1") as running:
        yield running


def fetch(url: str, **options) -> tuple[int, dict, str]:
    async def get():
        async with aiohttp.ClientSession() as session:
            async with session.get(url, **options) as response:
                return response.status, dict(response.headers), await response.text()

    return asyncio.run(get())


def test_page_sets_a_private_visitor_cookie_and_loads_nothing_from_elsewhere(server):
    status, headers, page = fetch(server.url + "/")
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{VISITOR_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "googleapis" not in page and "https://" not in page
    # A returning visitor keeps its cookie (and so its drafts), for another 30 days.
    token = cookie.split(";")[0].split("=", 1)[1]
    _, again, _ = fetch(server.url + "/", headers={"Cookie": f"{VISITOR_COOKIE}={token}"})
    assert again["Set-Cookie"].startswith(f"{VISITOR_COOKIE}={token};")
    assert "Max-Age=2592000" in again["Set-Cookie"]


def test_other_host_names_are_refused(server):
    port = server.url.rsplit(":", 1)[1]
    status, _, _ = fetch(server.url + "/", headers={"Host": f"attacker.example:{port}"})
    assert status == 421


def test_websocket_from_another_site_is_refused(server):
    async def connect():
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(server.url + "/ws", headers={"Origin": "http://attacker.example"})
            return refused.value.status

    assert asyncio.run(connect()) == 403


def test_a_visitor_gets_a_private_folder_and_the_cap_holds(server):
    token = "t" * 43
    folder = server.data_dir / "served" / session_id_for(token)

    async def visit():
        jar = aiohttp.CookieJar(unsafe=True)
        jar.update_cookies({VISITOR_COOKIE: token})
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            socket_ = await session.ws_connect(server.url + "/ws?width=100&height=30", headers={"Origin": server.url})
            # The studio draws its first screen once it runs in the visitor's folder.
            first = await socket_.receive(timeout=60)
            assert first.type == aiohttp.WSMsgType.BINARY
            async with session.get(server.url + "/") as page:
                busy = (page.status, await page.text())
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(server.url + "/ws", headers={"Origin": server.url})
            await socket_.close()
            return busy, refused.value.status

    (status, page), second = asyncio.run(visit())
    assert status == 503 and "All 1 studios of this server are in use" in page
    assert second == 503
    assert folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [path.name for path in (server.data_dir / "served").iterdir()] == [folder.name]


def test_stopping_the_server_keeps_the_text_of_open_studios(tmp_path: Path):
    token = "s" * 43
    drafts = tmp_path / "data" / "served" / session_id_for(token) / "drafts"
    with coach_serve(tmp_path / "data") as server:

        async def type_text():
            jar = aiohttp.CookieJar(unsafe=True)
            jar.update_cookies({VISITOR_COOKIE: token})
            async with aiohttp.ClientSession(cookie_jar=jar) as session:
                socket_ = await session.ws_connect(server.url + "/ws?width=100&height=30", headers={"Origin": server.url})
                screen = b""
                while b"Type or paste" not in screen:  # the editor is on screen, with the cursor in it
                    screen += (await socket_.receive(timeout=60)).data or b""
                await socket_.send_json(["stdin", "Nog niet opgeslagen"])
                while b"opgeslagen" not in screen:  # the studio shows what was typed
                    screen += (await socket_.receive(timeout=60)).data or b""
                # Stop the server (ctrl+c) while the browser is still connected, before the autosave.
                server.process.send_signal(signal.SIGINT)
                while (await socket_.receive(timeout=30)).type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    pass

        asyncio.run(type_text())
        assert server.process.wait(timeout=30) == 0
    assert [json.loads(path.read_text())["text"] for path in drafts.glob("*.json")] == ["Nog niet opgeslagen"]
