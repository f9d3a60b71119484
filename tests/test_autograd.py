"""The package's gradients against PyTorch's autograd, on random float64 networks.

autograd is a reference that shares no code with the package: it differentiates
the forward pass operation by operation.  Every elementwise hidden activation is
paired with every output activation and loss the package offers, through both of
its routes (loss_and_grads, which starts from the logits where it can, and
backward from dJ/dA[L]); the fused outputs are also checked at saturated logits,
where only an exact formula matches autograd's BCEWithLogits and cross_entropy.

PyTorch is lesson 9's extra: `python run.py test` installs it; conftest.py skips
these tests, saying why, where it cannot be installed.
"""

import numpy as np
import pytest

import mlp_lessons as ml

try:
    import torch
    import torch.nn.functional as F
except ModuleNotFoundError:
    torch = None

pytestmark = pytest.mark.needs_torch

TOL = 1e-12  # relative error ||a - b|| / (||a|| + ||b||); float64 agreement is about 1e-16
SIZES = [4, 5, 3]  # n[0], then two hidden layers; n[L] = 3 is added per output
M = 7

HIDDEN = sorted(ml.ACTIVATIONS)
OUTPUTS = [(name, "half_squared_error") for name in sorted(ml.ACTIVATIONS)] + [
    ("softmax", "half_squared_error"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "softmax_cross_entropy"),
]

TORCH_PHI = {
    "identity": lambda Z: Z,
    "relu": lambda Z: torch.relu(Z),
    "leaky_relu": lambda Z: F.leaky_relu(Z, ml.activations.LEAKY_SLOPE),
    "sigmoid": lambda Z: torch.sigmoid(Z),
    "tanh": lambda Z: torch.tanh(Z),
    "softmax": lambda Z: torch.softmax(Z, dim=0),  # over each column: one example
}


def torch_loss(loss, ZL, AL, Y):
    """J averaged over the m columns, written with PyTorch's own losses where they exist."""
    m = Y.shape[1]
    if loss == "half_squared_error":
        return ((AL - Y) ** 2).sum() / (2 * m)
    if loss == "binary_cross_entropy":
        return F.binary_cross_entropy_with_logits(ZL, Y, reduction="sum") / m
    if loss == "softmax_cross_entropy":
        return F.cross_entropy(ZL.T, Y.T, reduction="sum") / m  # rows are examples there
    raise ValueError(loss)


def autograd(params, X, Y, activations, loss):
    """J, A[L] and {dW1: ..., db1: ...} from loss.backward() on float64 tensors."""
    P = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    A = torch.tensor(X)
    for l, name in enumerate(activations, start=1):
        Z = P[f"W{l}"] @ A + P[f"b{l}"]
        A = TORCH_PHI[name](Z)
    J = torch_loss(loss, Z, A, torch.tensor(Y))
    J.backward()
    return J.item(), A.detach().numpy(), {"d" + name: value.grad.numpy() for name, value in P.items()}


def random_problem(hidden, output, loss, seed):
    """A random net (nonzero biases) with inputs and targets that suit the loss."""
    rng = np.random.default_rng(seed)
    params = ml.init_params(SIZES + [3], seed=seed, init="xavier")
    for name in params:
        if name.startswith("b"):
            params[name] = 0.5 * rng.standard_normal(params[name].shape)
    X = rng.standard_normal((SIZES[0], M))
    if loss == "softmax_cross_entropy":
        Y = ml.one_hot(rng.integers(0, 3, M), 3)
    elif loss == "binary_cross_entropy" or output in ("sigmoid", "softmax"):
        Y = rng.uniform(0, 1, (3, M))
    else:
        Y = rng.standard_normal((3, M))
    return params, X, Y, [hidden, hidden, output]


def assert_same_gradients(grads, reference):
    assert grads.keys() == reference.keys()
    for name, expected in reference.items():
        error = ml.relative_error(grads[name], expected)
        assert error < TOL, f"{name}: relative error {error:.1e} against autograd"


@pytest.mark.parametrize("output, loss", OUTPUTS, ids=[f"{o}-{l}" for o, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_loss_and_grads_match_autograd(hidden, output, loss):
    params, X, Y, activations = random_problem(hidden, output, loss, seed=HIDDEN.index(hidden))
    J_ref, AL_ref, reference = autograd(params, X, Y, activations, loss)

    AL, caches = ml.forward(params, X, activations)
    J, grads = ml.loss_and_grads(params, caches, Y, activations, loss)

    assert ml.relative_error(AL, AL_ref) < TOL
    assert J == pytest.approx(J_ref, rel=TOL)
    assert_same_gradients(grads, reference)


@pytest.mark.parametrize("output, loss", OUTPUTS, ids=[f"{o}-{l}" for o, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backward_from_dAL_matches_autograd(hidden, output, loss):
    """The seed's general route: dJ/dA[L] from the loss, then boxed equation 1 at every layer."""
    params, X, Y, activations = random_problem(hidden, output, loss, seed=100 + HIDDEN.index(hidden))
    J_ref, _, reference = autograd(params, X, Y, activations, loss)

    AL, caches = ml.forward(params, X, activations)
    J, dAL = ml.get_loss(loss)(AL, Y)
    grads = ml.backward(params, caches, dAL, activations)

    assert J == pytest.approx(J_ref, rel=TOL)
    assert_same_gradients(grads, reference)


@pytest.mark.parametrize("z", [40.0, -40.0])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_sigmoid_binary_cross_entropy_matches_autograd_when_saturated(z, y):
    """One sigmoid unit whose logit is z = +-40: sigma(z) is 1 or 4e-18 in float64.

    Confidently right (z = 40, y = 1) costs almost nothing, log1p(e^-40) = 4.2e-18, and gets a
    gradient of about -1.7e-16, which the package keeps and PyTorch rounds to 0 (hence atol);
    confidently wrong (z = 40, y = 0) costs 40 and gets the full gradient 1.
    Computed from a[L] alone, the loss and its gradient are wrong there.
    """
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[z]]), np.array([[y]])
    J_ref, _, reference = autograd(params, X, Y, ["sigmoid"], "binary_cross_entropy")

    AL, caches = ml.forward(params, X, ["sigmoid"])
    J, grads = ml.loss_and_grads(params, caches, Y, ["sigmoid"], "binary_cross_entropy")

    assert J == pytest.approx(J_ref, rel=TOL, abs=1e-15)  # abs: log1p(e^-40) = 4e-18 may round to 0
    for name, expected in reference.items():
        np.testing.assert_allclose(grads[name], expected, rtol=TOL, atol=1e-15, err_msg=name)
    assert abs(grads["db1"][0, 0]) == pytest.approx(abs(y - (z > 0)), abs=1e-15)


def test_softmax_cross_entropy_matches_autograd_when_saturated():
    """Logits +-400: softmax underflows to exactly 0 for the losing classes, log(0) is -inf."""
    params = {"W1": np.eye(3), "b1": np.zeros((3, 1))}
    X = np.array([[400.0, -400.0, 0.0], [-400.0, 400.0, 0.0], [0.0, 0.0, 400.0]])
    Y = ml.one_hot([1, 1, 2], 3)  # wrong, right, right
    J_ref, _, reference = autograd(params, X, Y, ["softmax"], "softmax_cross_entropy")

    AL, caches = ml.forward(params, X, ["softmax"])
    J, grads = ml.loss_and_grads(params, caches, Y, ["softmax"], "softmax_cross_entropy")

    assert J == pytest.approx(J_ref, rel=TOL)
    assert J == pytest.approx(800.0 / 3, rel=TOL)
    for name, expected in reference.items():  # atol: the right columns' exact gradient, about e^-400,
        # which PyTorch's softmax(z) - y rounds to 0
        np.testing.assert_allclose(grads[name], expected, rtol=TOL, atol=1e-15, err_msg=name)


def test_a_training_run_ends_with_the_same_parameters_as_torch_optim_sgd():
    """Lesson 9, section 7: ml.train and nn.Linear + CrossEntropyLoss + optim.SGD on the same batches."""
    digits = ml.load_digits()
    X, Y = digits.X_train[:, :300], digits.Y_train[:, :300]
    start = ml.init_params([64, 16, 10], seed=1)
    lr, epochs, batch_size, seed = 0.2, 2, 32, 4
    trained, _ = ml.train(start, X, Y, ["relu", "softmax"], loss="softmax_cross_entropy",
                          lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 16, dtype=torch.float64), torch.nn.ReLU(),
                                torch.nn.Linear(16, 10, dtype=torch.float64))
    with torch.no_grad():
        for l, linear in [(1, model[0]), (2, model[2])]:
            linear.weight.copy_(torch.from_numpy(start[f"W{l}"]))
            linear.bias.copy_(torch.from_numpy(start[f"b{l}"][:, 0]))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    rows, labels = torch.from_numpy(X.T), torch.from_numpy(ml.labels_of(Y))
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(X.shape[1]))
        for first in range(0, X.shape[1], batch_size):
            batch = order[first:first + batch_size]
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(rows[batch]), labels[batch]).backward()
            optimizer.step()
    for l, linear in [(1, model[0]), (2, model[2])]:
        assert ml.relative_error(trained[f"W{l}"], linear.weight.detach().numpy()) < TOL
        assert ml.relative_error(trained[f"b{l}"][:, 0], linear.bias.detach().numpy()) < TOL
