"""helpers.distributed.data_parallel: shards, per-replica gradients, the all-reduce, the weights."""


import numpy as np
import pytest

from helpers.distributed import data_parallel as dist


def _grads(rng, n_replicas=2):
    return [[rng.normal(size=(3, 4)), rng.normal(size=4)] for _ in range(n_replicas)]


def test_shard_batch_splits_in_order_and_covers_everything():
    x = np.arange(24, dtype=float).reshape(12, 2)
    y = np.arange(12)
    shards = dist.shard_batch(x, y, 3)
    assert len(shards) == 3
    assert [list(s[1]) for s in shards] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    np.testing.assert_array_equal(np.concatenate([s[0] for s in shards]), x)


def test_averaged_shard_gradients_equal_the_full_batch_gradient():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    w, b = rng.normal(size=(5, 3)), rng.normal(size=3)
    full = dist.softmax_gradient(w, b, x, y)
    for n in (1, 2, 4, 8):
        averaged = dist.all_reduce_mean([dist.softmax_gradient(w, b, xs, ys)
                                         for xs, ys in dist.shard_batch(x, y, n)])
        for a, f in zip(averaged, full, strict=True):
            np.testing.assert_allclose(a, f, rtol=1e-12, atol=1e-14)


def test_softmax_gradient_matches_central_differences():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    w, b = rng.normal(size=(4, 3)), rng.normal(size=3)

    def loss(w_):
        z = x @ w_ + b
        z = z - z.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(6), y])

    eps, numeric = 1e-6, np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        d = np.zeros_like(w)
        d[idx] = eps
        numeric[idx] = (loss(w + d) - loss(w - d)) / (2 * eps)
    np.testing.assert_allclose(dist.softmax_gradient(w, b, x, y)[0], numeric, rtol=1e-6, atol=1e-9)


def test_all_reduce_mean_is_the_elementwise_mean():
    grads = [[np.array([1.0, 2.0])], [np.array([3.0, 6.0])]]
    np.testing.assert_array_equal(dist.all_reduce_mean(grads)[0], [2.0, 4.0])


@pytest.mark.parametrize("bad, error, match", [
    (None, TypeError, "non-empty list"),
    ([], TypeError, "non-empty list"),
    ([np.ones(3)], TypeError, r"grads\[0\] must be a non-empty list"),
    ([[np.ones(3)], [np.ones(4)]], ValueError, "shape"),
    ([[np.ones(3)], [np.ones(3), np.ones(2)]], ValueError, "gradient arrays"),
    ([[np.array([1.0, np.nan])]], ValueError, "finite|NaN"),
    ([["abc"]], (TypeError, ValueError), "grads"),
])
def test_all_reduce_mean_refuses_bad_inputs(bad, error, match):
    with pytest.raises(error, match=match):
        dist.all_reduce_mean(bad)


@pytest.mark.parametrize("n, error, match", [
    (5, ValueError, "multiple of 5"),
    (0, ValueError, "at least 1"),
    (2.0, TypeError, "integer"),
    ("2", TypeError, "integer"),
])
def test_shard_batch_refuses_bad_replica_counts(n, error, match):
    with pytest.raises(error, match=match):
        dist.shard_batch(np.zeros((12, 2)), np.zeros(12), n)


def test_shard_batch_refuses_mismatched_lengths():
    with pytest.raises(ValueError):
        dist.shard_batch(np.zeros((12, 2)), np.zeros(10), 2)


@pytest.mark.parametrize("args, match", [
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 5)), np.zeros(5, int)), "x"),
    ((np.zeros((4, 3)), np.zeros(2), np.zeros((5, 4)), np.zeros(5, int)), "b"),
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 4)), np.full(5, 3)), "y"),
    ((np.zeros((4, 3)), np.zeros(3), np.zeros((5, 4)), np.zeros(4, int)), "y|length"),
    ((np.full((4, 3), np.inf), np.zeros(3), np.zeros((5, 4)), np.zeros(5, int)), "w"),
])
def test_softmax_gradient_refuses_bad_inputs(args, match):
    with pytest.raises((TypeError, ValueError), match=match):
        dist.softmax_gradient(*args)


def test_initial_weights_are_glorot_uniform_and_seeded():
    w = dist.initial_weights(32, seed=3)
    assert [a.shape for a in w] == [(64, 32), (32,), (32, 10), (10,)]
    assert all(a.dtype == np.float32 for a in w)
    assert np.abs(w[0]).max() <= np.sqrt(6 / 96) and np.abs(w[0]).max() > 0.9 * np.sqrt(6 / 96)
    assert not w[1].any() and not w[3].any()
    np.testing.assert_array_equal(w[0], dist.initial_weights(32, seed=3)[0])
    assert not np.array_equal(w[0], dist.initial_weights(32, seed=4)[0])


@pytest.mark.parametrize("hidden, seed, error", [
    (0, 1, ValueError), (2.5, 1, TypeError), (8, -1, ValueError), (8, "1", TypeError)])
def test_initial_weights_refuses_bad_inputs(hidden, seed, error):
    with pytest.raises(error):
        dist.initial_weights(hidden, seed=seed)


# --------------------------------------------------------------------------- the bad-inputs review


def test_shard_batch_refuses_missing_labels():
    with pytest.raises(TypeError, match="y must be an array of numbers, got None"):
        dist.shard_batch(np.zeros((4, 2)), None, 2)
    with pytest.raises(TypeError, match="y must be an array of numbers"):
        dist.shard_batch(np.zeros((4, 2)), "abcd", 2)
