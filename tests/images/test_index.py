import numpy as np
import pytest

from cibscan.images import BinaryHashIndex


def _flip(h: str, bits, rng) -> str:
    v = int(h, 16)
    for b in rng.choice(len(h) * 4, size=bits, replace=False):
        v ^= 1 << int(b)
    return format(v, f"0{len(h)}x")


@pytest.mark.parametrize("bits, radius", [(256, 31), (64, 10)])
def test_multi_index_is_exact_up_to_its_radius(bits, radius):
    pytest.importorskip("faiss", reason="faiss is in the images extra")
    rng = np.random.default_rng(0)
    hashes = [bytes(rng.integers(0, 256, bits // 8, dtype=np.uint8)).hex() for _ in range(3000)]
    fast = BinaryHashIndex(bits, radius)
    slow = BinaryHashIndex(bits, radius, linear_below=10**9)
    for idx in (fast, slow):
        idx.add(list(range(len(hashes))), hashes)
    assert fast.uses_faiss and not slow.uses_faiss
    queries = [_flip(hashes[k], k % (radius + 6), rng) for k in range(300)]
    got, expected = fast.search_many(queries), slow.search_many(queries)
    assert got == expected
    for k, hits in enumerate(got):
        assert ((k, k % (radius + 6)) in hits) == (k % (radius + 6) <= radius)


def test_small_index_and_errors():
    idx = BinaryHashIndex(64, 4)
    assert idx.search("0" * 16) == []
    idx.add(["a", "b"], ["f" * 16, "0" * 16])
    assert idx.search("f" * 15 + "0") == [("a", 4)]
    assert idx.search("f" * 15 + "0", radius=3) == []
    with pytest.raises(ValueError):
        idx.search("0" * 16, radius=5)
    with pytest.raises(ValueError):
        idx.add(["c"], ["abc"])
