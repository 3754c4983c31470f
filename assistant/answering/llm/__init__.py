"""LLM answerers through llama-index's LLM interface: guard, prompts, replies, clients, factory.

``make_llm_answerer(spec)`` turns a configuration string (or a llama-index ``LLM`` object) into an
:class:`LLMAnswerer`:

- ``"openai:http://HOST:PORT/v1#MODEL"``: any OpenAI-compatible server (vLLM, Ollama, llama.cpp
  server, OpenAI) through :class:`OpenAICompatibleLLM`, a small llama-index ``CustomLLM`` that
  speaks ``/v1/chat/completions`` with the standard library (no OpenAI client, no global
  llama-index ``Settings``). The API key comes from ``NEWS_ASSISTANT_LLM_API_KEY`` or
  ``OPENAI_API_KEY``; the timeout from ``NEWS_ASSISTANT_LLM_TIMEOUT`` (seconds, default 60).
- ``"gguf:/path/model.gguf"``: a local GGUF file through llama-cpp-python (the ``llama-cpp``
  extra), wrapped by :class:`GGUFLLM`.

The answerer numbers the sources itself (source ``[n]`` is ``passages[n-1]``), renders each as
a delimited block of untrusted text in which forged citation markers, delimiter look-alikes and
sentences addressed to the assistant are neutralised, and returns a
:class:`~assistant.answering.draft.Draft` that ``assistant.answering.citation_check.verify`` checks afterwards.
"""

from __future__ import annotations

from assistant.answering.llm.answerer import LLMAnswerer
from assistant.answering.llm.factory import make_llm_answerer
from assistant.answering.llm.gguf import GGUFLLM
from assistant.answering.llm.guard import find_injections, neutralize
from assistant.answering.llm.openai_client import DEFAULT_TIMEOUT, OpenAICompatibleLLM
from assistant.answering.llm.prompting import render_sources
from assistant.answering.llm.replies import clean_reply

__all__ = [
    "DEFAULT_TIMEOUT",
    "GGUFLLM",
    "LLMAnswerer",
    "OpenAICompatibleLLM",
    "clean_reply",
    "find_injections",
    "make_llm_answerer",
    "neutralize",
    "render_sources",
]
