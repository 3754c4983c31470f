"""Fast embedding path: the sentence-transformers model exported to ONNX and run with ONNX Runtime.

:class:`OnnxEncoder` exports the model folder's transformer once with ``torch.onnx.export`` (dynamic
batch and sequence axes, opset 17, inputs ``input_ids`` and ``attention_mask``) into
``<model>/onnx/model.onnx``, optionally quantises it to int8 with ONNX Runtime's dynamic quantisation
(``model.int8.onnx``), and encodes like ``SentenceTransformer.encode``: ``tokenizers`` from the
folder's ``tokenizer.json``, texts sorted by token length and padded per batch, mean pooling over the
attention mask, L2 normalisation, vectors returned in the input order. Both files are written to a
temporary name and renamed, under a file lock, so concurrent or killed processes never leave half a
model. Nothing is downloaded; ``optimum`` is not needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.model.cache import exclusive_lock

__all__ = ["OnnxEncoder", "export_onnx"]

logger = logging.getLogger(__name__)

OPSET = 17
_RECORD = "export.json"  # which weights file the .onnx files were made from; written last


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _source_stamp(model_dir: Path) -> dict[str, Any]:
    weights = [p for p in ("model.safetensors", "pytorch_model.bin") if (model_dir / p).is_file()]
    if not weights:
        raise ValueError(f"{model_dir}: expected model.safetensors or pytorch_model.bin, found neither")
    stat = (model_dir / weights[0]).stat()
    return {"weights": weights[0], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "opset": OPSET}


def _write_atomically(dest: Path, write: Any) -> None:
    """``write(tmp_path)`` then rename to ``dest``; the temporary file is removed on failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared by users
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _export_fp32(model_dir: Path, dest: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax ops with no data-dependent shortcut to freeze
    # into the graph; the example batch carries padding so the mask path is the one traced.
    model = AutoModel.from_pretrained(model_dir, local_files_only=True, attn_implementation="eager").eval()

    class _Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state

    ids = torch.tensor([[0, 10, 11, 12, 2], [0, 13, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    axes = {0: "batch", 1: "sequence"}
    logger.info("exporting %s to ONNX (once; takes about a minute)", model_dir)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        _write_atomically(
            dest,
            lambda tmp: torch.onnx.export(
                _Encoder(),
                (ids, mask),
                tmp,
                dynamo=False,
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET,
                do_constant_folding=True,
            ),
        )


def _quantize(src: Path, dest: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logger.info("quantising %s to int8", src)
    # MatMul weights only: int8 word embeddings (Gather) would save memory, not time. Per-channel
    # scales and 7-bit weights (reduce_range) avoid the u8*s8 saturation of AVX2 CPUs without VNNI;
    # measured here they were both the fastest and the closest to fp32 of the variants tried.
    _write_atomically(
        dest,
        lambda tmp: quantize_dynamic(
            src,
            tmp,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul"],
        ),
    )


def export_onnx(model_dir: str | os.PathLike[str], *, quantized: bool = False) -> Path:
    """The ONNX file for a sentence-transformers folder, exported (and quantised) on first use."""
    model_dir = Path(model_dir)
    out = model_dir / "onnx"
    out.mkdir(exist_ok=True)
    fp32, int8, record = out / "model.onnx", out / "model.int8.onnx", out / _RECORD
    wanted = int8 if quantized else fp32
    stamp = _source_stamp(model_dir)
    with exclusive_lock(out / ".lock"):
        current = record.is_file() and record.read_text(encoding="utf-8") == json.dumps(stamp)
        if not current:  # new or changed weights: start over
            for stale in (record, int8, fp32):
                stale.unlink(missing_ok=True)
        if not fp32.is_file():
            _export_fp32(model_dir, fp32)
        if quantized and not int8.is_file():
            _quantize(fp32, int8)
        if not current:
            _write_atomically(record, lambda tmp: Path(tmp).write_text(json.dumps(stamp), encoding="utf-8"))
    return wanted


def _transformer_dir(model_dir: Path) -> tuple[Path, Path | None]:
    """(transformer folder, pooling folder) from ``modules.json``; a plain HF folder is both-in-one."""
    modules_file = model_dir / "modules.json"
    if not modules_file.is_file():
        return model_dir, None
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    by_type = {m["type"].rsplit(".", 1)[-1]: model_dir / m.get("path", "") for m in modules}
    if "Transformer" not in by_type:
        raise ValueError(f"{modules_file}: expected a Transformer module, got {sorted(by_type)}")
    return by_type["Transformer"], by_type.get("Pooling")


class OnnxEncoder:
    """Encodes texts like ``SentenceTransformer.encode`` (mean pooling), with ONNX Runtime on all cores."""

    def __init__(self, session: Any, tokenizer: Any, *, max_length: int, dimension: int, pad_id: int):
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.dimension = dimension
        self.pad_id = pad_id

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        quantized: bool = False,
        max_length: int = 512,
        threads: int | None = None,
    ) -> OnnxEncoder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir, pooling_dir = _transformer_dir(Path(path))
        if pooling_dir is not None:
            pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
            # sentence-transformers >= 6 writes "pooling_mode": "mean"; older versions one flag per mode.
            modes = [pooling["pooling_mode"]] if isinstance(pooling.get("pooling_mode"), str) else []
            modes += sorted(k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True)
            if modes not in (["mean"], ["pooling_mode_mean_tokens"]):
                raise ValueError(f"{pooling_dir}: OnnxEncoder does mean pooling only, the model uses {modes}")
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        # The model's own limit: sentence_bert_config.json (ST < 6) or tokenizer_config.json (ST >= 6).
        for name, key in (
            ("sentence_bert_config.json", "max_seq_length"),
            ("tokenizer_config.json", "model_max_length"),
        ):
            if (model_dir / name).is_file():
                limit = json.loads((model_dir / name).read_text(encoding="utf-8")).get(key)
                if isinstance(limit, int) and limit > 0:
                    max_length = min(max_length, limit)
                    break
        max_length = min(max_length, int(config.get("max_position_embeddings", max_length)))
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _cpu_count()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        onnx_file = export_onnx(model_dir, quantized=quantized)
        session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        pad_id = config.get("pad_token_id")
        pad_id = int(pad_id if pad_id is not None else tokenizer.token_to_id("<pad>") or 0)
        return cls(
            session, tokenizer, max_length=max_length, dimension=int(config["hidden_size"]), pad_id=pad_id
        )

    def encode(
        self,
        sentences: Sequence[str] | str,
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        convert_to_numpy: bool = True,
        show_progress_bar: bool = False,
        **_: Any,
    ) -> np.ndarray:
        """Vectors for ``sentences`` in their order (float32, ``[n, dimension]``; 1-D for one string)."""
        batch_size = max(1, int(batch_size))
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # longest first
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = pooled
        if normalize_embeddings and len(texts):
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out[0] if single else out
