"""The sandbox side of grading: the wire protocol, the zygote and the child that runs learner code.

This file runs in two places. Inside the sandbox it is started as a script (standard library and
NumPy only, nothing else of mlcamp is visible there): first as a *zygote* that imports NumPy once
and then forks one *child* per submission. The grader process imports the same file as a module
for the wire protocol, so both sides share one definition of it.

Wire protocol: a message is a frame of JSON followed by `blobs` binary frames; a frame is a 4-byte
big-endian length and its bytes. Values travel as tagged JSON; arrays as `.npy` bytes written and
read with `allow_pickle=False`. Nothing is ever pickled in either direction.

The child trusts nothing it receives beyond this format, and the grader trusts nothing the child
returns: it decodes with size and depth limits and compares in its own process.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import gc
import io
import json
import linecache
import math
import os
import re
import select
import signal
import socket
import struct
import sys
import time
import traceback
import types
from typing import Any, NoReturn, TypeAlias

MAX_FRAME = 512 * 1024 * 1024
LARGE_FRAME = 256 * 1024
"""Frames this large are read into a buffer of their own (no copy when they are complete)."""
READ_BYTES = 1 << 20
MAX_DEPTH = 8
MAX_ITEMS = 100_000
MAX_STRING = 100_000
_LENGTH = struct.Struct(">I")


class ProtocolError(Exception):
    """A message that breaks the wire format or its limits."""


class MessageTooLarge(ProtocolError):
    """A message over the reader's size limit."""


# -- frames ---------------------------------------------------------------------------------------


class SplitBlob:
    """An array's `.npy` bytes as its header and a view of its memory, not copied.

    The view keeps the array alive; the bytes it shows must not change until the message is
    written (nothing runs in between: the writer is the thread that encoded them)."""

    __slots__ = ("data", "header")

    def __init__(self, header: bytes, data: memoryview) -> None:
        self.header = header
        self.data = data

    def __len__(self) -> int:
        return len(self.header) + self.data.nbytes

    def __bytes__(self) -> bytes:
        return self.header + self.data.tobytes()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SplitBlob):
            other = bytes(other)
        return isinstance(other, bytes | bytearray | memoryview) and bytes(self) == other

    __hash__ = None  # type: ignore[assignment]


Blob: TypeAlias = "bytes | bytearray | SplitBlob"
"""A binary frame: bytes (a `bytearray` for a large frame) as read from the wire, or, as
encoded here, an array's `.npy` bytes in two parts so that the array's memory is written to the
pipe without a copy."""


def message_buffers(header: dict[str, Any], blobs: list[Any]) -> list[Any]:
    """A message as the list of buffers to write, in order: length prefixes, the JSON header
    and each blob (an array's memory as a view: it crosses with no copy on this side)."""
    header = {**header, "blobs": len(blobs)}
    payload = json.dumps(header, allow_nan=True).encode()
    buffers: list[Any] = [_LENGTH.pack(len(payload)) + payload]
    for blob in blobs:
        if isinstance(blob, SplitBlob):
            buffers.append(_LENGTH.pack(len(blob)) + blob.header)
            if blob.data.nbytes:
                buffers.append(blob.data)
        else:
            buffers.append(_LENGTH.pack(len(blob)))
            buffers.append(blob)
    return buffers


def encode_message(header: dict[str, Any], blobs: list[Any]) -> bytes:
    """Serialise a header and its binary blobs into frames, as one bytes object."""
    return b"".join(message_buffers(header, blobs))


_IOV_MAX = 512  # buffers per writev call (Linux accepts 1024)


class BufferWriter:
    """Writes a list of buffers to a file descriptor with `writev`, resuming where a short
    (non-blocking) write stopped."""

    def __init__(self, buffers: list[Any]) -> None:
        self._views = [memoryview(b).cast("B") for b in buffers if len(b)]
        self._index = 0

    @property
    def done(self) -> bool:
        """Whether every byte was written."""
        return self._index >= len(self._views)

    def write_to(self, fd: int) -> int:
        """One `writev`: the bytes written (raises BlockingIOError when the pipe is full)."""
        views = self._views
        written = os.writev(fd, views[self._index : self._index + _IOV_MAX])
        count = written
        while count and self._index < len(views):
            size = views[self._index].nbytes
            if count >= size:
                count -= size
                self._index += 1
            else:
                views[self._index] = views[self._index][count:]
                count = 0
        return written


def write_buffers(fd: int, buffers: list[Any]) -> None:
    """Write every buffer to a blocking file descriptor."""
    writer = BufferWriter(buffers)
    while not writer.done:
        writer.write_to(fd)


class FrameReader:
    """Incremental parser: feed bytes, take complete messages (header, blobs) out.

    The bytes fed are kept as they came (a list of chunks) and each frame is cut out once when
    it is complete. A frame of `LARGE_FRAME` bytes or more (an array, say) gets a buffer of its
    own size as soon as its length is known, and :meth:`read_from` reads the rest of it straight
    there: it crosses with no copy on this side.
    """

    def __init__(self, max_bytes: int = MAX_FRAME) -> None:
        self.max_bytes = max_bytes
        self._target: bytearray | None = None  # a large frame, read straight into its buffer
        self._filled = 0  # bytes of `_target` read so far
        self._chunks: collections.deque[bytes] = collections.deque()
        self._offset = 0  # bytes of the first chunk already taken
        self._size = 0  # bytes fed and not yet taken
        self._frame_length: int | None = None
        self._frames: list[Any] = []
        self._header: dict[str, Any] | None = None
        self._taken = 0  # bytes of the current message already cut into frames

    def feed(self, data: bytes) -> None:
        """Append bytes read from the stream (the current message may hold `max_bytes`)."""
        if not data:
            return
        if self._target is not None:  # the rest of a large frame first, then what follows it
            room = len(self._target) - self._filled
            self._target[self._filled : self._filled + min(room, len(data))] = data[:room]
            self._filled += min(room, len(data))
            data = data[room:]
            if not data:
                return
        self._chunks.append(bytes(data))
        self._size += len(data)
        if self._taken + self._size > self.max_bytes + 64:
            raise MessageTooLarge(f"message larger than {self.max_bytes} bytes")

    def read_from(self, fd: int) -> int:
        """Read what `fd` has (blocking or not, as the descriptor is) and keep it; the number of
        bytes read, 0 at end of file. A large frame is read straight into a buffer of its own
        size: it is never copied on this side."""
        target = self._target
        if target is None:
            chunk = os.read(fd, READ_BYTES)
            self.feed(chunk)
            return len(chunk)
        with memoryview(target) as view:
            count = os.readv(fd, [view[self._filled :]])
        self._filled += count
        return count

    def take(self) -> tuple[dict[str, Any], list[Any]] | None:
        """Return the next complete message, or None if more bytes are needed."""
        while True:
            header = self._header
            if header is not None and len(self._frames) == 1 + header["blobs"]:
                blobs = self._frames[1:]
                self._header, self._frames, self._taken = None, [], 0
                return header, blobs
            if self._frame_length is None:
                if self._size < 4:
                    return None
                (length,) = _LENGTH.unpack(self._cut(4))
                if length > self.max_bytes:
                    raise MessageTooLarge(f"frame of {length} bytes is over the limit")
                if self._taken + length > self.max_bytes + 64:
                    raise MessageTooLarge(f"message larger than {self.max_bytes} bytes")
                self._frame_length = length
            frame: bytes | bytearray
            if self._target is not None:
                if self._filled < self._frame_length:
                    return None
                frame, self._target = self._target, None
                self._taken += len(frame)
            elif self._size >= self._frame_length:
                frame = self._cut(self._frame_length)
            elif self._frame_length >= LARGE_FRAME:
                # Read the rest in place: what came already is copied in, once.
                have = self._size
                target = bytearray(self._frame_length)
                target[:have] = self._cut(have)
                self._target, self._filled = target, have
                self._taken -= have  # counted when the frame is complete
                continue
            else:
                return None
            self._frame_length = None
            if self._header is None:
                self._header = _parse_header(frame)
            self._frames.append(frame)

    def _cut(self, count: int) -> bytes:
        """The next `count` bytes (all fed already), removed from the buffer."""
        pieces: list[bytes] = []
        needed = count
        while needed:
            chunk = self._chunks[0]
            available = len(chunk) - self._offset
            if available <= needed:
                pieces.append(chunk[self._offset :] if self._offset else chunk)
                self._chunks.popleft()
                self._offset = 0
                needed -= available
            else:
                pieces.append(chunk[self._offset : self._offset + needed])
                self._offset += needed
                needed = 0
        self._size -= count
        self._taken += count
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _parse_header(frame: bytes | bytearray) -> dict[str, Any]:
    try:
        header = json.loads(frame)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProtocolError(f"bad header: {error}") from error
    if not isinstance(header, dict) or not isinstance(header.get("blobs"), int):
        raise ProtocolError("bad header: not an object with a blob count")
    if not 0 <= header["blobs"] <= MAX_ITEMS:
        raise ProtocolError("bad header: blob count out of range")
    return header


def read_message(fd: int) -> tuple[dict[str, Any], list[Blob]] | None:
    """Blocking read of one message from a file descriptor; None at end of file."""
    reader = FrameReader()
    while True:
        message = reader.take()
        if message is not None:
            return message
        if not reader.read_from(fd):
            return None


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to a blocking file descriptor."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# -- values ---------------------------------------------------------------------------------------


def array_to_bytes(array: Any) -> bytes:
    """`.npy` bytes of a plain numeric array (object arrays are refused, never pickled)."""
    blob = array_blob(array)
    return bytes(blob) if isinstance(blob, SplitBlob) else blob


def array_blob(array: Any) -> SplitBlob | bytes:
    """An array as `.npy` data to send: its header and a view of its memory when the array is
    contiguous (nothing copied), else `.npy` bytes. Object arrays are refused, never pickled."""
    import numpy as np
    from numpy.lib import format as npy_format

    array = np.asarray(array)
    if array.dtype.hasobject:
        raise TypeError("an array of Python objects (dtype=object) cannot be returned")
    buffer = io.BytesIO()
    try:  # the header np.save writes, then the data as it lies in memory
        fields = npy_format.header_data_from_array_1_0(array)
        npy_format.write_array_header_1_0(buffer, fields)
    except ValueError:  # a header too long for format 1.0: np.save picks the version
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()
    order = "F" if fields["fortran_order"] else "C"
    try:
        flat = array.ravel(order=order)  # a view when the array is contiguous in that order
        data = memoryview(flat.view(np.uint8)) if flat.dtype.itemsize else memoryview(b"")
    except (ValueError, TypeError):  # a dtype numpy will not view as bytes
        data = memoryview(array.tobytes(order=order))
    return SplitBlob(buffer.getvalue(), data)


# The header `np.save` writes for a plain array, e.g. {'descr': '<f8', 'fortran_order': False,
# 'shape': (3, 4), }: read with a regular expression (numpy parses it as a Python literal, which
# costs more than the rest of a small call). Anything else goes through np.load.
_NPY_HEADER = re.compile(
    r"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
    r"'shape': \(((?:\d+, )*\d+,?|)\), \} *\n"
)
_NPY_MAGIC = b"\x93NUMPY"


def _read_npy_quickly(blob: Any) -> Any:
    """The array in `.npy` bytes with a plain header, as a new writable array; None otherwise."""
    import numpy as np

    data = blob.header if isinstance(blob, SplitBlob) else blob
    if data[:6] != _NPY_MAGIC or len(data) < 10:
        return None
    if data[6] == 1:
        (length,) = struct.unpack_from("<H", data, 8)
        start = 10
    elif data[6] in (2, 3):
        if len(data) < 12:
            return None
        (length,) = struct.unpack_from("<I", data, 8)
        start = 12
    else:
        return None
    try:
        header = data[start : start + length].decode("latin1")
    except UnicodeDecodeError:
        return None
    found = _NPY_HEADER.fullmatch(header)
    if found is None:
        return None
    descr, fortran, shape_text = found.groups()
    try:
        dtype = np.dtype(descr)
    except TypeError:
        return None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        return None
    shape = tuple(int(part) for part in shape_text.replace(",", " ").split())
    count = math.prod(shape)
    offset = start + length
    if isinstance(blob, SplitBlob):
        if len(data) != offset:
            return None
        data, offset = blob.data, 0
    if len(data) - offset != count * dtype.itemsize:
        return None
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran == "True" else "C").copy(order="K")


def bytes_to_array(data: Any) -> Any:
    """Read `.npy` bytes (or a :class:`SplitBlob`) without ever unpickling; a new array."""
    import numpy as np

    try:
        quick = _read_npy_quickly(data)
    except Exception:  # an unusual header: np.load decides (and its errors are reported)
        quick = None
    if quick is not None:
        return quick
    try:
        array = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
    except Exception as error:  # any malformed .npy is a protocol error, whatever numpy raises
        raise ProtocolError(f"bad array data: {error}") from error
    if not isinstance(array, np.ndarray):
        raise ProtocolError("bad array data")
    return array


class Encoder:
    """Turn Python values into tagged JSON plus blobs. Used on both sides of the wire."""

    def __init__(self, register: Any = None, *, discard_arrays: bool = False) -> None:
        self.blobs: list[Blob] = []
        self.register = register
        self.discard_arrays = discard_arrays

    def encode(self, value: Any, depth: int = 0) -> Any:
        """Encode one value (recursively, within the depth and size limits)."""
        import numpy as np

        if depth > MAX_DEPTH:
            raise TypeError("the result is nested too deeply")
        if value is None:
            return {"t": "none"}
        if isinstance(value, bool | np.bool_):
            return {"t": "bool", "v": bool(value)}
        if isinstance(value, np.ndarray):
            if self.discard_arrays:  # timing runs: the result is not checked, skip the copy
                return {"t": "none"}
            self.blobs.append(array_blob(value))
            return {"t": "array", "b": len(self.blobs) - 1}
        if isinstance(value, np.generic):
            self.blobs.append(array_blob(np.asarray(value)))
            return {"t": "npscalar", "b": len(self.blobs) - 1}
        if isinstance(value, int):
            return {"t": "int", "v": str(int.__index__(value))}
        if isinstance(value, float):
            return {"t": "float", "v": repr(float.__float__(value))}
        if isinstance(value, str):
            text = str.__str__(value)
            if len(text) > MAX_STRING:
                raise TypeError("a returned string is too long")
            return {"t": "str", "v": text}
        if isinstance(value, list | tuple):
            if len(value) > MAX_ITEMS:
                raise TypeError("a returned list is too long")
            kind = "list" if isinstance(value, list) else "tuple"
            return {"t": kind, "v": [self.encode(item, depth + 1) for item in list(value)]}
        if isinstance(value, dict):
            if len(value) > MAX_ITEMS:
                raise TypeError("a returned dict is too long")
            items = dict(value)
            if not all(isinstance(key, str) for key in items):
                raise TypeError("only dicts with string keys can be returned")
            return {"t": "dict", "v": {str(k): self.encode(v, depth + 1) for k, v in items.items()}}
        if isinstance(value, Code):
            return {"t": "code", "v": value.source, "name": value.name}
        if isinstance(value, Handle):
            return {"t": "ref", "id": value.handle_id}
        if self.register is None:
            raise TypeError(f"cannot send a {type(value).__name__}")
        return self.register(value)


class Code:
    """Code the checks pass to the learner's code: an expression such as `f` of a gradient
    check (`Code("lambda x: np.sum(x ** 2)")`), or, with `name`, a block of statements that
    defines `name` (a small estimator class for `cross_val_score`, say). It runs in the sandbox
    with `np` and `math` available; it is an input, never a secret."""

    def __init__(self, source: str, name: str | None = None) -> None:
        self.source = source
        self.name = name

    def __repr__(self) -> str:
        return f"Code({self.source!r}, name={self.name!r})"


class Handle:
    """Base for the grader's proxies of objects living in the sandbox (`Remote...` classes)."""

    handle_id: int


def decode_value(tree: Any, blobs: list[Blob], make_handle: Any, depth: int = 0) -> Any:
    """Decode a tagged value (grader side: `make_handle(tree)` builds proxies for objects)."""
    if depth > MAX_DEPTH + 1:
        raise ProtocolError("value nested too deeply")
    if not isinstance(tree, dict) or not isinstance(tree.get("t"), str):
        raise ProtocolError("bad value")
    kind = tree["t"]
    if kind == "none":
        return None
    if kind == "bool":
        return bool(tree["v"])
    if kind == "int":
        text = str(tree["v"])
        if len(text) > 4300:
            raise ProtocolError("integer too long")
        return int(text)
    if kind == "float":
        return float(str(tree["v"]))
    if kind == "str":
        return str(tree["v"])[:MAX_STRING]
    if kind in ("array", "npscalar"):
        index = tree.get("b")
        if not isinstance(index, int) or not 0 <= index < len(blobs):
            raise ProtocolError("bad blob reference")
        array = bytes_to_array(blobs[index])
        if kind == "npscalar":
            if array.ndim != 0:
                raise ProtocolError("bad scalar")
            return array[()]
        return array
    if kind in ("list", "tuple"):
        items = tree.get("v")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ProtocolError("bad list")
        decoded = [decode_value(item, blobs, make_handle, depth + 1) for item in items]
        return decoded if kind == "list" else tuple(decoded)
    if kind == "dict":
        items = tree.get("v")
        if not isinstance(items, dict) or len(items) > MAX_ITEMS:
            raise ProtocolError("bad dict")
        return {str(k): decode_value(v, blobs, make_handle, depth + 1) for k, v in items.items()}
    if kind in ("object", "callable"):
        if not isinstance(tree.get("id"), int) or not isinstance(tree.get("type"), str):
            raise ProtocolError("bad object reference")
        return make_handle(tree)
    raise ProtocolError(f"unknown value tag {kind!r}")


# -- the learner's side: running submitted code ---------------------------------------------------


class ForbiddenError(ImportError):
    """Raised in the sandbox when the learner's code uses something the lab forbids."""


class Executor:
    """Holds the learner's module and the objects it returned; answers one request at a time."""

    def __init__(self) -> None:
        self.module: types.ModuleType | None = None
        self.filename = "solution.py"
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.forbidden_used: list[str] = []

    # objects -----------------------------------------------------------------------------------

    def register(self, value: Any) -> dict[str, Any]:
        """Keep a reference to an object the grader will refer to later, by a small id."""
        key = id(value)
        if key not in self.ids:
            self.ids[key] = len(self.objects) + 1
            self.objects[self.ids[key]] = value
        handle_id = self.ids[key]
        kind = "callable" if callable(value) else "object"
        type_name = value.__name__ if isinstance(value, type) else type(value).__name__
        return {"t": kind, "id": handle_id, "type": str(type_name)[:200]}

    def decode(self, tree: Any, blobs: list[Blob], depth: int = 0) -> Any:
        """Decode an argument sent by the grader (refs point at kept objects; code is compiled)."""
        if isinstance(tree, dict) and tree.get("t") == "ref":
            return self.objects[int(tree["id"])]
        if isinstance(tree, dict) and tree.get("t") == "code":
            import numpy as np

            namespace: dict[str, Any] = {"np": np, "math": math, "__name__": "checks_code"}
            name = tree.get("name")
            if name is None:
                return eval(compile(str(tree["v"]), "<check>", "eval"), namespace)
            exec(compile(str(tree["v"]), "<check>", "exec"), namespace)
            return namespace[str(name)]
        if isinstance(tree, dict) and tree.get("t") in ("list", "tuple"):
            items = [self.decode(item, blobs, depth + 1) for item in tree["v"]]
            return items if tree["t"] == "list" else tuple(items)
        if isinstance(tree, dict) and tree.get("t") == "dict":
            return {k: self.decode(v, blobs, depth + 1) for k, v in tree["v"].items()}
        return decode_value(tree, blobs, lambda _: None, depth)

    # requests ----------------------------------------------------------------------------------

    def handle(
        self, request: dict[str, Any], blobs: list[Blob]
    ) -> tuple[dict[str, Any], list[Blob]]:
        """Answer one request: load, get or call."""
        op = request.get("op")
        try:
            if op == "load":
                return self._load(request), []
            if op == "get":
                target = self._target(request)
                name = str(request["name"])
                if request.get("id") is None:  # the learner's module
                    plain, pure = None, False
                    method = _is_module_callable(target, name)
                else:
                    plain = _plain_attributes(target)
                    pure = plain is not None and _is_plain_attribute(target, plain, name)
                    method = plain is not None and _is_plain_method(target, plain, name)
                value = getattr(target, name)
                reply, reply_blobs = self._reply(
                    value, 0.0, pure=pure, siblings=(target, plain) if pure and plain else None
                )
                if method and reply.get("ok"):
                    reply["method"] = True  # the grader may call it by name from now on
                return reply, reply_blobs
            if op == "call":
                via = request.get("via")
                if isinstance(via, dict):  # called by name: looked up now, as Python would
                    owner = self.module if via.get("id") is None else self.objects[int(via["id"])]
                    try:
                        function = getattr(owner, str(via["name"]))
                    except AttributeError as error:  # the grader reports the name as missing
                        reply = self._exception(error)
                        reply["error"]["lookup"] = True
                        return reply, []
                else:
                    function = self.objects[int(request["id"])]
                value, seconds = self._timed_calls(function, request, blobs)
                return self._reply(
                    value, seconds, discard=bool(request.get("discard")), returned_object=True
                )
            if op == "ping":
                return {"ok": True, "value": {"t": "none"}}, []
            return {"ok": False, "error": {"kind": "protocol", "message": f"unknown op {op}"}}, []
        except SystemExit as error:
            return self._error("exited", f"the code called sys.exit({error.code!r})"), []
        except BaseException as error:  # the learner's exception, reported as data
            return self._exception(error), []

    def _timed_calls(
        self, function: Any, request: dict[str, Any], blobs: list[Blob]
    ) -> tuple[Any, float]:
        """Call `function` with the request's arguments; the result and the seconds it took.

        With ``"repeat": {"runs": k, "enough": s}`` (speed measurements), the call is made up to
        k times, each with fresh copies of the arguments, and the best time is returned: at
        least two runs unless the first took over `s` seconds, fewer when the calls are slow
        enough for noise not to matter. The arguments cross the pipe once.
        """
        repeat = request.get("repeat")
        runs = int(repeat.get("runs", 1)) if isinstance(repeat, dict) else 1
        enough = float(repeat.get("enough", 0.0)) if isinstance(repeat, dict) else 0.0
        best = math.inf
        value: Any = None
        for run in range(1, max(1, min(runs, 20)) + 1):
            args = [self.decode(arg, blobs) for arg in request.get("args", [])]
            kwargs = {str(k): self.decode(v, blobs) for k, v in request.get("kwargs", {}).items()}
            start = time.perf_counter()
            value = function(*args, **kwargs)
            best = min(best, time.perf_counter() - start)
            if best > enough or (run >= 2 and (best > 0.05 or (best > 0.01 and run >= 3))):
                break
        return value, best

    def _target(self, request: dict[str, Any]) -> Any:
        if request.get("id") is None:
            if self.module is None:
                raise RuntimeError("no submission loaded")
            return self.module
        return self.objects[int(request["id"])]

    def _reply(
        self,
        value: Any,
        seconds: float,
        *,
        discard: bool = False,
        pure: bool = False,
        siblings: tuple[Any, dict[str, Any]] | None = None,
        returned_object: bool = False,
    ) -> tuple[dict[str, Any], list[Blob]]:
        encoder = Encoder(self.register, discard_arrays=discard)
        try:
            tree = encoder.encode(value)
        except Exception as error:
            return self._error("bad_result", f"the result cannot be checked: {error}"), []
        reply: dict[str, Any] = {"ok": True, "value": tree, "seconds": seconds}
        if pure:
            # Read without running any code: the grader may keep it, and the object's other
            # plain data attributes sent along, until it sends its next call.
            reply["pure"] = True
            reply["siblings"] = _encode_siblings(encoder, *siblings) if siblings else {}
        elif returned_object and not discard and tree.get("t") == "object":
            # A call that returned an object (a constructor, `fit` returning self): its plain
            # data attributes come along, as they are now that the call has ended.
            plain = _plain_attributes(value)
            if plain:
                reply["siblings"] = _encode_siblings(encoder, value, plain)
                reply["siblings_of"] = tree["id"]
        if self.forbidden_used:
            reply["forbidden"] = list(self.forbidden_used)
        return reply, encoder.blobs

    def _error(self, kind: str, message: str) -> dict[str, Any]:
        reply: dict[str, Any] = {"ok": False, "error": {"kind": kind, "message": message[:4000]}}
        if self.forbidden_used:
            reply["forbidden"] = list(self.forbidden_used)
        return reply

    def _exception(self, error: BaseException) -> dict[str, Any]:
        if isinstance(error, ForbiddenError):
            return self._error("forbidden_import", str(error))
        if isinstance(error, MemoryError):
            return self._error("memory", "the code ran out of memory (MemoryError)")
        if isinstance(error, RecursionError):
            return self._error("exception", "RecursionError: " + self._trimmed_traceback(error))
        kind = "not_implemented" if isinstance(error, NotImplementedError) else "exception"
        reply = self._error(kind, self._trimmed_traceback(error))
        reply["error"]["type"] = type(error).__name__
        reply["error"]["text"] = _safe_str(error)[:1000]
        return reply

    def _trimmed_traceback(self, error: BaseException) -> str:
        """The traceback's frames in the learner's file only, then the exception line."""
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename == self.filename
        ][-8:]
        lines = [
            f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
            + (f"    {frame.line}\n" if frame.line else "")
            for frame in frames
        ]
        head = "Traceback (in your file):\n" if lines else ""
        return head + "".join(lines) + f"{type(error).__name__}: {_safe_str(error)}"[:2000]

    def _load(self, request: dict[str, Any]) -> dict[str, Any]:
        source = str(request["source"])
        self.filename = str(request.get("filename", "solution.py"))
        module_name = str(request.get("module", "solution"))
        try:
            code = compile(source, self.filename, "exec", dont_inherit=True)
        except SyntaxError as error:
            return self._error("syntax", f"line {error.lineno}: {error.msg}")
        linecache.cache[self.filename] = (len(source), None, source.splitlines(True), self.filename)
        install_guard(
            self,
            [str(name) for name in request.get("forbidden_imports", [])],
            [str(name) for name in request.get("forbidden_calls", [])],
        )
        module = types.ModuleType(module_name)
        module.__file__ = self.filename
        sys.modules[module_name] = module
        self.module = module
        try:
            exec(code, module.__dict__)
        except SystemExit as error:
            return self._error("exited", f"the file called sys.exit({error.code!r}) when imported")
        except BaseException as error:
            reply = self._exception(error)
            if reply["error"]["kind"] in ("exception", "not_implemented"):
                reply["error"]["kind"] = "crash"
                reply["error"]["message"] = (
                    "your file raised an error when it was imported:\n" + reply["error"]["message"]
                )
            return reply
        if self.forbidden_used:
            return self._error(
                "forbidden_import",
                f"your file uses {', '.join(self.forbidden_used)}, which this lab forbids",
            )
        names = [str(name) for name in request.get("entry_points", [])]
        missing = [name for name in names if not hasattr(module, name)]
        return {"ok": True, "value": {"t": "none"}, "missing": missing}


SIBLING_ARRAY_BYTES = 1 << 20
"""Largest array sent along with another attribute of the same object (bigger: read on demand)."""
SIBLINGS_BYTES = 4 << 20
SIBLINGS_MAX = 64
_PLAIN_SCALARS = (bool, int, float, str, type(None))


_OBJECT_GET = type.__dict__["__dict__"].__get__(object)["__getattribute__"]
_MISSING = object()


def _static(cls: type, name: str) -> Any:
    """`name` as the class defines it, found without running any code (no metaclass, no
    descriptor): the first entry along the method resolution order."""
    for klass in cls.__mro__:
        own = type.__dict__["__dict__"].__get__(klass)
        if name in own:
            return own[name]
    return _MISSING


def _plain_attributes(target: Any) -> dict[str, Any] | None:
    """The instance dictionary of an object whose attribute reads run no code of its own."""
    cls = type(target)
    if issubclass(cls, types.ModuleType) or _static(cls, "__getattribute__") is not _OBJECT_GET:
        return None
    if type(_static(cls, "__dict__")).__name__ != "getset_descriptor":
        return None  # no instance dictionary, or one behind the class's own descriptor
    instance = object.__getattribute__(target, "__dict__")
    return instance if type(instance) is dict else None


def _is_plain_attribute(target: Any, instance: dict[str, Any], name: str) -> bool:
    """Whether `target.name` is just its instance dictionary's entry (no descriptor runs)."""
    if name not in instance:
        return False
    defined = _static(type(target), name)
    if defined is _MISSING:
        return True
    kind = type(defined)  # a data descriptor (a property, say) would win over the instance
    return _static(kind, "__set__") is _MISSING and _static(kind, "__delete__") is _MISSING


def _is_plain_method(target: Any, instance: dict[str, Any], name: str) -> bool:
    """Whether `target.name` is a method defined by a plain function of its class."""
    return name not in instance and type(_static(type(target), name)) is types.FunctionType


def _is_module_callable(module: Any, name: str) -> bool:
    """Whether `module.name` is a function or class in the module's namespace."""
    if type(module) is not types.ModuleType:
        return False
    value = module.__dict__.get(name, _MISSING)
    return type(value) is types.FunctionType or isinstance(value, type)


def _encode_siblings(encoder: Encoder, target: Any, instance: dict[str, Any]) -> dict[str, Any]:
    """The object's plain data attributes (NumPy arrays and scalars, Python scalars: entries of
    its instance dictionary that no descriptor of its class hides), as long as they are small:
    encoding them runs none of the learner's code."""
    import numpy as np

    found: dict[str, Any] = {}
    total = 0
    for key, value in list(instance.items())[: SIBLINGS_MAX * 4]:
        if len(found) >= SIBLINGS_MAX or type(key) is not str or key.startswith("__"):
            continue
        if not _is_plain_attribute(target, instance, key):
            continue  # a property of the same name wins over the dictionary's entry
        kind = type(value)
        if kind is np.ndarray:
            if value.dtype.hasobject or value.nbytes > SIBLING_ARRAY_BYTES:
                continue
            total += value.nbytes
        elif kind not in _PLAIN_SCALARS and not (
            issubclass(kind, np.generic) and kind.__module__ == "numpy"
        ):
            continue
        if total > SIBLINGS_BYTES:
            break
        try:
            found[key] = encoder.encode(value)
        except Exception:
            continue
    return found


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return f"<{type(error).__name__}>"


def install_guard(executor: Executor, imports: list[str], calls: list[str]) -> None:
    """Make forbidden imports and calls raise `ForbiddenError` (and remember each attempt).

    This is a guard rail for honest work, not a security layer: the sandbox is.
    """
    if not imports and not calls:
        return

    def forbidden_module(name: str) -> str | None:
        if isinstance(name, str):
            name = str.__str__(name)  # the plain value, whatever a subclass says of itself
        for banned in imports:
            if name == banned or name.startswith(banned + "."):
                return banned
        return None

    def refuse(what: str) -> ForbiddenError:
        if what not in executor.forbidden_used:
            executor.forbidden_used.append(what)
        return ForbiddenError(
            f"{what} is not allowed in this lab: the point is to implement it yourself with NumPy"
        )

    class Finder:
        @staticmethod
        def find_spec(name: str, path: Any = None, target: Any = None) -> None:
            banned = forbidden_module(name)
            if banned:
                raise refuse(banned)

    sys.meta_path.insert(0, Finder())
    original_import = builtins.__import__

    allowed: set[tuple[str, tuple[str, ...]]] = set()  # NumPy imports inside its functions

    def guarded_import(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> Any:
        if level == 0 and isinstance(name, str):
            # Checked and imported as plain strings, read once: a str subclass or an iterable
            # that answers differently the second time cannot slip a forbidden name through.
            name = str.__str__(name)
            items = tuple(fromlist) if fromlist else ()
            if all(isinstance(item, str) for item in items):
                items = tuple(str.__str__(item) for item in items)
            key = (name, items)
            if key not in allowed:
                banned = forbidden_module(name)
                for item in items:
                    banned = banned or forbidden_module(f"{name}.{item}")
                if banned:
                    raise refuse(banned)
                allowed.add(key)
            fromlist = items
        return original_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import
    import importlib

    original_import_module = importlib.import_module

    def guarded_import_module(name: str, package: str | None = None) -> Any:
        if isinstance(name, str):
            name = str.__str__(name)
        banned = forbidden_module(name)
        if banned:
            raise refuse(banned)
        return original_import_module(name, package)

    importlib.import_module = guarded_import_module
    _forbid_calls(calls, refuse)


_FUNCTION_HOMES: dict[int, list[tuple[str, str]]] = {}
"""Where each function of the modules loaded in the zygote is bound: id -> (module, name)."""
_INDEXED_MODULES: dict[str, int] = {}
"""The modules that index covers (name -> id of the module object)."""
_INDEXED_KINDS: tuple[type, ...] = ()
"""The kinds of callables the index covers (others are found by a scan)."""


def index_functions() -> None:
    """In the zygote, once: where every function of the loaded modules is bound, so that each
    child forbids a call by looking it up instead of scanning every module's namespace."""
    import numpy as np

    global _INDEXED_KINDS
    kinds = (types.FunctionType, types.BuiltinFunctionType, np.ufunc, type(np.sum))
    _INDEXED_KINDS = kinds
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        _INDEXED_MODULES[module_name] = id(module)
        for key, value in list(namespace.items()):
            if isinstance(value, kinds):
                _FUNCTION_HOMES.setdefault(id(value), []).append((module_name, key))


def _forbid_calls(calls: list[str], refuse: Any) -> None:
    """Rebind every module-level name bound to a forbidden function to one that refuses: the
    modules the zygote indexed through the index, any other by scanning its namespace."""
    targets: dict[int, tuple[Any, Any]] = {}
    for dotted in calls:
        module_name, _, attribute = dotted.rpartition(".")
        try:
            __import__(module_name)
            target = getattr(sys.modules[module_name], attribute)
        except (ImportError, AttributeError, KeyError):
            continue
        targets[id(target)] = (target, _refusing(dotted, attribute, refuse))
    if not targets:
        return
    # Callables of a kind the index does not cover are looked for in every module.
    scanned_everywhere = {
        target_id
        for target_id, (target, _) in targets.items()
        if not _INDEXED_KINDS or not isinstance(target, _INDEXED_KINDS)
    }
    places: list[tuple[Any, str, int]] = []
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        wanted = targets
        if _INDEXED_MODULES.get(module_name) == id(module):
            if not scanned_everywhere:
                continue
            wanted = {target_id: targets[target_id] for target_id in scanned_everywhere}
        places += [
            (module, key, id(value)) for key, value in namespace.items() if id(value) in wanted
        ]
    for target_id in targets:
        if target_id in scanned_everywhere:
            continue
        for module_name, key in _FUNCTION_HOMES.get(target_id, []):
            indexed = sys.modules.get(module_name)
            if indexed is not None and _INDEXED_MODULES.get(module_name) == id(indexed):
                places.append((indexed, key, target_id))
    for module, key, target_id in places:
        target, forbidden = targets[target_id]
        if getattr(module, "__dict__", {}).get(key) is target:  # still bound to it
            with contextlib.suppress(AttributeError, TypeError):
                setattr(module, key, forbidden)


def _refusing(dotted: str, attribute: str, refuse: Any) -> Any:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise refuse(dotted)

    forbidden.__name__ = attribute
    return forbidden


SPIN_SECONDS = 0.002
"""How long the sandbox polls for the next request before sleeping (see `_await_request`); the
grader sends its own value (`sandbox.SPIN_SECONDS`) to the zygote."""


def _await_request(fd: int) -> None:
    """Poll the request pipe for a moment before a blocking read: the grader's next request
    usually follows within microseconds, and a sleeping process wakes up late on a virtual
    machine. Only with a core to spare."""
    import select

    if (os.cpu_count() or 1) < 2:
        return
    end = time.perf_counter() + SPIN_SECONDS
    while time.perf_counter() < end:
        if select.select([fd], [], [], 0)[0]:
            return


def serve(request_fd: int, response_fd: int, executor: Executor) -> None:
    """Answer requests until the grader closes the request pipe."""
    while True:
        _await_request(request_fd)
        message = read_message(request_fd)
        if message is None:
            return
        header, blobs = message
        reply, reply_blobs = executor.handle(header, blobs)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        write_buffers(response_fd, message_buffers(reply, reply_blobs))


# -- processes ------------------------------------------------------------------------------------

_PR_SET_DUMPABLE = 4
_PR_SET_NAME = 15
_PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int | bytes) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(option, value, 0, 0, 0)
    except Exception:
        pass


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found.append(pid)
                frontier.append(pid)
    return found


def count_descendants(root: int, limit: int) -> int:
    """How many descendants `root` has, counting up to `limit` (cheap: reads only the tree)."""
    count = 0
    frontier = [root]
    while frontier and count <= limit:
        pid = frontier.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as file:
                    children = [int(child) for child in file.read().split()]
            except (OSError, ValueError):
                continue
            count += len(children)
            frontier.extend(children)
    return count


def kill_descendants(root: int, rounds: int = 200, seconds: float = 2.0) -> int:
    """SIGKILL every descendant of `root` until none is left (or time is up); return how many
    were killed."""
    killed: set[int] = set()
    deadline = time.monotonic() + seconds
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        found = _descendants(root)
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except ProcessLookupError:
                pass
        _reap()
        time.sleep(0.001)
    _reap()
    return len(killed)


def _reap() -> dict[int, int]:
    statuses: dict[int, int] = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return statuses
        if pid == 0:
            return statuses
        statuses[pid] = status


def _count_processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def _virtual_memory_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _child_main(fds: list[int], config: dict[str, Any], control: socket.socket) -> None:
    """In a child forked for a submission: set up, isolate, limit, then serve the grader's
    requests. Never returns."""
    try:
        scratch, virtual_bytes = _prepare_child(control, str(config.get("scratch", "/tmp")))
    except BaseException as error:
        _report_set_up_failure(fds[1], error)
    _start_submission(fds, config, scratch, virtual_bytes)


def _prepare_child(control: socket.socket, scratch_root: str) -> tuple[str, int]:
    """The part of a child's set-up that needs nothing from its submission: a session of its
    own, a fresh NumPy global generator, its own folder in the scratch space (also its working
    folder, HOME and TMPDIR). Returns the folder and this process's virtual size."""
    import tempfile

    control.close()
    os.setsid()
    _fresh_random_state()
    scratch = tempfile.mkdtemp(prefix="submission-", dir=scratch_root)
    os.chdir(scratch)
    os.environ["HOME"] = scratch
    os.environ["TMPDIR"] = scratch
    return scratch, _virtual_memory_bytes()


def _start_submission(
    fds: list[int], config: dict[str, Any], scratch: str, virtual_bytes: int
) -> NoReturn:
    """Take the submission's pipes, drop privileges, set its limits, then serve its requests
    (never returns)."""
    import resource

    global SPIN_SECONDS
    request_fd, response_fd, output_fd = fds
    spin = config.get("spin_seconds")
    if isinstance(spin, int | float) and 0 <= spin <= 0.01:
        SPIN_SECONDS = float(spin)
    try:
        _name_this_process("mlcamp-submit")
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        for fd in (devnull, output_fd):
            os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        if os.getuid() == 0 and config.get("drop_uid") is not None:
            uid = int(config["drop_uid"])
            os.chown(scratch, uid, uid)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        memory = int(config["memory_bytes"])
        cpu = max(1, math.ceil(float(config["cpu_seconds"])))
        limits = [
            (resource.RLIMIT_CPU, (cpu, cpu + 1)),
            (resource.RLIMIT_AS, (virtual_bytes + memory,) * 2),
            (resource.RLIMIT_FSIZE, (int(config["file_bytes"]),) * 2),
            (resource.RLIMIT_NOFILE, (64, 64)),
            (resource.RLIMIT_CORE, (0, 0)),
        ]
        if config.get("processes"):
            allowed = int(config["processes"]) + _count_processes_of(os.getuid())
            limits.append((resource.RLIMIT_NPROC, (allowed, allowed)))
        for limit, values in limits:
            resource.setrlimit(limit, values)
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    except BaseException as error:
        _report_set_up_failure(response_fd, error)
    try:
        serve(request_fd, response_fd, Executor())
    except BaseException:
        os._exit(71)
    os._exit(0)


def _name_this_process(name: str) -> None:
    """Name this process as `ps` and /proc show it (a spare child, or a submission's)."""
    _prctl(_PR_SET_NAME, name.encode()[:15])


def _report_set_up_failure(response_fd: int, error: BaseException) -> NoReturn:
    """Say on the response pipe why the child could not be set up, then stop."""
    try:
        message = {"kind": "crash", "message": f"sandbox set-up failed: {error}"}
        write_all(response_fd, encode_message({"ok": False, "error": message}, []))
    finally:
        os._exit(70)


class _Spare:
    """A child forked and set up ahead of its submission, while the zygote is idle: a
    submission then starts in a process that is already there (fork, the copy-on-write of
    its first pages and the set-up cost 3-5 ms that no submission waits for any more). It has
    nothing but the zygote's memory until the zygote hands it a submission's pipes and limits;
    the cleanup after each submission makes the next one, and reports its pid, so that the
    grader's check that nothing survived a submission leaves out exactly that process."""

    def __init__(self, control: socket.socket, scratch_root: str) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = os.fork()
        if self.pid == 0:  # the spare: never returns
            ours.close()
            _name_this_process("mlcamp-spare")
            try:
                prepared: tuple[str, int] | BaseException = _prepare_child(control, scratch_root)
            except BaseException as error:  # said to the submission, as a child forked for it
                prepared = error
            try:
                data, fds, _flags, _addr = socket.recv_fds(theirs, 65536, 3)
            except BaseException:
                os._exit(70)
            if not data or len(fds) != 3:
                os._exit(0)  # the zygote is gone
            theirs.close()
            if isinstance(prepared, BaseException):
                _report_set_up_failure(fds[1], prepared)
            _start_submission(fds, json.loads(data), *prepared)
        theirs.close()
        self.jobs = ours

    def take(self, request: bytes, fds: list[int]) -> bool:
        """Hand the spare a submission; False if it cannot take it (it died)."""
        try:
            socket.send_fds(self.jobs, [request], fds)
            return True
        except OSError:
            return False
        finally:
            self.jobs.close()


def _fresh_random_state() -> None:
    """Give this child its own unseeded NumPy global generator, as a new interpreter would have
    (children of one zygote share its memory; Python's `random` reseeds itself after a fork)."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def zygote_main(control_fd: int, config: dict[str, Any]) -> None:
    """Preload NumPy, then fork one child per request on the control socket (never returns)."""
    global SPIN_SECONDS
    spin = config.get("spin_seconds")
    if isinstance(spin, int | float) and 0 <= spin <= 0.01:
        SPIN_SECONDS = float(spin)
    for path in config.get("sys_path", []):
        if path not in sys.path:
            sys.path.insert(0, path)
    import resource  # noqa: F401
    import shutil  # noqa: F401
    import tempfile  # noqa: F401

    import numpy

    # Loaded on first use otherwise, in every child: np.random by most labs, numpy.ma by
    # np.unique, the rest by each child's set-up.
    import numpy.ma
    import numpy.random  # noqa: F401

    index_functions()  # each child's guard then finds forbidden functions without a scan
    # The children share the zygote's memory until they write to it: a garbage collection in
    # a child would write to every object the zygote made (NumPy's included) and copy every
    # page of them. Frozen, those objects are left out of the children's collections.
    gc.collect()
    gc.freeze()
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    _prctl(_PR_SET_DUMPABLE, 0)
    control = socket.socket(fileno=control_fd)
    control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    scratch_root = str(config.get("scratch", "/tmp"))
    spare: _Spare | None = _Spare(control, scratch_root)
    current: int | None = None
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(control, 65536, 4)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        request = json.loads(data)
        if request.get("op") == "fork" and len(fds) == 3:
            if spare is not None and spare.take(data, fds):
                pid = spare.pid
            else:
                pid = os.fork()
                if pid == 0:  # its folder in the zygote's scratch, which each cleanup clears
                    _child_main(fds, {**request, "scratch": scratch_root}, control)
            spare = None
            for fd in fds:
                os.close(fd)
            current = pid
            control.send(json.dumps({"pid": pid}).encode())
        elif request.get("op") == "cleanup":
            status = _wait_for(current) if current is not None else None
            killed = kill_descendants(os.getpid())
            for fd in fds:
                os.close(fd)
            _clear_scratch(scratch_root)
            current = None
            spare = _Spare(control, scratch_root)  # made while the grader goes on
            reply = {"killed": killed, "status": status, "spare": spare.pid}
            control.send(json.dumps(reply).encode())
        else:
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"error": "unknown request"}).encode())


def _wait_for(pid: int, seconds: float = 0.05) -> int | None:
    """The exit status of a child that has ended or is ending; None if it is still running."""
    _sleep_until_exit(pid, seconds)
    deadline = time.monotonic() + seconds
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return status
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.002)


def _sleep_until_exit(pid: int, seconds: float) -> None:
    """Sleep until the process `pid` exits (woken at that moment, through a pidfd on Linux),
    or `seconds` have passed; without pidfds, return at once (the caller polls)."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.poll(seconds * 1000)
    finally:
        os.close(pidfd)


def _clear_scratch(folder: str) -> None:
    import shutil

    for entry in os.listdir(folder):
        if entry.startswith("submission-"):
            shutil.rmtree(os.path.join(folder, entry), ignore_errors=True)


if __name__ == "__main__":
    zygote_main(int(sys.argv[1]), json.loads(sys.argv[2]))
