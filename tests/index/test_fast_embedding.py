"""The ONNX Runtime embedding path: same vectors as sentence-transformers, cached export, int8 close."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from index.model.embedding import EmbeddingConfig, SentenceTransformerEmbedder
from index.model.fast_embedding import OnnxEncoder, export_onnx
from index.readers import read_articles
from index.schema import Article

# Measured here: int8 vs torch fp32 cosine 0.9958 at worst (0.996-0.998) on these texts, passages
# and queries alike. The bound sits just below; per-tensor quantisation (about 0.978) would fail it.
INT8_MIN_COSINE = 0.993

WORDS = ["news", "tunis", "moscow", "visit", "army", "minister", "said", "today", "the", "of"]


# --- a tiny random BERT built here: exercises export, caching and pooling in seconds -----------


def _build_tiny_model(folder: Path, seed: int = 0) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer, processors
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    vocab = {t: i for i, t in enumerate(["<s>", "<pad>", "</s>", "<unk>", *WORDS])}
    tok = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    hf_dir = folder / "hf"
    PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>"
    ).save_pretrained(hf_dir)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    BertModel(config).eval().save_pretrained(hf_dir)
    transformer = models.Transformer(str(hf_dir), max_seq_length=32)
    st = SentenceTransformer(
        modules=[transformer, models.Pooling(16, pooling_mode="mean"), models.Normalize()], device="cpu"
    )
    st.save(str(folder / "st"))
    return folder / "st"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_tiny_model(tmp_path_factory.mktemp("tiny"))


def _st_vectors(path: Path, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return model.encode(texts, batch_size=2, normalize_embeddings=True, convert_to_numpy=True)


def _tiny_texts() -> list[str]:
    # Different lengths (1 to 40 words, beyond max_seq_length 32), deliberately not sorted.
    rng = np.random.default_rng(1)
    lengths = [7, 1, 40, 3, 12, 2, 25, 5]
    return [" ".join(rng.choice(WORDS, size=n)) for n in lengths]


def test_tiny_model_onnx_matches_sentence_transformers_in_input_order(tiny_model: Path) -> None:
    texts = _tiny_texts()
    expected = _st_vectors(tiny_model, texts)
    got = OnnxEncoder.load(tiny_model).encode(texts, batch_size=3)
    assert got.shape == expected.shape == (len(texts), 16)
    assert got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = got @ expected.T
    assert np.diag(cosines).min() > 0.9999
    # Rows are not interchangeable: each row is closest to its own text, so order was restored.
    assert (cosines.argmax(axis=1) == np.arange(len(texts))).all()


def test_padding_does_not_change_a_vector(tiny_model: Path) -> None:
    encoder = OnnxEncoder.load(tiny_model)
    texts = _tiny_texts()
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    batched = encoder.encode(texts, batch_size=len(texts))
    np.testing.assert_allclose(batched, alone, atol=1e-5)


def test_empty_input_and_single_string(tiny_model: Path) -> None:
    encoder = OnnxEncoder.load(tiny_model)
    assert encoder.encode([]).shape == (0, encoder.dimension)
    one = encoder.encode("moscow visit")
    assert one.shape == (encoder.dimension,)
    np.testing.assert_allclose(one, encoder.encode(["moscow visit"])[0], atol=1e-6)


def test_export_is_cached_then_redone_when_the_weights_change(tmp_path: Path) -> None:
    model = _build_tiny_model(tmp_path, seed=0)
    onnx_file = export_onnx(model)
    assert onnx_file == model / "onnx" / "model.onnx"
    first = onnx_file.stat().st_mtime_ns
    assert export_onnx(model).stat().st_mtime_ns == first  # reused, not exported again

    # New weights in the same folder: the cached export is stale and must not be used.
    other = _build_tiny_model(tmp_path / "other", seed=1)
    os.replace(other / "model.safetensors", model / "model.safetensors")
    texts = _tiny_texts()
    got = OnnxEncoder.load(model).encode(texts)
    assert (got * _st_vectors(model, texts)).sum(axis=1).min() > 0.9999


def test_quantised_export_leaves_only_finished_files(tiny_model: Path) -> None:
    path = export_onnx(tiny_model, quantized=True)
    assert path.name == "model.int8.onnx"
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == [".lock", "export.json", "model.int8.onnx", "model.onnx"]
    record = json.loads((path.parent / "export.json").read_text(encoding="utf-8"))
    assert record["weights"] == "model.safetensors"
    vectors = OnnxEncoder.load(tiny_model, quantized=True).encode(_tiny_texts())
    assert np.isfinite(vectors).all()


def test_other_pooling_modes_are_refused(tmp_path: Path) -> None:
    model = _build_tiny_model(tmp_path)
    config_file = model / "1_Pooling" / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["pooling_mode"] = "cls"  # sentence-transformers >= 6 format
    config_file.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError, match=r"mean pooling only, the model uses \['cls'\]"):
        OnnxEncoder.load(model)
    legacy = {
        "word_embedding_dimension": 16,
        "pooling_mode_cls_token": True,
        "pooling_mode_mean_tokens": False,
    }
    config_file.write_text(json.dumps(legacy), encoding="utf-8")
    with pytest.raises(ValueError, match=r"\['pooling_mode_cls_token'\]"):
        OnnxEncoder.load(model)


# --- the real bundled model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_texts(seed_path: Path) -> list[str]:
    """Arabic and English, a few words to beyond the 512-token limit, not sorted by length."""
    article = next(a for a in read_articles([str(seed_path)]) if isinstance(a, Article))
    paragraphs = [p for p in article.text.split("\n") if p.strip()]
    return [
        paragraphs[0],
        "Haftar arrived in Moscow.",
        (article.text + "\n") * 3,  # truncated at 512 tokens by both paths
        "حفتر في موسكو",
        "The Libyan National Army said on Tuesday that its commander, Field Marshal Khalifa Haftar, "
        "began an official visit to Russia for talks with officials in Moscow.",
        paragraphs[-1],
        "Tunisia's central bank kept its key interest rate unchanged at 8 percent on Wednesday.",
        paragraphs[1],
    ]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    """The reference: sentence-transformers on torch (the default backend is ONNX)."""
    return SentenceTransformerEmbedder(EmbeddingConfig(backend="torch"))


@pytest.fixture(scope="module")
def onnx_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(EmbeddingConfig(backend="onnx", batch_size=3))


@pytest.fixture(scope="module")
def int8_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(EmbeddingConfig(backend="onnx-int8", batch_size=3))


@pytest.mark.model
@pytest.mark.parametrize("kind", ["passages", "queries"])
def test_onnx_fp32_equals_torch(torch_embedder, onnx_embedder, mixed_texts: list[str], kind: str) -> None:
    expected = getattr(torch_embedder, f"embed_{kind}")(mixed_texts)
    got = getattr(onnx_embedder, f"embed_{kind}")(mixed_texts)
    assert onnx_embedder.dimension == torch_embedder.dimension == got.shape[1]
    cosines = got @ expected.T
    assert np.diag(cosines).min() > 0.9999, np.diag(cosines)
    assert (cosines.argmax(axis=1) == np.arange(len(mixed_texts))).all()


@pytest.mark.model
@pytest.mark.parametrize("kind", ["passages", "queries"])
def test_onnx_int8_stays_close_to_torch(
    torch_embedder, int8_embedder, mixed_texts: list[str], kind: str
) -> None:
    expected = getattr(torch_embedder, f"embed_{kind}")(mixed_texts)
    got = getattr(int8_embedder, f"embed_{kind}")(mixed_texts)
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() > INT8_MIN_COSINE, cosines
    assert cosines.max() < 0.99999  # it really is a different (quantised) model


RANKING_CASES = [
    (
        "When did Haftar arrive in Russia?",
        "أعلن الجيش الوطني الليبي الثلاثاء أن قائده العام المشير خليفة حفتر بدأ زيارة إلى روسيا.",
        "أبقى البنك المركزي التونسي على نسبة الفائدة المديرية دون تغيير عند 8 بالمائة.",
    ),
    (
        "من استقبل حفتر في موسكو؟",
        "Deputy Defence Minister Yunus-Bek Yevkurov received Haftar on his arrival in Russia.",
        "The national football team won its qualifying match against Malawi two goals to nil.",
    ),
    (
        "ما هي نسبة الفائدة في تونس؟",
        "أبقى البنك المركزي التونسي على نسبة الفائدة المديرية دون تغيير عند 8 بالمائة.",
        "استقبل نائب وزير الدفاع الروسي يونس بيك يفكوروف المشير حفتر لدى وصوله.",
    ),
    (
        "Who won the football match?",
        "The national football team won its qualifying match against Malawi two goals to nil.",
        "Rain and strong winds are expected in the north of the country on Thursday.",
    ),
]


@pytest.mark.model
@pytest.mark.parametrize(("query", "relevant", "irrelevant"), RANKING_CASES)
def test_onnx_int8_ranks_the_relevant_passage_first(
    int8_embedder, query: str, relevant: str, irrelevant: str
) -> None:
    q = int8_embedder.embed_queries([query])[0]
    passages = int8_embedder.embed_passages([irrelevant, relevant])
    scores = passages @ q
    assert scores[1] > scores[0], scores
