"""params.py: init_params (shapes, seeds, the scales of He and Xavier) and the messages for bad layer sizes or inits."""

import numpy as np
import pytest

import mlp_lessons as ml


def test_init_params_shapes_and_reproducibility():
    p = ml.init_params([4, 3, 2], seed=5)
    assert sorted(p) == ["W1", "W2", "b1", "b2"]
    assert p["W1"].shape == (3, 4) and p["b1"].shape == (3, 1)
    assert p["W2"].shape == (2, 3) and p["b2"].shape == (2, 1)
    q = ml.init_params([4, 3, 2], seed=5)
    for k in p:
        assert p[k].tobytes() == q[k].tobytes()
    assert not np.array_equal(p["W1"], ml.init_params([4, 3, 2], seed=6)["W1"])
    assert ml.layer_sizes_of(p) == [4, 3, 2]


def test_init_scales():
    he = ml.init_params([400, 300], seed=0, init="he")["W1"]
    xavier = ml.init_params([400, 300], seed=0, init="xavier")["W1"]
    assert he.var() == pytest.approx(2 / 400, rel=0.05)
    assert xavier.var() == pytest.approx(2 / 700, rel=0.05)


def test_unknown_init():
    with pytest.raises(ValueError, match=r"Unknown init 'glorot'.*he, xavier"):
        ml.init_params([2, 3], init="glorot")


@pytest.mark.parametrize("sizes, bad", [([2, 0, 1], "layer_sizes\\[1\\] = 0"), ([2, 3.5, 1], "layer_sizes\\[1\\] = 3.5"),
                                        ([2, -1], "layer_sizes\\[1\\] = -1"), ([2, True], "layer_sizes\\[1\\] = True")])
def test_layer_sizes_must_be_positive_integers(sizes, bad):
    with pytest.raises(ValueError, match=bad + r".*positive integer"):
        ml.init_params(sizes)


def test_layer_sizes_need_two_entries():
    with pytest.raises(ValueError, match="at least two entries"):
        ml.init_params([3])
    with pytest.raises(TypeError, match="list of positive integers"):
        ml.init_params(3)
