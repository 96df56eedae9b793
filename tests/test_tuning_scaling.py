"""helpers.tuning.scaling: the compute of a CNN."""


import numpy as np
import pytest

from helpers import tuning


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    x = rng.random((120, 64))
    y = (x[:, :10].argmax(axis=1)).astype(int)      # a learnable 10-class rule
    return x[:90], y[:90], x[90:], y[90:]


def test_conv_flops_formula_and_scaling():
    assert tuning.conv_flops(1, 8, 4) == 16 * 9 * 8
    assert tuning.conv_flops(3, 16, 32, in_channels=3) == 32 ** 2 * 9 * (3 * 16 + 2 * 16 ** 2)
    deep = tuning.conv_flops(101, 64, 32)
    assert np.isclose(tuning.conv_flops(201, 64, 32) / deep, 2, rtol=0.01)      # depth x2
    assert np.isclose(tuning.conv_flops(101, 128, 32) / deep, 4, rtol=0.01)     # width x2 -> x4
    assert tuning.conv_flops(101, 64, 64) == 4 * deep                           # resolution x2 -> x4
    with pytest.raises(ValueError, match="depth must be at least 1"):
        tuning.conv_flops(0, 8, 8)
    with pytest.raises(TypeError, match="width must be an integer"):
        tuning.conv_flops(1, 8.5, 8)
