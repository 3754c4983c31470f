"""GGUF loading: a llama-index LLM around a local GGUF file through llama-cpp-python (llama-cpp extra)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback

from assistant.answering.llm.openai_client import message_role, message_text
from assistant.errors import LLMConfigError

__all__ = ["GGUFLLM"]


class GGUFLLM(CustomLLM):
    """A llama-index LLM around ``llama_cpp.Llama(...).create_chat_completion`` (llama-cpp extra).

    Tested against a stand-in of the llama-cpp-python API, not the library itself.
    """

    model_path: str = Field(description="Path of the .gguf file.")
    context_window: int = Field(default=4096)
    max_tokens: int = Field(default=512)
    temperature: float = Field(default=0.0)
    n_threads: int | None = Field(default=None)
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default=None)

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        super().__init__(model_path=model_path, **kwargs)
        try:
            import llama_cpp
        except ImportError as exc:
            raise LLMConfigError(
                f"the GGUF answerer needs llama-cpp-python, which is not installed: "
                f"pip install 'news-assistant[llama-cpp]' (asked for {model_path})"
            ) from exc
        self._llama = llama_cpp.Llama(
            model_path=model_path, n_ctx=self.context_window, n_threads=self.n_threads, verbose=False
        )
        self._lock = threading.Lock()

    @classmethod
    def class_name(cls) -> str:
        return "GGUFLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).stem,
        )

    def _create(self, messages: Sequence[ChatMessage], stream: bool, kwargs: Mapping[str, Any]) -> Any:
        return self._llama.create_chat_completion(
            messages=[{"role": message_role(m), "content": message_text(m)} for m in messages],
            temperature=kwargs.get("temperature", self.temperature),
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            stream=stream,
        )

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        with self._lock:  # one llama.cpp context: one generation at a time
            out = self._create(messages, False, kwargs)
        content = out["choices"][0]["message"].get("content") or ""
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=content), raw=out)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def gen() -> ChatResponseGen:
            text = ""
            with self._lock:
                for chunk in self._create(messages, True, kwargs):
                    piece = chunk["choices"][0].get("delta", {}).get("content") or ""
                    if piece:
                        text += piece
                        yield ChatResponse(
                            message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece
                        )

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        text = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs).message.content or ""
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            for r in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs):
                yield CompletionResponse(text=r.message.content or "", delta=r.delta)

        return gen()
