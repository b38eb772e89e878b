"""`mlcamp start`: loopback only, next free port, a printed link with the token, clean stop."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mlcamp.web.server import PortsTaken, bind_free_port


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_bind_free_port_skips_taken_ports_and_binds_loopback_only() -> None:
    taken = bind_free_port(_free_port())
    try:
        port = taken.getsockname()[1]
        nxt = bind_free_port(port)
        try:
            assert nxt.getsockname() == ("127.0.0.1", nxt.getsockname()[1])
            assert nxt.getsockname()[1] > port
        finally:
            nxt.close()
    finally:
        taken.close()


def test_connections_get_tcp_nodelay_so_small_pages_are_not_delayed() -> None:
    # asyncio turns Nagle's algorithm off only for sockets whose proto is IPPROTO_TCP, which
    # accepted sockets inherit from the listening one (otherwise: ~40 ms per small response).
    listening = bind_free_port(_free_port())
    try:
        assert listening.proto == socket.IPPROTO_TCP
        client = socket.create_connection(listening.getsockname())
        accepted, _ = listening.accept()
        with client, accepted:
            assert accepted.proto == socket.IPPROTO_TCP
    finally:
        listening.close()


def test_bind_free_port_gives_up_with_advice() -> None:
    taken = bind_free_port(_free_port())
    try:
        with pytest.raises(PortsTaken, match="--port"):
            bind_free_port(taken.getsockname()[1], attempts=1)
    finally:
        taken.close()


def test_mlcamp_start_serves_on_the_next_free_port_with_a_token(isolated_home: Path) -> None:
    blocker = bind_free_port(_free_port())
    port = blocker.getsockname()[1]
    environment = {**os.environ, "MLCAMP_HOME": str(isolated_home), "COLUMNS": "300"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mlcamp", "start", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        url = None
        while time.monotonic() < deadline and url is None:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
            if match:
                url = match.group(0)
        assert url is not None, "".join(lines)
        served_port = int(url.split(":")[2].split("/")[0])
        assert served_port > port  # the asked port was taken
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{served_port}/", timeout=10)
        assert refused.value.code == 401
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with browser.open(url, timeout=30) as response:  # the 303 sets the cookie
            assert response.status == 200
            assert response.url == f"http://127.0.0.1:{served_port}/"
            assert "Welcome to mlcamp" in response.read().decode()
        # Nothing listens on other interfaces.
        other = socket.socket()
        other.settimeout(2)
        addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
        for address in addresses - {"127.0.0.1", "::1"}:
            if ":" in address:
                continue
            assert other.connect_ex((address, served_port)) != 0
        other.close()
    finally:
        blocker.close()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
