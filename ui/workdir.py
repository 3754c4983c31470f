"""The app's own folder: uploads, gradio's cache and the Markdown exports inside it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WorkDirs", "discard_gradio_copy", "prepare_work_dir"]

logger = logging.getLogger(__name__)


@dataclass
class WorkDirs:
    """The app's own folder: uploads, gradio's cache and (inside the cache) Markdown exports.

    Gradio serves files from its cache only; the uploads folder is never served.
    """

    root: Path
    uploads: Path = field(init=False)
    exports: Path = field(init=False)
    cache: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.uploads = self.root / "uploads"
        self.cache = self.root / "gradio"
        self.exports = self.cache / "exports"


def prepare_work_dir(root: str | Path) -> WorkDirs:
    """Create the work folders and point gradio's cache (uploads land there first) inside them.

    Call it before ``build_ui``: gradio reads ``GRADIO_TEMP_DIR`` when components are created.
    """
    dirs = WorkDirs(Path(root))
    for d in (dirs.uploads, dirs.cache, dirs.exports):
        d.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(dirs.cache)
    return dirs


def discard_gradio_copy(path: Path) -> None:
    """Delete gradio's own temporary copy of an upload once it is stored (only inside its cache)."""
    try:
        cache = Path(os.environ.get("GRADIO_TEMP_DIR", "")).resolve()
        resolved = path.resolve()
        if os.environ.get("GRADIO_TEMP_DIR") and resolved.is_relative_to(cache) and resolved.is_file():
            resolved.unlink()
    except OSError:
        logger.debug("could not delete %s", path, exc_info=True)
