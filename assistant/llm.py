"""LLM answerers through llama-index's LLM interface.

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
:class:`~assistant.citations.Draft` that ``assistant.citations.verify`` checks afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import socket
import threading
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
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
from llama_index.core.llms import LLM, CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback

from assistant.answer import question_language
from assistant.citations import SUPPORT_THRESHOLD, Draft, split_claims, support_score
from assistant.errors import LLMConfigError, LLMUnavailableError
from assistant.history import condense_rules
from assistant.schema import Passage
from index.text import split_sentences
from prompts import load_prompt, load_sections

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

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
API_KEY_ENV = ("NEWS_ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY")
TIMEOUT_ENV = "NEWS_ASSISTANT_LLM_TIMEOUT"
SPEC_FORMS = (
    "'openai:http://HOST:PORT/v1#MODEL' (an OpenAI-compatible server), "
    "'gguf:/path/model.gguf' (a local GGUF file, needs the llama-cpp extra), "
    "'extractive' (no LLM), or a llama-index LLM object"
)
NOT_ANSWERABLE = "NOT_ANSWERABLE"
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "ru": "Russian",
    "tr": "Turkish",
    "fa": "Persian",
    "ur": "Urdu",
    "zh": "Chinese",
}
TODAY_NOTE = (
    "Today's date is not relevant: date every event from the publication date of the article that reports it."
)
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# ---------------------------------------------------------------------------------- sources
# Citation-marker look-alikes: [1], ［１］, 【2】, [ ٣ ], [1, 2] (any Unicode digits).
_FORGED_MARKER = re.compile(r"[\[［【〔〖⟦]\s*(\d+(?:\s*[,،;]\s*\d+)*)\s*[\]］】〕〗⟧]")
# Runs of angle brackets (ASCII or look-alikes) could imitate the block delimiters <<< >>>.
_OPEN_RUN = re.compile(r"[<＜﹤‹〈《⟨❮❬]{2,}")
_CLOSE_RUN = re.compile(r"[>＞﹥›〉》⟩❯❭]{2,}")
_DELIM_WORDS = re.compile(r"(?i)\b(end)[\s_-]*(source)\b")
# Bidi embedding/override/isolate controls can hide text from a human reader of the prompt.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

# Sentences that address the assistant rather than report news.
_INJECTION = re.compile(
    r"(?ix)"
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(instructions?|prompts?|rules|guidelines|directions)\b"
    r"|\bsystem\s+prompt\b"
    r"|\b(new|updated)\s+instructions\s*:"
    r"|\b(tell|inform)\s+the\s+user\b"
    r"|\b(as\s+an?|you\s+are\s+(now\s+)?an?)\s+(ai|assistant|language\s+model|chatbot|llm)\b"
    r"|\b(assistant|chatbot|language\s+model|ai\s+model|llm)s?\s*,?\s+(must|should|will)\s+(now\s+)?(answer|reply|respond|say|state|write)\b"
    r"|تجاهل\S*\s+(\S+\s+){0,3}?(التعليمات|الأوامر|الاوامر|التوجيهات)"
    r"|(أيها|ايها)\s+(المساعد|النموذج|الذكاء)"
    r"|(أخبر|اخبر)\s+المستخدم"
)
INJECTION_PLACEHOLDER = "(a sentence addressed to the assistant was removed here)"


def neutralize(text: str) -> str:
    """Article text made safe to place between the source delimiters.

    ``[1]`` (and look-alikes) become ``(1)`` so a source cannot forge citations; runs of angle
    brackets become single guillemets and "END SOURCE" loses its shape, so a source cannot close
    its block or open another; bidi override controls are removed.
    """
    text = text.translate(_BIDI_CONTROLS)
    text = _FORGED_MARKER.sub(lambda m: f"({m.group(1)})", text)
    text = _OPEN_RUN.sub("‹", text)
    text = _CLOSE_RUN.sub("›", text)
    return _DELIM_WORDS.sub(lambda m: f"{m.group(1)}-of-{m.group(2)}", text)


def find_injections(text: str) -> list[tuple[int, int]]:
    """Offsets (into ``text``) of the sentences that address the assistant instead of reporting."""
    return [(s, e) for s, e in split_sentences(text) if _INJECTION.search(text[s:e])]


def _field(value: str | None) -> str:
    return " ".join(neutralize(value or "").replace("|", "/").split()) or "unknown"


def _published(value: str | None) -> str:
    if not value:
        return "unknown"
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return _field(value)
    return f"{value[:10]} ({_WEEKDAYS[day.weekday()]})"


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars] + " …"


def render_sources(passages: Sequence[Passage], *, max_chars: int = 3000) -> str:
    """The numbered, delimited sources of the prompt: source ``[n]`` is ``passages[n-1]``."""
    blocks = []
    for n, p in enumerate(passages, 1):
        text = p.text
        for s, e in reversed(find_injections(text)):
            text = text[:s] + INJECTION_PLACEHOLDER + text[e:]
        header = (
            f"<<<SOURCE [{n}] | outlet: {_field(p.source)} | published: {_published(p.published)}"
            f" | title: {_field(p.title)}>>>"
        )
        blocks.append(f"{header}\n{_truncate(neutralize(text).strip(), max_chars)}\n<<<END SOURCE [{n}]>>>")
    return "\n\n".join(blocks)


# ---------------------------------------------------------------------------------- replies
_THINK_BLOCK = re.compile(r"(?is)<(think|thinking|reasoning)>.*?</\1>")
_THINK_OPEN = re.compile(r"(?is)<(think|thinking|reasoning)>.*")
_THINK_CLOSE = re.compile(r"(?is)^.*</(think|thinking|reasoning)>")
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "012345678901234567890123456789")
# What models write for citations: [1], [1, 2], [Source 1], 【1】, [١].
_REPLY_MARKER = re.compile(
    r"[\[［【]\s*(?:(?:source|src|المصدر|مصدر)\s*)?(\d+(?:\s*(?:,|،|;|and|و)\s*\d+)*)\s*[\]］】]", re.I
)
_MARKER_WITH_SPACE = re.compile(r"\s*" + _REPLY_MARKER.pattern, re.I)
# A run of markers placed after the sentence's final punctuation moves before it.
_MARKERS_AFTER_STOP = re.compile(r"(?<=\S)\s*([.!?؟。])((?:\s*\[\d{1,3}\])+)")
_LEADING_LABEL = re.compile(r"^\s*(answer|réponse|الإجابة|الجواب)\s*[:：]\s*", re.I)
_REFUSAL = re.compile(
    r"(?i)\b(do(es)?\s+not|don't|doesn't|cannot|can't|unable\s+to)\s+(answer|contain|mention|say|provide|"
    r"include|specify|state|determine|find)\b|\bno\s+(information|mention)\b|\bnot\s+(answerable|mentioned|specified)\b"
    r"|لا\s+(تجيب|تذكر|تتضمن|تحتوي|تحدد|يمكن|توجد|يوجد)|لم\s+(تذكر|يذكر|ترد|يرد)"
)


def clean_reply(text: str) -> str:
    """A model's reply with its reasoning removed and its citation markers written ``[n]``."""
    text = _THINK_BLOCK.sub("", text)
    text = _THINK_CLOSE.sub("", text)  # a template that opened <think> in the prompt
    text = _THINK_OPEN.sub("", text)  # reasoning that never finished
    text = _LEADING_LABEL.sub("", text.strip())

    def marker(m: re.Match[str]) -> str:
        numbers = re.split(r"\s*(?:,|،|;|and|و)\s*", m.group(1).translate(_ARABIC_INDIC))
        return "".join(f"[{int(x)}]" for x in numbers if x.isdigit())

    text = _REPLY_MARKER.sub(marker, text)
    text = _MARKERS_AFTER_STOP.sub(lambda m: " " + m.group(2).strip() + m.group(1), text)
    return text.strip()


def _is_refusal(text: str) -> bool:
    if not text or NOT_ANSWERABLE in text.upper().replace(" ", "_"):
        return True
    return "[" not in text and bool(_REFUSAL.search(text))


def _not_found(lang: str) -> str:
    return load_sections(f"extractive_{'ar' if lang == 'ar' else 'en'}")["not_found"].render()


# ---------------------------------------------------------------------------------- answerer
class LLMAnswerer:
    """Answers with a llama-index LLM from numbered, delimited sources; see the module docstring."""

    def __init__(self, llm: LLM, *, name: str | None = None, max_chars_per_source: int = 3000) -> None:
        self.llm = llm
        model = getattr(llm.metadata, "model_name", "") or ""
        self.name = name or f"llm:{model if model and model != 'unknown' else llm.class_name()}"
        self.max_chars_per_source = max_chars_per_source

    def __repr__(self) -> str:
        return f"LLMAnswerer({self.name!r})"

    # ------------------------------------------------------------------ prompts
    def messages(self, question: str, passages: Sequence[Passage], *, lang: str) -> list[ChatMessage]:
        """The system and user messages the model sees for ``question``."""
        language = LANGUAGE_NAMES.get(lang, lang)
        system = load_prompt("answer").render(language=language, today_note=TODAY_NOTE)
        user = load_prompt("sources").render(
            sources=render_sources(passages, max_chars=self.max_chars_per_source),
            question=" ".join(question.split()),
            language=language,
        )
        return [
            ChatMessage(role=MessageRole.SYSTEM, content=system),
            ChatMessage(role=MessageRole.USER, content=user),
        ]

    # ------------------------------------------------------------------ answering
    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft:
        if not passages:
            return Draft(_not_found(lang), answerable=False)
        reply = self.llm.chat(self.messages(question, passages, lang=lang))
        return self._to_draft(reply.message.content or "", passages, lang)

    def stream_draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Iterator[str | Draft]:
        """Yield the answer text as it grows (reasoning hidden), then the :class:`Draft`."""
        if not passages:
            yield Draft(_not_found(lang), answerable=False)
            return
        raw, shown = "", ""
        for chunk in self.llm.stream_chat(self.messages(question, passages, lang=lang)):
            raw = raw + chunk.delta if chunk.delta is not None else (chunk.message.content or raw)
            visible = clean_reply(raw)
            # Hold back a reply that may be becoming NOT_ANSWERABLE, and unchanged text.
            if visible and visible != shown and not NOT_ANSWERABLE.startswith(visible.upper()):
                shown = visible
                yield visible
        yield self._to_draft(raw, passages, lang)

    def _to_draft(self, raw: str, passages: Sequence[Passage], lang: str) -> Draft:
        text = clean_reply(raw)
        if _is_refusal(text):
            logger.info("%s: the model found no answer in %d sources", self.name, len(passages))
            return Draft(_not_found(lang), answerable=False)
        claims = [_drop_injected_support(c, passages) for c in split_claims(text)]
        return Draft(" ".join(claims), claims=claims)

    # ------------------------------------------------------------------ follow-ups
    def condense(self, question: str, messages: Sequence[Mapping[str, str]]) -> str:
        """The follow-up ``question`` as a standalone question in its own language (rules as fallback)."""
        lines = []
        for m in list(messages)[-6:]:
            role = "User" if m.get("role") == "user" else "Assistant"
            content = " ".join(_MARKER_WITH_SPACE.sub("", str(m.get("content") or "")).split())
            if content:
                lines.append(f"{role}: {_truncate(content, 600)}")
        prompt = load_prompt("condense").render(history="\n".join(lines), question=" ".join(question.split()))
        reply = self.llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)])
        out = _first_line(clean_reply(reply.message.content or ""))
        problem = _condense_problem(question, out)
        if problem:
            logger.info("%s: condensed question rejected (%s: %r); using rules", self.name, problem, out)
            return condense_rules(question, messages)
        return out


def _drop_injected_support(claim: str, passages: Sequence[Passage]) -> str:
    """Remove a claim's marker ``[n]`` when its best support in source n is a sentence that
    addresses the assistant (an injection is not evidence); ``verify`` checks the rest."""
    markers = {int(x) for x in re.findall(r"\[(\d{1,3})\]", claim)}
    plain = re.sub(r"\s*\[\d{1,3}\]", "", claim)
    for n in markers:
        if not 1 <= n <= len(passages):
            continue  # verify drops it
        text = passages[n - 1].text
        injected = find_injections(text)
        if not injected:
            continue
        scored = [(support_score(plain, text[s:e]), (s, e) in injected) for s, e in split_sentences(text)]
        best, is_injection = max(scored, key=lambda x: (x[0], not x[1]))
        if is_injection and best >= SUPPORT_THRESHOLD:
            logger.warning(
                "claim %r rests on an instruction-like sentence of source [%d]; marker dropped", plain, n
            )
            claim = re.sub(rf"\s*\[{n}\]", "", claim)
    return claim


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = re.sub(
            r"^\s*(standalone question|rewritten question|question|السؤال)\s*[:：]\s*", "", line, flags=re.I
        )
        line = line.strip().strip("\"'“”«»").strip()
        if line:
            return line
    return ""


def _condense_problem(question: str, out: str) -> str | None:
    if not out:
        return "empty"
    if NOT_ANSWERABLE in out.upper():
        return "refusal"
    if question_language(out) != question_language(question):
        return "wrong script"
    if len(out) > 4 * len(question) + 300:
        return "too long"
    numbers = re.findall(r"\d+", question.translate(_ARABIC_INDIC))
    have = set(re.findall(r"\d+", out.translate(_ARABIC_INDIC)))
    if any(x not in have for x in numbers):
        return "dropped a number or date"
    return None


# ---------------------------------------------------------------------------------- LLMs
def _text_of(message: ChatMessage) -> str:
    return message.content or ""


def _role(message: ChatMessage) -> str:
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
            "messages": [{"role": _role(m), "content": _text_of(m)} for m in messages],
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
            messages=[{"role": _role(m), "content": _text_of(m)} for m in messages],
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


# ---------------------------------------------------------------------------------- factory
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
