"""Accept what the Add tab receives: uploaded files stored under safe names, pasted URLs checked."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from pathlib import Path

from assistant import ARTICLE_FILE_SUFFIXES
from ui.render import safe_url

__all__ = ["UPLOAD_SUFFIXES", "UploadError", "parse_urls", "safe_upload_name", "store_upload"]

# The formats the index reads, longest suffix first.
UPLOAD_SUFFIXES = ARTICLE_FILE_SUFFIXES
MAX_NAME_CHARS = 120


class UploadError(ValueError):
    """An uploaded file was refused (type, size or name); ``str()`` says why."""


def parse_urls(text: str | None) -> tuple[list[str], list[str]]:
    """Split pasted text into http(s) URLs (one per line or separated by spaces) and problems.

    Anything that is not an absolute http(s) URL is refused, so nobody can make the server read
    its own files through this box.
    """
    urls: list[str] = []
    problems: list[str] = []
    for token in (text or "").split():
        token = token.strip().strip("<>\"'")
        if not token:
            continue
        if safe_url(token) is None:
            problems.append(f"{token}: not an http(s) URL (expected e.g. https://example.com/article)")
        elif token not in urls:
            urls.append(token)
    return urls, problems


def safe_upload_name(name: str) -> str:
    """A file name safe to write under the upload folder: no folders, no ``..``, no hidden files.

    Letters of any script (Arabic included), digits, ``.``, ``-`` and ``_`` are kept; anything else
    becomes ``_``. The known article suffix (``.jsonl.gz`` ...) survives shortening.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]  # the last part of a Windows or POSIX path
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # controls, NUL, bidi marks
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE)
    name = re.sub(r"\.{2,}", ".", name).strip("._- ")
    lowered = name.lower()
    suffix = next((s for s in UPLOAD_SUFFIXES if lowered.endswith(s)), "")
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = stem.strip("._- ")[: MAX_NAME_CHARS - len(suffix)] or "upload"
    return stem + suffix.lower()


def store_upload(
    src: str | Path, upload_dir: Path, *, max_bytes: int, original_name: str | None = None
) -> Path:
    """Copy an uploaded file into ``upload_dir`` under a safe name and return the new path.

    Raises UploadError for a type the index cannot read or a file over ``max_bytes``. A file with the
    same name and content is reused; the same name with other content gets ``-2``, ``-3`` ...
    """
    src = Path(src)
    name = safe_upload_name(original_name or src.name)
    shown = original_name or src.name
    if not any(name.lower().endswith(s) for s in UPLOAD_SUFFIXES):
        raise UploadError(f"{shown}: unsupported file type; expected one of {', '.join(UPLOAD_SUFFIXES)}")
    size = src.stat().st_size
    if size > max_bytes:
        raise UploadError(
            f"{shown}: {size / 1e6:.1f} MB is over the upload limit of {max_bytes / 1e6:.0f} MB"
        )
    upload_dir = upload_dir.resolve()
    upload_dir.mkdir(parents=True, exist_ok=True)
    digest = file_digest(src)
    suffix = next(s for s in UPLOAD_SUFFIXES if name.lower().endswith(s))
    stem = name[: -len(suffix)]
    for n in range(1, 1000):
        candidate = upload_dir / (name if n == 1 else f"{stem}-{n}{suffix}")
        resolved = candidate.resolve()
        if resolved.parent != upload_dir:  # cannot happen after safe_upload_name; checked anyway
            raise UploadError(f"{shown}: refused file name")
        if resolved.exists():
            if file_digest(resolved) == digest:
                return resolved
            continue
        shutil.copyfile(src, resolved)
        return resolved
    raise UploadError(f"{shown}: too many uploads with this name")


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
