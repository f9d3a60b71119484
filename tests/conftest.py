"""The fixture the bad-input tests share."""

import numpy as np
import pytest

import mlp_lessons as ml


@pytest.fixture
def net():
    """A [3, 4, 1] network (relu, sigmoid) with m = 5 examples and labels in {0, 1}."""
    params = ml.init_params([3, 4, 1], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 5))
    Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    return params, X, Y
