"""A warm process that runs `mlcamp check` for the command line (see `docs/check-service.md`).

A cold `mlcamp check` spends most of its time starting: Python, NumPy, pydantic, Typer and Rich
in the command's process, a sandbox zygote booting NumPy beside it, and SQLAlchemy to record the
attempt. The service keeps all of that loaded. It waits on a Unix socket that only its user can
reach; a `mlcamp check` finds it there and hands over its arguments, working directory,
environment and terminal. A process forked from the service, with its own sandbox already
booted, then runs the very same command and exits with its code.

`client` is what `mlcamp check` runs first (standard library only, so it costs almost nothing
when there is no service); `server` is the service; `location` says where the socket is and
whether the service may be used at all.
"""
