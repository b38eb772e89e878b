"""The grader's view of the learner's code: proxies whose every use is a request to the sandbox.

`checks.py` writes `learner.pairwise_sq_dists(A, B)` or `model = learner.KMeans(3).fit(X)`;
each attribute access and call becomes a request, the values come back decoded (arrays, numbers,
strings, lists, dicts) or as proxies of objects that stay in the sandbox.

Two shortcuts. When reading an attribute of an object runs no code of the learner's (it is a
plain entry of the object's `__dict__`), and when a call returns an object (a constructor, a
`fit` returning self), the sandbox sends that object's small plain data attributes along, and
reading one of them is answered here, until the next request that may run the learner's code
(any call; any read that ran code). A fitted estimator's `labels_`, `cluster_centers_` and
`inertia_` then cost no round trip after `fit`. And once reading a
name showed a plain function of the object's class (or a function or class of the module),
`obj.name(...)` on any object of that class is one request: the sandbox looks the name up when
it calls, as Python does, and a name that is not there is reported as missing all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from mlcamp.grader.harness import Blob, Encoder, Executor, Handle, ProtocolError, decode_value
from mlcamp.grader.sandbox import SubmissionEnded
from mlcamp.labs.checking import LearnerError

_DATA_TAGS = frozenset({"none", "bool", "int", "float", "str", "array", "npscalar"})
"""Values the sandbox may send along as an object's plain attributes (never handles)."""


class Channel(Protocol):
    """Something that answers requests: a sandboxed submission or an in-process executor."""

    def request(
        self, header: dict[str, Any], blobs: list[Blob], timeout: float
    ) -> tuple[dict[str, Any], list[Blob]]: ...


class LocalChannel:
    """Runs requests in this process, through the same encoding (for benchmarks and references).

    Never use it for untrusted code. The forbidden-import guard is not installed here: it
    would patch this very process (the grader's own imports of SciPy and scikit-learn).
    """

    def __init__(self) -> None:
        self.executor = Executor()

    def request(
        self, header: dict[str, Any], blobs: list[Blob], timeout: float
    ) -> tuple[dict[str, Any], list[Blob]]:
        """Answer directly, without a sandbox or limits."""
        if header.get("op") == "load":
            header = {**header, "forbidden_imports": [], "forbidden_calls": []}
        return self.executor.handle(header, blobs)


class ForbiddenUse(Exception):
    """The learner's code used something the lab forbids."""


class LearnerMissing(LearnerError):
    """An attribute or name the checks need is not there."""


class Session:
    """Sends requests for one submission and tracks the time its calls took."""

    def __init__(self, channel: Channel, timeout: float) -> None:
        self.channel = channel
        self.timeout = timeout
        self.call_seconds = 0.0
        self.forbidden: list[str] = []
        self.discard_results = False
        self.repeat_runs = 1
        """Speed measurements: each call runs up to this many times in the sandbox (best kept)."""
        self.enough_seconds = 0.0
        """...and runs once only when its first run takes longer than this."""
        self.requests = 0
        # Plain data attributes of sandboxed objects, as the sandbox sent them along with another
        # attribute of the same object; valid until the next request that may run code there.
        self._known: dict[int, dict[str, tuple[dict[str, Any], list[Blob]]]] = {}
        # (class name, name) pairs read as methods of that class ((None, name) for the module's
        # functions and classes): called by name directly from then on.
        self._methods: set[tuple[str | None, str]] = set()

    def _send(
        self,
        header: dict[str, Any],
        blobs: list[Blob],
        method_key: tuple[str | None, str] | None = None,
    ) -> Any:
        self.requests += 1
        if header.get("op") != "get":
            self._known.clear()  # a call may run the learner's code, which may change anything
        try:
            reply, reply_blobs = self.channel.request(header, blobs, self.timeout)
        except SubmissionEnded as ended:
            raise LearnerError(ended.kind, ended.message) from ended
        forbidden = reply.get("forbidden")
        if isinstance(forbidden, list) and forbidden:
            self.forbidden = [str(name) for name in forbidden]
        if not reply.get("ok"):
            error = reply.get("error") or {}
            kind = str(error.get("kind", "crash"))
            message = str(error.get("message", "unknown error"))[:4000]
            raise LearnerError(
                kind,
                message,
                exception_type=str(error.get("type", ""))[:200],
                exception_text=str(error.get("text", ""))[:1000],
                name="lookup" if error.get("lookup") is True else "",
            )
        if self.forbidden:
            raise ForbiddenUse(
                f"your code used {', '.join(self.forbidden)}, which this lab forbids: implement "
                "it with NumPy yourself"
            )
        seconds = reply.get("seconds", 0.0)
        if isinstance(seconds, int | float) and 0 <= seconds < 1e6:
            self.call_seconds += float(seconds)
        try:
            value = decode_value(reply.get("value"), reply_blobs, self._handle)
            if reply.get("pure") is not True:
                self._known.clear()  # reading it ran code of the learner's (a property, say)
                if header.get("op") == "call":  # what the returned object holds, as it ended
                    self._remember_siblings(
                        reply.get("siblings_of"), reply.get("siblings"), reply_blobs
                    )
            elif header.get("op") == "get":
                self._remember_siblings(header.get("id"), reply.get("siblings"), reply_blobs)
            if reply.get("method") is True and method_key is not None:
                self._methods.add(method_key)
            return value
        except ProtocolError as error:
            raise LearnerError("bad_result", f"the result could not be read: {error}") from error

    def _remember_siblings(self, target: Any, siblings: Any, blobs: list[Blob]) -> None:
        if type(target) is not int or not isinstance(siblings, dict):
            return
        known: dict[str, tuple[dict[str, Any], list[Blob]]] = {}
        for name, tree in list(siblings.items())[:256]:
            if isinstance(tree, dict) and tree.get("t") in _DATA_TAGS:
                known[str(name)] = (tree, blobs)  # decoded when read (most never are)
        self._known[target] = known

    def _known_attribute(self, target: int | None, name: str) -> tuple[bool, Any]:
        """An attribute the sandbox already sent and that cannot have changed since (a new
        copy at each read); one that cannot be decoded is read again from the sandbox."""
        if target is None or name not in self._known.get(target, {}):
            return False, None
        tree, blobs = self._known[target][name]
        try:
            return True, decode_value(tree, blobs, self._handle)
        except ProtocolError:
            return False, None

    def _handle(self, tree: dict[str, Any]) -> Any:
        if tree["t"] == "callable":
            return RemoteCallable(self, int(tree["id"]), str(tree["type"]))
        return RemoteObject(self, int(tree["id"]), str(tree["type"]))

    def encode_arguments(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, Any, list[Blob]]:
        """Encode call arguments (arrays become blobs, proxies become references)."""
        encoder = Encoder()
        encoded_args = [encoder.encode(arg) for arg in args]
        encoded_kwargs = {key: encoder.encode(value) for key, value in kwargs.items()}
        return encoded_args, encoded_kwargs, encoder.blobs

    def get(self, target: int | None, name: str, owner: str, kind: str | None = None) -> Any:
        """Fetch an attribute of the module (target None) or of a sandboxed object of class
        `kind`."""
        known, value = self._known_attribute(target, name)
        if known:
            return value
        if _method_key(target, name, kind) in self._methods:
            return RemoteMethod(self, target, name, owner)
        return self.fetch(target, name, owner, kind)

    def fetch(self, target: int | None, name: str, owner: str, kind: str | None = None) -> Any:
        """Fetch an attribute with a request (no shortcut)."""
        method_key = _method_key(target, name, kind)
        try:
            return self._send({"op": "get", "id": target, "name": name}, [], method_key)
        except LearnerError as error:
            if error.exception_type == "AttributeError":
                raise LearnerMissing(
                    "missing", f"{owner} has no attribute '{name}'", name=name
                ) from error
            raise

    def call(
        self,
        target: int | None,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        method: str | None = None,
        owner: str = "",
    ) -> Any:
        """Call a sandboxed callable (or, with `method`, that method of the object `target`,
        which `owner` names in the message if it has no such attribute)."""
        encoded_args, encoded_kwargs, blobs = self.encode_arguments(args, kwargs)
        request: dict[str, Any] = {"op": "call", "args": encoded_args, "kwargs": encoded_kwargs}
        if method is None:
            request["id"] = target
        else:
            request["via"] = {"id": target, "name": method}
        if self.discard_results:
            request["discard"] = True
        if self.repeat_runs > 1:
            request["repeat"] = {"runs": self.repeat_runs, "enough": self.enough_seconds}
        try:
            return self._send(request, blobs)
        except LearnerError as error:
            if method is not None and error.name == "lookup":
                raise LearnerMissing(
                    "missing", f"{owner} has no attribute '{method}'", name=method
                ) from error
            raise


def _method_key(target: int | None, name: str, kind: str | None) -> tuple[str | None, str] | None:
    """How a method is remembered: by its object's class name (None for the learner's module);
    an object of unknown class gets no shortcut."""
    if target is None:
        return None, name
    return (kind, name) if kind else None


class RemoteObject(Handle):
    """An object living in the sandbox (a fitted estimator, say). Attribute reads are requests."""

    def __init__(self, session: Session, handle_id: int, type_name: str) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "handle_id", handle_id)
        object.__setattr__(self, "type_name", type_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._session.get(
            self.handle_id, name, f"the {self.type_name} object", self.type_name
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("sandboxed objects are read-only from the checks")

    def __repr__(self) -> str:
        return f"<sandboxed {self.type_name}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RemoteObject)
            and other.handle_id == self.handle_id
            and (other._session is self._session)
        )

    def __hash__(self) -> int:
        return hash(self.handle_id)


class RemoteCallable(RemoteObject):
    """A function, class or bound method living in the sandbox."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self.handle_id, args, kwargs)


class RemoteMethod(RemoteCallable):
    """A method of a sandboxed object (one of its class's functions), or a function or class of
    the learner's module, known to be one from an earlier read: calling it is one request (the
    sandbox looks the name up then, as Python would). Any other use reads the attribute first,
    as an ordinary attribute read would have."""

    def __init__(self, session: Session, target: int | None, name: str, owner: str) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_resolved", None)
        object.__setattr__(self, "type_name", "method")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self._target, args, kwargs, method=self._name, owner=self._owner)

    def _resolve(self) -> RemoteObject:
        if self._resolved is None:
            found = self._session.fetch(self._target, self._name, self._owner)
            if not isinstance(found, RemoteObject):  # no longer a method: a value now
                raise LearnerError("bad_result", f"{self._owner}'s {self._name} changed")
            object.__setattr__(self, "_resolved", found)
        resolved: RemoteObject = self._resolved
        return resolved

    @property
    def handle_id(self) -> int:  # type: ignore[override]
        """The sandbox's id of the bound method (read now if it was not yet)."""
        return self._resolve().handle_id

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._resolve(), name)

    def __repr__(self) -> str:
        return f"<sandboxed method {self._name}>"


class Learner:
    """The learner's module as the checks see it: `learner.NAME` fetches a name from it."""

    def __init__(self, session: Session, module_name: str) -> None:
        self._session = session
        self._module_name = module_name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._session.get(None, name, f"your file {self._module_name}.py")

    @property
    def call_seconds(self) -> float:
        """Seconds spent inside the learner's calls so far (measured in the sandbox)."""
        return self._session.call_seconds


SessionFactory = Callable[[], Session]
