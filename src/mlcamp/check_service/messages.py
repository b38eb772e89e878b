"""What a command and the check service say to each other: one JSON object per line."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    """Send one message."""
    connection.sendall(json.dumps(message).encode() + b"\n")


def message_lines(connection: socket.socket) -> Iterator[bytes]:
    """The lines the other side sends, until it closes the connection (or it breaks)."""
    pending = b""
    while True:
        try:
            chunk = connection.recv(4096)
        except OSError:
            chunk = b""
        if not chunk:
            if pending.strip():
                yield pending
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line
