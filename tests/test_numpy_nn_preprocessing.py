"""helpers.numpy_nn.preprocessing: standardising with training statistics."""

import numpy as np
import pytest

from helpers import numpy_nn as nn

keras = pytest.importorskip("keras")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_normalise_computes_and_reuses_training_statistics():
    rng = np.random.default_rng(3)
    X = rng.normal(loc=[200.0, 13.0], scale=[40.0, 1.0], size=(100, 2))
    Xn, mu, sigma = nn.normalise(X)
    np.testing.assert_allclose(Xn.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xn.std(axis=0), 1, atol=1e-12)
    norm = keras.layers.Normalization()
    norm.adapt(X)
    np.testing.assert_allclose(Xn, keras.ops.convert_to_numpy(norm(X)), atol=1e-4)
    X_new = X[:5] + 1.0
    Xn_new, mu2, sigma2 = nn.normalise(X_new, mu, sigma)
    np.testing.assert_allclose(Xn_new, (X_new - mu) / sigma)
    assert mu2 is not None and np.array_equal(mu2, mu) and np.array_equal(sigma2, sigma)
    # a constant column is only centred
    Xc, _, sc = nn.normalise(np.column_stack([X[:, 0], np.full(100, 5.0)]))
    assert sc[1] == 1.0 and np.all(Xc[:, 1] == 0)


@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.normalise(np.ones(5)), ValueError, "2-D"),
    (lambda: nn.normalise(np.ones((5, 2)), mean=np.zeros(2)), ValueError, "both"),
    (lambda: nn.normalise(np.ones((5, 2)), np.zeros(3), np.ones(3)), ValueError, "shape"),
    (lambda: nn.normalise(np.ones((5, 2)), np.zeros(2), np.array([1.0, 0.0])), ValueError,
     "positive"),
    (lambda: nn.normalise([["a", "b"]]), TypeError, "numbers"),
])
def test_preprocessing_refuse_more_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
