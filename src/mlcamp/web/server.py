"""``mlcamp start``: serve the web app on 127.0.0.1, on the first free port from the one asked."""

from __future__ import annotations

import errno
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from mlcamp.web.security import Secrets

__all__ = ["DEFAULT_PORT", "BackgroundServer", "PortsTaken", "Served", "bind_free_port", "serve"]

DEFAULT_PORT = 8765
PORT_ATTEMPTS = 50
HOST = "127.0.0.1"


class PortsTaken(OSError):
    """No free port in the range tried."""


@dataclass(frozen=True)
class Served:
    """Where the app listens, and the link (with its token) that opens it."""

    port: int
    url: str


def bind_free_port(port: int, attempts: int = PORT_ATTEMPTS) -> socket.socket:
    """A listening socket on 127.0.0.1 at ``port`` or the next free one after it."""
    for candidate in range(port, min(port + attempts, 65536)):
        sock = _tcp_socket()
        try:
            sock.bind((HOST, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                continue
            raise
        sock.listen(128)
        return sock
    raise PortsTaken(
        f"ports {port} to {port + attempts - 1} on {HOST} are all taken: "
        "choose another with mlcamp start --port N"
    )


def serve(
    port: int = DEFAULT_PORT,
    *,
    open_browser: bool = True,
    announce: Callable[[Served], None] | None = None,
) -> None:
    """Open the store, bind, announce the link, open the browser, and serve until Ctrl+C.

    Store errors (:class:`~mlcamp.store.StoreError`) and :class:`PortsTaken` propagate to the
    caller, before anything is served.
    """
    import uvicorn

    from mlcamp.store import open_store
    from mlcamp.web.app import create_app

    secrets = Secrets.generate()
    store = open_store()
    sock = bind_free_port(port)
    try:
        bound = sock.getsockname()[1]
        served = Served(bound, f"http://{HOST}:{bound}/?token={secrets.token}")
        app = create_app(store, secrets)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        if announce is not None:
            announce(served)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(served.url,)).start()
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()


class BackgroundServer:
    """The app served by uvicorn on a thread (for end-to-end tests and benchmarks).

    ``with BackgroundServer(app) as server:`` binds 127.0.0.1 on a free port, serves until the
    block ends, and exposes :attr:`base_url`.
    """

    def __init__(self, app: object, port: int = 0) -> None:
        import uvicorn

        self._socket = bind_free_port(port) if port else _any_free_port()
        self.port: int = self._socket.getsockname()[1]
        self.base_url = f"http://{HOST}:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")  # type: ignore[arg-type]
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> BackgroundServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


def _tcp_socket() -> socket.socket:
    """A TCP socket whose accepted connections get TCP_NODELAY from asyncio.

    asyncio sets TCP_NODELAY only on sockets whose ``proto`` is IPPROTO_TCP, and an accepted
    socket inherits ``proto`` from the listening one: a socket made with ``proto=0`` would leave
    Nagle's algorithm on, and a small response written in two parts (headers, then body) would
    then wait for the client's delayed ACK, about 40 ms on Linux.
    """
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)


def _any_free_port() -> socket.socket:
    sock = _tcp_socket()
    sock.bind((HOST, 0))
    sock.listen(128)
    return sock
