"""Arrays on the wire: the quick `.npy` reader agrees with np.load, copies, and refuses junk."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlcamp.grader import harness
from mlcamp.grader.harness import (
    _LENGTH,
    BufferWriter,
    FrameReader,
    MessageTooLarge,
    ProtocolError,
    SplitBlob,
    array_blob,
    array_to_bytes,
    bytes_to_array,
    encode_message,
    message_buffers,
    read_message,
    write_buffers,
)

DTYPES = st.sampled_from(["<f8", "<f4", ">f8", "<i8", "<i4", "|u1", "|b1", "<c16", "<U3", "<m8[s]"])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=DTYPES, fortran=st.booleans())
def test_arrays_read_back_exactly_as_np_load_reads_them(
    data: st.DataObject, dtype: str, fortran: bool
) -> None:
    array = data.draw(hnp.arrays(np.dtype(dtype), hnp.array_shapes(min_dims=0, max_side=5)))
    if fortran:
        array = np.asfortranarray(array)
    raw = array_to_bytes(array)
    expected = np.load(io.BytesIO(raw), allow_pickle=False)
    got = bytes_to_array(raw)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.tobytes(order="A") == expected.tobytes(order="A")
    assert got.flags.f_contiguous == expected.flags.f_contiguous
    assert got.flags.writeable  # the learner may change its inputs in place


def test_structured_and_object_arrays_are_not_taken_by_the_quick_reader() -> None:
    structured = np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")])
    assert bytes_to_array(array_to_bytes(structured)).dtype == structured.dtype
    with pytest.raises(TypeError, match="dtype=object"):
        array_to_bytes(np.array([object()], dtype=object))


def _npy(header: str, body: bytes = b"") -> bytes:
    text = header.encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + body


@pytest.mark.parametrize(
    "raw",
    [
        _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", b"\0" * 16),  # short
        _npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 8),  # objects
        _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 99999999999999999999), }\n"),
        _npy("{'descr': 'zz', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 8),
        _npy("__import__('os').system('true')\n"),
        b"\x93NUMPY\x09\x00junk",
        b"not an array at all",
    ],
)
def test_malformed_arrays_are_protocol_errors(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        bytes_to_array(raw)


def _drawn_array(data: st.DataObject, dtype: str, order: str) -> np.ndarray:
    """A drawn array laid out C-, Fortran-ordered or strided (not contiguous)."""
    array = data.draw(hnp.arrays(np.dtype(dtype), hnp.array_shapes(min_dims=0, max_side=6)))
    if order == "F":
        array = np.asfortranarray(array)
    elif order == "strided" and array.ndim:
        array = array[::2]
    return array


@settings(max_examples=100, deadline=None)
@given(data=st.data(), dtype=DTYPES, order=st.sampled_from(["C", "F", "strided"]))
def test_arrays_are_written_as_np_save_writes_them(
    data: st.DataObject, dtype: str, order: str
) -> None:
    array = _drawn_array(data, dtype, order)
    saved = io.BytesIO()
    np.save(saved, array, allow_pickle=False)
    assert array_to_bytes(array) == saved.getvalue()


MESSAGES = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from(["op", "id", "name", "v"]), st.integers() | st.text()),
        st.lists(st.binary(max_size=300), max_size=4),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(
    messages=MESSAGES,
    cuts=st.lists(st.integers(min_value=1, max_value=97), max_size=40),
    large_frame=st.sampled_from([harness.LARGE_FRAME, 1, 40]),
)
def test_messages_come_out_whole_however_the_bytes_were_cut(
    messages: list[tuple[dict[str, object], list[bytes]]], cuts: list[int], large_frame: int
) -> None:
    # With a small LARGE_FRAME, frames are read into buffers of their own as they arrive.
    original = harness.LARGE_FRAME
    harness.LARGE_FRAME = large_frame
    try:
        _check_cut_stream(messages, cuts)
    finally:
        harness.LARGE_FRAME = original


def _check_cut_stream(
    messages: list[tuple[dict[str, object], list[bytes]]], cuts: list[int]
) -> None:
    stream = b"".join(encode_message(header, blobs) for header, blobs in messages)
    reader = FrameReader()
    taken = []
    position = 0
    for size in [*cuts, len(stream)]:
        reader.feed(stream[position : position + size])
        position += size
        while (message := reader.take()) is not None:
            taken.append(message)
    assert [(h, b) for h, b in taken] == [
        ({**header, "blobs": len(blobs)}, blobs) for header, blobs in messages
    ]


def test_frames_over_the_limit_and_bad_headers_are_protocol_errors() -> None:
    reader = FrameReader(max_bytes=100)
    reader.feed(_LENGTH.pack(101))
    with pytest.raises(ProtocolError, match="over the limit"):
        reader.take()
    with pytest.raises(ProtocolError, match="larger than"):
        FrameReader(max_bytes=100).feed(b"x" * 200)
    # The limit holds for the whole message, however it arrives: frames taken out of the buffer
    # as they come still count until the message is complete.
    reader = FrameReader(max_bytes=100)
    message = encode_message({"op": "call"}, [b"a" * 60, b"b" * 60, b"c" * 60])
    with pytest.raises(ProtocolError, match="larger than"):
        for start in range(0, len(message), 10):
            reader.feed(message[start : start + 10])
            assert reader.take() is None
    small = FrameReader(max_bytes=100)
    for _ in range(5):  # many messages, each under the limit: no error
        small.feed(encode_message({"op": "x"}, [b"a" * 30]))
        assert small.take() is not None
    for header in (b"not json", b"[1, 2]", b'{"blobs": -1}', b'{"blobs": "2"}'):
        reader = FrameReader()
        reader.feed(_LENGTH.pack(len(header)) + header)
        with pytest.raises(ProtocolError, match="bad header"):
            reader.take()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dtype=DTYPES, order=st.sampled_from(["C", "F", "strided"]))
def test_an_encoded_array_is_its_npy_bytes_and_shares_the_array_memory(
    data: st.DataObject, dtype: str, order: str
) -> None:
    array = _drawn_array(data, dtype, order)
    blob = array_blob(array)
    saved = io.BytesIO()
    np.save(saved, array, allow_pickle=False)
    assert bytes(blob) == saved.getvalue() and len(blob) == len(saved.getvalue())
    got = bytes_to_array(blob)  # in-process use (no wire): a new array all the same
    assert got.dtype == array.dtype and got.shape == array.shape
    assert got.tobytes() == array.tobytes()
    assert got.flags.writeable and not np.shares_memory(got, array)
    contiguous = array.flags.c_contiguous or array.flags.f_contiguous
    if isinstance(blob, SplitBlob) and contiguous and array.size and array.dtype.itemsize:
        # Sending writes the array's own memory: nothing was copied to encode it.
        view = np.frombuffer(blob.data, dtype=np.uint8)
        assert np.shares_memory(view, array)


def _through_pipe(message: tuple[dict[str, object], list[object]]) -> tuple[dict, list]:
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=write_buffers, args=(write_end, message_buffers(*message)))
    writer.start()
    try:
        got = read_message(read_end)
    finally:
        writer.join()
        os.close(read_end)
        os.close(write_end)
    assert got is not None
    return got


@pytest.mark.parametrize("rows", [1, 4_000, 70_000])
def test_large_arrays_cross_a_pipe_whole_and_writable(rows: int) -> None:
    array = np.random.default_rng(rows).normal(size=(rows, 8))
    ints = np.arange(rows * 3).reshape(3, rows).T  # F-ordered, crosses as it is laid out
    header, blobs = _through_pipe(({"op": "call"}, [array_blob(array), array_blob(ints), b"x"]))
    assert header == {"op": "call", "blobs": 3}
    got = bytes_to_array(blobs[0])
    assert np.array_equal(got, array) and got.flags.writeable and got.flags.aligned
    assert np.array_equal(bytes_to_array(blobs[1]), ints)
    assert bytes(blobs[2]) == b"x"


def test_a_large_frame_read_in_place_is_followed_by_the_next_message() -> None:
    big = b"a" * (3 * harness.LARGE_FRAME + 5)
    read_end, write_end = os.pipe()
    stream = encode_message({"n": 1}, [big, b"tail"]) + encode_message({"n": 2}, [b"next"])

    def write() -> None:
        for start in range(0, len(stream), 100_003):  # arrives in pieces
            os.write(write_end, stream[start : start + 100_003])

    writer = threading.Thread(target=write)
    writer.start()
    reader = FrameReader()
    taken = []
    while len(taken) < 2:
        message = reader.take()
        if message is None:
            assert reader.read_from(read_end) > 0
        else:
            taken.append(message)
    writer.join()
    os.close(read_end)
    os.close(write_end)
    assert taken[0][0]["n"] == 1 and taken[0][1] == [big, b"tail"]
    assert taken[1][0]["n"] == 2 and taken[1][1] == [b"next"]


def test_the_size_limit_holds_before_a_large_frame_is_read() -> None:
    reader = FrameReader(max_bytes=10 * harness.LARGE_FRAME)
    first = b"b" * (6 * harness.LARGE_FRAME)
    message = encode_message({"op": "call"}, [first, first])
    reader.feed(message[: len(message) - len(first) + 10])
    with pytest.raises(MessageTooLarge, match="larger than"):  # said before the bytes come
        reader.take()


def test_a_writer_resumes_where_a_full_pipe_stopped_it() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    parts = [b"h" * 10, memoryview(b"x" * 300_000), b"", memoryview(np.arange(90_000.0))]
    expected = b"".join(bytes(p) for p in parts)
    writer = BufferWriter(parts)
    received = bytearray()
    while not writer.done:
        with contextlib.suppress(BlockingIOError):
            writer.write_to(write_end)
        received += os.read(read_end, 70_000)  # a slow reader: many short writes
    os.close(write_end)
    while chunk := os.read(read_end, 1 << 20):
        received += chunk
    os.close(read_end)
    assert bytes(received) == expected
