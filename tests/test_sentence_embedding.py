"""The numpy forward pass of all-MiniLM-L6-v2: against values published from the
reference (PyTorch) implementation, and for the semantics and invariants the concept
suggester relies on."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from sentence_embedding import INSTALL, EmbeddingCache, SentenceEncoder, available, text_key

pytestmark = pytest.mark.skipif(not available(), reason=f"the embedding model is not installed: {INSTALL}")


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


def test_mean_pooled_states_match_the_reference_implementation_in_a_padded_batch(
    encoder: SentenceEncoder,
) -> None:
    # Printed from Hugging Face transformers + torch (the model card's own recipe, mean
    # pooling before normalising) in ToluClassics/mlx-transformers issue #23: the second
    # sentence of this batch, one token shorter, so it is padded and the mask matters.
    pooled = encoder.pooled(["This is an example sentence", "Each sentence is converted"])
    assert pooled[1][:3] == pytest.approx([0.541010201, 0.643181562, 0.0337639935], abs=1e-5)
    _, mask = encoder.tokens(["This is an example sentence", "Each sentence is converted"])
    assert mask[1].tolist() == [1, 1, 1, 1, 1, 1, 0]
    # Padding changes nothing: the same sentence alone gives the same vector.
    assert encoder.pooled(["Each sentence is converted"])[0] == pytest.approx(pooled[1], abs=1e-4)


def test_a_paraphrase_is_nearer_than_an_unrelated_sentence(encoder: SentenceEncoder) -> None:
    trust, mistrust, funding = encoder.encode(
        ["lack of trust between partners", "partners mistrust each other", "the funding ended in March"]
    )
    assert trust @ mistrust > 0.5 > 0.1 > trust @ funding
    budgets, cuts, vision = encoder.encode(
        [
            "Councils face shrinking public sector budgets.",
            "Local authority funding has been cut sharply.",
            "The partners agreed on a shared vision.",
        ]
    )
    assert budgets @ cuts > budgets @ vision + 0.2


def test_embeddings_are_unit_length_deterministic_and_kept_in_order(encoder: SentenceEncoder) -> None:
    texts = [
        "Trust grew slowly.",
        "A much longer sentence about partnership working and its many barriers.",
        "x",
    ]
    first = encoder.encode(texts, batch=2)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.linalg.norm(first, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    assert np.array_equal(first, encoder.encode(texts, batch=2))
    # Sorting by length for batching must not mix up the rows.
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(first, alone, atol=1e-5)


def test_a_text_longer_than_the_model_reads_is_cut_at_256_tokens(encoder: SentenceEncoder) -> None:
    ids, _ = encoder.tokens(["partnership " * 400])
    assert ids.shape == (1, 256) and ids[0, 0] == 101 and ids[0, -1] == 102


def test_the_cache_encodes_each_text_once_and_survives_a_reload(
    encoder: SentenceEncoder, tmp_path: Path
) -> None:
    class Counting(SentenceEncoder):
        seen: list[str]

        def encode(self, texts, batch=32):  # type: ignore[no-untyped-def]
            self.seen += list(texts)
            return super().encode(texts, batch)

    counting = Counting.__new__(Counting)
    counting.__dict__.update(encoder.__dict__)
    counting.seen = []
    path = tmp_path / "cache.npz"
    cache = EmbeddingCache(path, counting)
    first = cache.encode(["Trust grew.", "Funding ended.", "Trust grew."])
    assert counting.seen == ["Trust grew.", "Funding ended."]
    again = EmbeddingCache(path, counting).encode(["Funding ended.", "Trust grew."])
    assert counting.seen == ["Trust grew.", "Funding ended."]
    assert np.array_equal(again, first[[1, 0]])
    assert text_key("Trust grew.") != text_key("Trust grew")
