"""The grader's view of the learner's code: proxies whose every use is a request to the sandbox.

`checks.py` writes `learner.pairwise_sq_dists(A, B)` or `model = learner.KMeans(3).fit(X)`;
each attribute access and call becomes a request, the values come back decoded (arrays, numbers,
strings, lists, dicts) or as proxies of objects that stay in the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from mlcamp.grader.harness import Encoder, Executor, Handle, ProtocolError, decode_value
from mlcamp.grader.sandbox import SubmissionEnded
from mlcamp.labs.checking import LearnerError


class Channel(Protocol):
    """Something that answers requests: a sandboxed submission or an in-process executor."""

    def request(
        self, header: dict[str, Any], blobs: list[bytes], timeout: float
    ) -> tuple[dict[str, Any], list[bytes]]: ...


class LocalChannel:
    """Runs requests in this process, through the same encoding (for benchmarks and references).

    Never use it for untrusted code. The forbidden-import guard is not installed here: it
    would patch this very process (the grader's own imports of SciPy and scikit-learn).
    """

    def __init__(self) -> None:
        self.executor = Executor()

    def request(
        self, header: dict[str, Any], blobs: list[bytes], timeout: float
    ) -> tuple[dict[str, Any], list[bytes]]:
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

    def _send(self, header: dict[str, Any], blobs: list[bytes]) -> Any:
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
            return decode_value(reply.get("value"), reply_blobs, self._handle)
        except ProtocolError as error:
            raise LearnerError("bad_result", f"the result could not be read: {error}") from error

    def _handle(self, tree: dict[str, Any]) -> Any:
        if tree["t"] == "callable":
            return RemoteCallable(self, int(tree["id"]), str(tree["type"]))
        return RemoteObject(self, int(tree["id"]), str(tree["type"]))

    def encode_arguments(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, Any, list[bytes]]:
        """Encode call arguments (arrays become blobs, proxies become references)."""
        encoder = Encoder()
        encoded_args = [encoder.encode(arg) for arg in args]
        encoded_kwargs = {key: encoder.encode(value) for key, value in kwargs.items()}
        return encoded_args, encoded_kwargs, encoder.blobs

    def get(self, target: int | None, name: str, owner: str) -> Any:
        """Fetch an attribute of the module (target None) or of a sandboxed object."""
        try:
            return self._send({"op": "get", "id": target, "name": name}, [])
        except LearnerError as error:
            if error.exception_type == "AttributeError":
                raise LearnerMissing(
                    "missing", f"{owner} has no attribute '{name}'", name=name
                ) from error
            raise

    def call(self, target: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Call a sandboxed callable with these arguments."""
        encoded_args, encoded_kwargs, blobs = self.encode_arguments(args, kwargs)
        request = {"op": "call", "id": target, "args": encoded_args, "kwargs": encoded_kwargs}
        if self.discard_results:
            request["discard"] = True
        return self._send(request, blobs)


class RemoteObject(Handle):
    """An object living in the sandbox (a fitted estimator, say). Attribute reads are requests."""

    def __init__(self, session: Session, handle_id: int, type_name: str) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "handle_id", handle_id)
        object.__setattr__(self, "type_name", type_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._session.get(self.handle_id, name, f"the {self.type_name} object")

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
