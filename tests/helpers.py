"""Helpers shared by the test files (plain functions; the shared fixture is in conftest.py)."""

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.errors import ShapeError

ACTS = ["relu", "sigmoid"]  # the activations of conftest's `net`, [3, 4, 1]


def message(excinfo) -> str:
    return str(excinfo.value)


def assert_refused_naming(call, words, errors=(ShapeError, ValueError, TypeError)):
    """call() raises one of errors, and its message holds every one of words."""
    with pytest.raises(errors) as e:
        call()
    for w in words:
        assert w in message(e), (w, message(e))


def away_from_kinks(shape, rng):
    """Pre-activations with |z| >= 0.1, so relu's kink at 0 is out of reach of eps."""
    Z = rng.standard_normal(shape)
    return np.where(np.abs(Z) < 0.1, np.sign(Z + 1e-12) * 0.1 + Z, Z)


def one_hot_columns(labels, n):
    Y = np.zeros((n, len(labels)))
    Y[labels, np.arange(len(labels))] = 1
    return Y


def moons_run(**kw):
    """A small Run on the moons (lr = 0.3 unless an optimizer is given)."""
    X, Y = ml.moons(m=50, noise=0.2, seed=1)
    settings = dict(loss="binary_cross_entropy", batch_size=16, seed=3, **({} if "optimizer" in kw else {"lr": 0.3}))
    settings.update(kw)
    return ml.Run(ml.init_params([2, 5, 1], seed=2), X, Y, ["tanh", "sigmoid"], **settings)


def same_params(a, b):
    return set(a) == set(b) and all(a[k].tobytes() == b[k].tobytes() for k in a)


def random_layer(n, n_prev, m, rng):
    """W (n, n_prev), b (n, 1) and A_prev (n_prev, m), standard normal."""
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1))
    A_prev = rng.standard_normal((n_prev, m))
    return W, b, A_prev


def backprop(params, X, Y, activations, loss):
    """forward, then loss_and_grads: (J, grads)."""
    _, caches = ml.forward(params, X, activations)
    return ml.loss_and_grads(params, caches, Y, activations, loss)


def kernel_spec_manager():
    """Every kernel name resolves to ipykernel on this interpreter (as nbval --nbval-current-env does)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager

    class CurrentEnvKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    return CurrentEnvKernelSpecs()
