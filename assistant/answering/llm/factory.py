"""The factory behind ``--llm SPEC``: a configuration string (or a llama-index LLM) made an LLM answerer."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from llama_index.core.llms import LLM

from assistant.answering.llm.answerer import LLMAnswerer
from assistant.answering.llm.gguf import GGUFLLM
from assistant.answering.llm.openai_client import DEFAULT_TIMEOUT, OpenAICompatibleLLM
from assistant.errors import LLMConfigError

__all__ = ["API_KEY_ENV", "SPEC_FORMS", "TIMEOUT_ENV", "make_llm_answerer"]

API_KEY_ENV = ("NEWS_ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY")
TIMEOUT_ENV = "NEWS_ASSISTANT_LLM_TIMEOUT"
SPEC_FORMS = (
    "'openai:http://HOST:PORT/v1#MODEL' (an OpenAI-compatible server), "
    "'gguf:/path/model.gguf' (a local GGUF file, needs the llama-cpp extra), "
    "'extractive' (no LLM), or a llama-index LLM object"
)


def _env_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise LLMConfigError(f"{TIMEOUT_ENV} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise LLMConfigError(f"{TIMEOUT_ENV} must be positive, got {raw!r}")
    return value


def make_llm_answerer(spec: str | LLM, *, timeout: float | None = None, **llm_options: Any) -> LLMAnswerer:
    """An :class:`LLMAnswerer` for a configuration string or a llama-index LLM object.

    ``timeout`` (seconds) overrides ``NEWS_ASSISTANT_LLM_TIMEOUT`` for an OpenAI-compatible server;
    ``llm_options`` go to the LLM (e.g. ``context_window``, ``max_tokens``).
    """
    if isinstance(spec, LLM):
        return LLMAnswerer(spec)
    if not isinstance(spec, str):
        raise LLMConfigError(f"llm must be one of {SPEC_FORMS}; got a {type(spec).__name__}")
    spec = unicodedata.normalize("NFKC", spec).strip()
    kind, sep, rest = spec.partition(":")
    kind = kind.lower()
    if sep and kind == "openai":
        url, _, model = rest.partition("#")
        url, model = url.strip(), model.strip()
        if not re.match(r"^https?://[^/\s]+", url):
            raise LLMConfigError(
                f"expected 'openai:http://HOST:PORT/v1#MODEL', got {spec!r}: the URL must start with http:// or https://"
            )
        if not model:
            raise LLMConfigError(
                f"expected 'openai:http://HOST:PORT/v1#MODEL', got {spec!r}: name the model after '#'"
            )
        api_key = next((os.environ[k] for k in API_KEY_ENV if os.environ.get(k)), None)
        llm = OpenAICompatibleLLM(
            url,
            model,
            api_key=api_key,
            timeout=timeout if timeout is not None else _env_timeout(),
            **llm_options,
        )
        return LLMAnswerer(llm, name=f"llm:{model}")
    if sep and kind == "gguf":
        path = Path(rest.strip()).expanduser()
        if path.suffix.lower() != ".gguf":
            raise LLMConfigError(
                f"expected 'gguf:/path/model.gguf', got {spec!r}: the file must end in .gguf"
            )
        if not path.is_file():
            raise LLMConfigError(f"expected 'gguf:/path/model.gguf', got {spec!r}: no such file {path}")
        llm = GGUFLLM(str(path), **llm_options)
        return LLMAnswerer(llm, name=f"llm:{path.stem}")
    raise LLMConfigError(f"llm must be one of {SPEC_FORMS}; got {spec!r}")
