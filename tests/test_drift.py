"""helpers.drift: the drifting sensor task, the KS detector, PSI; their messages on bad inputs."""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from helpers import drift


def test_sensor_data_is_deterministic_balanced_and_shaped():
    X, y = drift.sensor_data(500, seed=3)
    X2, y2 = drift.sensor_data(500, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (500, drift.N_SENSORS) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0.35 < y.mean() < 0.65
    assert not np.array_equal(X, drift.sensor_data(500, seed=4)[0])


def test_drift_moves_only_the_drifting_sensors_and_keeps_the_labels():
    X0, y0 = drift.sensor_data(400, seed=1)
    X1, y1 = drift.sensor_data(400, drift=1.5, seed=1)
    np.testing.assert_array_equal(y0, y1)              # same machines, same true states
    shift = (X1 - X0).mean(axis=0)
    expected = np.zeros(drift.N_SENSORS)
    expected[list(drift.DRIFTING_SENSORS)] = 1.5
    np.testing.assert_allclose(shift, expected, atol=1e-6)


def test_drift_batches_one_batch_per_drift_and_fresh_machines():
    batches = drift.drift_batches([0, 0, 2.0], 50, seed=0)
    assert len(batches) == 3 and all(b[0].shape == (50, 6) for b in batches)
    assert not np.array_equal(batches[0][0], batches[1][0])
    assert batches[2][0][:, 0].mean() > 1.0
    again = drift.drift_batches([0, 0, 2.0], 50, seed=0)
    np.testing.assert_array_equal(batches[2][0], again[2][0])


def test_ks_drift_test_matches_scipy_and_flags_a_shift():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(1000, 3))
    batch = rng.normal(size=(200, 3))
    batch[:, 1] += 1.0
    res = drift.ks_drift_test(ref, batch)
    for j in range(3):
        assert res.p_values[j] == pytest.approx(ks_2samp(ref[:, j], batch[:, j]).pvalue)
    assert res.drifted and res.flagged.tolist() == [1]
    assert res.correction == "bonferroni" and res.alpha == 0.05


def test_corrections_bonferroni_holm_none_on_known_p_values(monkeypatch):
    rng = np.random.default_rng(1)
    ref, batch = rng.normal(size=(100, 4)), rng.normal(size=(50, 4))

    class Fake:
        pvalue = np.array([0.011, 0.013, 0.02, 0.5])
        statistic = np.zeros(4)

    import scipy.stats

    monkeypatch.setattr(scipy.stats, "ks_2samp", lambda *a, **k: Fake)
    # alpha 0.05, d = 4: Bonferroni threshold 0.0125; Holm 0.0125, 0.0167, 0.025, 0.05
    assert drift.ks_drift_test(ref, batch).flagged.tolist() == [0]
    assert drift.ks_drift_test(ref, batch, correction="holm").flagged.tolist() == [0, 1, 2]
    assert drift.ks_drift_test(ref, batch, correction="none").flagged.tolist() == [0, 1, 2]
    Fake.pvalue = np.array([0.2, 0.013, 0.02, 0.5])
    assert drift.ks_drift_test(ref, batch, correction="holm").flagged.tolist() == []
    assert not drift.ks_drift_test(ref, batch).drifted


def test_false_alarm_rate_is_controlled_and_the_uncorrected_one_is_not():
    batches = drift.drift_batches([0.0] * 200, 100, seed=5)
    ref, _ = drift.sensor_data(1000, seed=99)
    p = np.array([drift.ks_drift_test(ref, b[0]).p_values for b in batches])
    corrected = np.mean((p <= 0.05 / 6).any(axis=1))
    uncorrected = np.mean((p <= 0.05).any(axis=1))
    assert corrected < 0.1 < 0.15 < uncorrected


def test_psi_is_near_zero_for_the_same_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(2)
    ref = rng.normal(size=(5000, 2))
    same = drift.population_stability_index(ref, rng.normal(size=(5000, 2)))
    shifted = drift.population_stability_index(ref, rng.normal(size=(5000, 2)) + [0.5, 1.0])
    assert same.shape == (2,) and np.all(same < 0.01)
    assert 0.15 < shifted[0] < 0.4 and shifted[1] > 3 * shifted[0]
    assert drift.population_stability_index(ref[:, 0], ref[:, 0]) == pytest.approx(0, abs=1e-12)


def test_psi_by_hand_on_two_bins():
    ref = np.array([0.0, 1.0, 2.0, 3.0])                # median 1.5: bins [<1.5], [>=1.5]
    batch = np.array([0.0, 0.0, 0.0, 3.0])              # fractions 0.75, 0.25 vs 0.5, 0.5
    expected = (0.75 - 0.5) * np.log(0.75 / 0.5) + (0.25 - 0.5) * np.log(0.25 / 0.5)
    assert drift.population_stability_index(ref, batch, bins=2) == pytest.approx(expected)
    # an empty bin is clipped at eps instead of giving log(0)
    empty = drift.population_stability_index(ref, np.zeros(4), bins=2)
    assert np.isfinite(empty) and empty > 1


@pytest.mark.parametrize("call, error, match", [
    (lambda: drift.sensor_data(0), ValueError, "n must be at least 1"),
    (lambda: drift.sensor_data(10.0), TypeError, "n must be an integer"),
    (lambda: drift.sensor_data(10, drift="1"), TypeError, "drift"),
    (lambda: drift.sensor_data(10, seed=-1), ValueError, "seed"),
    (lambda: drift.drift_batches(0.5, 10), ValueError, "1-D"),
    (lambda: drift.drift_batches([0, np.nan], 10), ValueError, "NaN"),
    (lambda: drift.drift_batches([0], 1), ValueError, "batch_size"),
    (lambda: drift.ks_drift_test(np.ones((10, 3)), np.ones((10, 2))), ValueError, "3 features"),
    (lambda: drift.ks_drift_test(np.ones((10, 2)), np.ones((1, 2))), ValueError, "at least 2 rows"),
    (lambda: drift.ks_drift_test(np.ones((10, 2)), np.ones((5, 2)), alpha=1.5), ValueError, "alpha"),
    (lambda: drift.ks_drift_test(np.ones((10, 2)), np.ones((5, 2)), correction="fdr"), ValueError,
     "bonferroni"),
    (lambda: drift.ks_drift_test(np.ones((10, 2, 2)), np.ones((5, 2))), ValueError, "1-D or 2-D"),
    (lambda: drift.ks_drift_test([["a", "b"]] * 3, np.ones((5, 2))), TypeError, "reference"),
    (lambda: drift.population_stability_index(np.ones(10), np.ones(5), bins=1), ValueError, "bins"),
    (lambda: drift.population_stability_index(np.ones(10), np.ones(5), eps=0), ValueError, "eps"),
    (lambda: drift.population_stability_index(np.ones(10), [1.0, np.inf]), ValueError, "batch"),
])
def test_bad_inputs_are_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- the bad-inputs review


def test_psi_sees_an_obvious_drift_from_a_constant_reference():
    assert drift.population_stability_index(np.zeros(100), np.full(50, 5.0)) > 10
    assert drift.population_stability_index(np.zeros(100), np.zeros(50)) == 0.0
    # half the batch moved away from the constant
    half = np.r_[np.zeros(25), np.full(25, 5.0)]
    assert drift.population_stability_index(np.zeros(100), half) > 1


def test_psi_with_ties_merges_bins_and_still_sees_a_shift():
    rng = np.random.default_rng(0)
    ref = rng.integers(0, 2, 400).astype(float)      # two values: most quantiles tie
    assert drift.population_stability_index(ref, rng.integers(0, 2, 400).astype(float)) < 0.05
    assert drift.population_stability_index(ref, np.ones(400)) > 1


def test_psi_eps_must_stay_below_one_over_bins():
    rng = np.random.default_rng(0)
    ref, moved = rng.normal(size=300), rng.normal(3, 1, 300)
    with pytest.raises(ValueError, match=r"eps must be below 0\.1"):
        drift.population_stability_index(ref, moved, eps=1.0)
    with pytest.raises(ValueError, match=r"eps must be below 0\.25"):
        drift.population_stability_index(ref, moved, bins=4, eps=0.3)
    assert drift.population_stability_index(ref, moved, eps=0.05) > 1


def test_swapped_rows_and_columns_are_refused():
    ref, batch = drift.sensor_data(300, seed=0)[0], drift.sensor_data(300, drift=3.0, seed=1)[0]
    with pytest.raises(ValueError, match=r"6 rows and 300 features.*reference\.T"):
        drift.ks_drift_test(ref.T, batch.T)
    with pytest.raises(ValueError, match="transpose"):
        drift.population_stability_index(ref.T, batch.T)
    assert drift.ks_drift_test(ref, batch).drifted


# --------------------------------------------------------------------------- ks_p_values (many batches)

def test_ks_p_values_equal_scipy_asymptotic_per_batch():
    from scipy.stats import ks_2samp

    reference, _ = drift.sensor_data(500, seed=1)
    batches = [xb for xb, _ in drift.drift_batches([0.0, 0.3, 1.0], 80, seed=2)]
    ours = drift.ks_p_values(reference, batches)
    assert ours.shape == (3, drift.N_SENSORS)
    for b, row in zip(batches, ours, strict=True):
        theirs = ks_2samp(reference, b, axis=0, method="asymp").pvalue
        np.testing.assert_allclose(row, theirs, rtol=1e-8)


def test_ks_p_values_handle_ties_like_scipy():
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(0)
    reference = rng.integers(0, 5, size=(300, 2)).astype(float)    # many ties, across samples too
    batch = rng.integers(1, 6, size=(60, 2)).astype(float)
    ours = drift.ks_p_values(reference, batch[None])[0]
    np.testing.assert_allclose(ours, ks_2samp(reference, batch, axis=0, method="asymp").pvalue,
                               rtol=1e-8)


def test_ks_p_values_refuse_mixed_sizes_and_feature_counts():
    reference = np.zeros((50, 2)) + np.arange(50)[:, None]
    with pytest.raises(ValueError, match="same shape"):
        drift.ks_p_values(reference, [np.ones((10, 2)), np.ones((12, 2))])
    with pytest.raises(ValueError, match="features"):
        drift.ks_p_values(reference, np.ones((3, 10, 4)))
    with pytest.raises(ValueError, match="empty"):
        drift.ks_p_values(reference, [])
    with pytest.raises(ValueError, match="3"):
        drift.ks_p_values(reference, np.ones((10, 2)))


def test_sensor_data_with_bayes_gives_the_same_draws_and_the_noise_free_rule():
    x, y = drift.sensor_data(4000, seed=5)
    x2, y2, bayes = drift.sensor_data(4000, seed=5, with_bayes=True)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert bayes.dtype == np.int64 and set(np.unique(bayes)) <= {0, 1}
    accuracy = np.mean(bayes == y)
    assert 0.85 < accuracy < 0.99          # label noise: some errors no classifier can avoid
    with pytest.raises(TypeError, match="with_bayes"):
        drift.sensor_data(10, with_bayes="yes")
