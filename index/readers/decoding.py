"""Decode a document's bytes to text: byte-order marks, UTF-8, a declared or detected charset."""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

BINARY_MESSAGE = (
    "binary file, expected UTF-8 text (UTF-16 with a byte-order mark, or a legacy encoding such as "
    "windows-1256, also works)"
)


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a document: BOM, else UTF-8, else ``declared``, else detected; ``ValueError`` if binary."""
    encoding = bom_encoding(data[:4])
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc}"
            ) from exc
    if b"\x00" in data:
        raise ValueError(BINARY_MESSAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            logger.debug("declared charset %r does not decode the data", declared)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError(BINARY_MESSAGE)
    text = str(best)
    if len(_CONTROL.findall(text[:100_000])) > max(2, len(text[:100_000]) // 100):
        raise ValueError(BINARY_MESSAGE)
    logger.debug("decoded as %s (detected)", best.encoding)
    return text
