"""The assistant's small error hierarchy; ``str(error)`` is a message fit for users."""

from __future__ import annotations

__all__ = ["AssistantError", "EmptyQuestionError", "LLMConfigError", "LLMUnavailableError"]


class AssistantError(Exception):
    """Base class for errors raised by the ``assistant`` package."""


class EmptyQuestionError(AssistantError, ValueError):
    """The question is empty or only whitespace."""


class LLMUnavailableError(AssistantError):
    """The configured LLM endpoint could not be reached or answered with an error."""


class LLMConfigError(AssistantError, ValueError):
    """The LLM setting could not be understood (expected e.g. 'openai:http://HOST:PORT/v1#MODEL')."""
