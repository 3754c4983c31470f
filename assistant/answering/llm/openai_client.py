"""The OpenAI-compatible client: a llama-index LLM speaking ``/v1/chat/completions`` with the stdlib."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
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

from assistant.errors import LLMUnavailableError

__all__ = ["DEFAULT_TIMEOUT", "OpenAICompatibleLLM", "message_role", "message_text"]

DEFAULT_TIMEOUT = 60.0


def message_text(message: ChatMessage) -> str:
    """A message's text content ("" for none)."""
    return message.content or ""


def message_role(message: ChatMessage) -> str:
    """A message's role as the OpenAI chat format names it (unknown roles become "user")."""
    role = message.role.value if isinstance(message.role, MessageRole) else str(message.role)
    return role if role in ("system", "user", "assistant", "developer", "tool") else "user"


class OpenAICompatibleLLM(CustomLLM):
    """A llama-index LLM for any server that speaks OpenAI's ``/v1/chat/completions``.

    Stdlib only (``urllib``); temperature 0 by default; streaming through server-sent events.
    Network problems become :class:`~assistant.errors.LLMUnavailableError` naming the URL.
    """

    base_url: str = Field(description="API root, e.g. http://127.0.0.1:8000/v1")
    model: str = Field(description="Model name sent to the server.")
    timeout: float = Field(default=DEFAULT_TIMEOUT, description="Seconds to wait for the server.")
    temperature: float = Field(default=0.0)
    max_tokens: int = Field(default=512)
    context_window: int = Field(default=8192)
    _api_key: str | None = PrivateAttr(default=None)

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(base_url=base_url.rstrip("/"), model=model, **kwargs)
        self._api_key = api_key

    @classmethod
    def class_name(cls) -> str:
        return "OpenAICompatibleLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=self.model,
        )

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"

    # ------------------------------------------------------------------ HTTP
    def _open(self, messages: Sequence[ChatMessage], stream: bool, kwargs: Mapping[str, Any]):
        payload = {
            "model": self.model,
            "messages": [{"role": message_role(m), "content": message_text(m)} for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stream": stream,
        }
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            self.endpoint, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            body = _read_error_body(exc)
            raise LLMUnavailableError(
                f"the LLM server at {self.endpoint} answered {exc.code}: {body}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if isinstance(reason, TimeoutError | socket.timeout):
                reason = f"no reply within {self.timeout:g} s"
            raise LLMUnavailableError(f"cannot reach the LLM server at {self.endpoint}: {reason}") from exc

    def _chat_text(self, messages: Sequence[ChatMessage], kwargs: Mapping[str, Any]) -> tuple[str, Any]:
        response = self._open(messages, False, kwargs)
        try:
            with response:
                raw = response.read()
        except (OSError, TimeoutError) as exc:
            raise LLMUnavailableError(f"the LLM server at {self.endpoint} stopped answering: {exc}") from exc
        try:
            data = json.loads(raw)
            content = data["choices"][0]["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise LLMUnavailableError(
                f"the LLM server at {self.endpoint} sent an unexpected reply: expected JSON with "
                f"choices[0].message.content, got {raw[:200]!r}"
            ) from exc
        return content, data

    def _stream_text(self, messages: Sequence[ChatMessage], kwargs: Mapping[str, Any]) -> Iterator[str]:
        response = self._open(messages, True, kwargs)

        def pieces() -> Iterator[str]:
            try:
                with response:
                    for line in response:
                        line = line.decode("utf-8", errors="replace").strip()
                        if not line.startswith("data:"):
                            continue  # blank separators, comments, "event:" lines
                        data = line[5:].strip()
                        if data == "[DONE]":
                            return
                        try:
                            choice = json.loads(data)["choices"][0]
                        except (ValueError, KeyError, IndexError, TypeError) as exc:
                            raise LLMUnavailableError(
                                f"the LLM server at {self.endpoint} sent an unexpected stream event: {data[:200]!r}"
                            ) from exc
                        piece = (choice.get("delta") or {}).get("content") or (choice.get("text") or "")
                        if piece:
                            yield piece
            except (OSError, TimeoutError) as exc:
                raise LLMUnavailableError(
                    f"the LLM server at {self.endpoint} stopped answering: {exc}"
                ) from exc

        return pieces()

    # ------------------------------------------------------------------ llama-index API
    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        content, data = self._chat_text(messages, kwargs)
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=content), raw=data)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        pieces = self._stream_text(messages, kwargs)

        def gen() -> ChatResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        content, data = self._chat_text([ChatMessage(role=MessageRole.USER, content=prompt)], kwargs)
        return CompletionResponse(text=content, raw=data)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        pieces = self._stream_text([ChatMessage(role=MessageRole.USER, content=prompt)], kwargs)

        def gen() -> CompletionResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()


def _read_error_body(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read().decode("utf-8", errors="replace")
    except Exception:
        body = ""
    try:
        message = json.loads(body).get("error", body)
        if isinstance(message, dict):
            message = message.get("message", message)
        body = str(message)
    except (ValueError, AttributeError):
        pass
    return " ".join(body.split())[:300] or exc.reason or "no details"
