"""Where the check service listens, and whether it may be used (standard library only).

One service per user and per configuration: the socket's name is a hash of the Python that runs
mlcamp (and its virtual environment), where the `mlcamp` package is, every `MLCAMP_*` setting
(home, database, sandbox mode...), Python setting and locale, and the mount namespace, so a
command never reaches a service that would see other files, or grade, record or print it
differently. The socket lives in a folder only its owner can enter (`$XDG_RUNTIME_DIR/mlcamp`,
else `/tmp/mlcamp-<uid>`), and the service also checks who connects.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

SWITCH = "MLCAMP_CHECK_SERVICE"
"""Set to 0 (or off, no, false) to grade every `mlcamp check` in its own process."""

KEYED_PREFIXES = ("MLCAMP_", "PYTHON", "LC_", "LANG")
"""Settings a service is started with and keeps: mlcamp's own, Python's (PYTHONPATH...) and the
locale's. A command with other values reaches another service."""

PROTOCOL = 1
"""Changes whenever the client and the service stop understanding each other."""


def enabled(environ: Mapping[str, str]) -> bool:
    """Whether `mlcamp check` may use (and start) the service."""
    value = environ.get(SWITCH, "1").strip().lower()
    return value not in {"0", "off", "no", "false"} and sys.platform.startswith("linux")


def service_key(environ: Mapping[str, str]) -> str:
    """What a command and its service must agree on, as a short hash."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    settings = sorted(
        (name, value)
        for name, value in environ.items()
        if name.startswith(KEYED_PREFIXES) and name != SWITCH
    )
    described = json.dumps(
        [
            PROTOCOL,
            os.path.realpath(sys.executable),
            sys.prefix,  # a virtual environment's Python resolves to its base interpreter
            os.path.realpath(package),
            settings,
            _mount_namespace(),
        ]
    )
    return hashlib.sha256(described.encode()).hexdigest()[:24]


def _mount_namespace() -> str:
    """Which file system this process sees (a container's shell sees another one)."""
    try:
        return os.readlink("/proc/self/ns/mnt")
    except OSError:
        return ""


def private_dir() -> Path | None:
    """A folder that only this user can enter, created if needed; None if there is none safe."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    candidates = [Path(runtime) / "mlcamp"] if runtime and os.path.isabs(runtime) else []
    candidates.append(Path("/tmp") / f"mlcamp-{uid}")
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            info = os.lstat(folder)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077:
            return folder
    return None


def socket_path(environ: Mapping[str, str]) -> Path | None:
    """The service's socket for this configuration (None: no safe place for one)."""
    folder = private_dir()
    if folder is None:
        return None
    return folder / f"check-{service_key(environ)}.sock"


def running_service_pid(environ: Mapping[str, str]) -> int | None:
    """The pid of the service for this configuration, if one runs and listens."""
    path = socket_path(environ)
    if path is None or not path.exists():
        return None
    return lock_holder(environ)


def lock_holder(environ: Mapping[str, str]) -> int | None:
    """The pid of the service holding this configuration's lock (listening, or still loading
    before it does), if there is one."""
    path = socket_path(environ)
    if path is None:
        return None
    try:
        with open(path.with_suffix(".lock")) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return int(lock.read().strip() or 0) or None  # locked: it runs
            return None
    except (OSError, ValueError):
        return None
