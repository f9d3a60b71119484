"""Reference solutions to the exercise notebooks (for teachers, and for the tests).

Try each exercise yourself first: the checks in the notebooks tell you what is
wrong.  Every function here is one of the seed's equations, written the way the
package writes it (examples as columns, X of shape (n[0], m), l = 1..L).
"""

import numpy as np

import mlp_lessons as ml


# ---- 01: forward propagation ----

def linear_forward(W, A_prev, b):
    """z[l] = W[l] a[l-1] + b[l].  (n[l], n[l-1]) @ (n[l-1], m) + (n[l], 1) -> (n[l], m)."""
    return W @ A_prev + b


def layer_forward(W, A_prev, b, phi):
    """a[l] = phi(z[l]) with z[l] = W[l] a[l-1] + b[l]; the arguments in the order of the equation's symbols."""
    return phi(linear_forward(W, A_prev, b))


def forward(params, X, activations):
    """a[0] = X, then a[l] = phi[l](W[l] a[l-1] + b[l]) for l = 1..L; returns a[L]."""
    A = X
    for l in range(1, len(activations) + 1):
        phi = ml.get_activation(activations[l - 1]).phi
        A = layer_forward(params[f"W{l}"], A, params[f"b{l}"], phi)
    return A


# ---- 02: the four boxed equations ----

def backprop_dZ(dA, Z, phi_prime):
    """dJ/dz[l] = dJ/da[l] * phi'(z[l]), elementwise."""
    return dA * phi_prime(Z)


def backprop_dW(dZ, A_prev):
    """dJ/dW[l] = dJ/dz[l] (a[l-1])^T.  With m columns the product sums over the examples."""
    return dZ @ A_prev.T


def backprop_db(dZ):
    """dJ/db[l] = dJ/dz[l], summed over the examples (columns); for m = 1 that is dZ itself."""
    return np.sum(dZ, axis=1, keepdims=True)


def backprop_dA_prev(W, dZ):
    """dJ/da[l-1] = (W[l])^T dJ/dz[l]."""
    return W.T @ dZ


def backward(dAL, A, Z, W, phi_prime):
    """The four boxed equations for l = L, L-1, ..., 1.  A, Z, W, phi_prime are dicts by layer."""
    L = len(W)
    dW, db = {}, {}
    dA = dAL
    for l in range(L, 0, -1):
        dZ = backprop_dZ(dA, Z[l], phi_prime[l])
        dW[l] = backprop_dW(dZ, A[l - 1])
        db[l] = backprop_db(dZ)
        dA = backprop_dA_prev(W[l], dZ)
    return dW, db


# ---- 03: batching and the loss normalised by m ----

def half_squared_error(AL, Y):
    """J = 1/(2m) sum over examples and outputs of (A[L] - Y)^2, and dJ/dA[L] = (A[L] - Y) / m."""
    m = AL.shape[1]
    J = np.sum((AL - Y) ** 2) / (2 * m)
    dAL = (AL - Y) / m
    return J, dAL


# ---- 04: training ----

def sigmoid_cross_entropy(AL, Y):
    """J = -1/m sum [Y log A[L] + (1 - Y) log(1 - A[L])], and dJ/dZ[L] = (A[L] - Y) / m."""
    m = AL.shape[1]
    J = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    dZL = (AL - Y) / m
    return J, dZL


def update(params, grads, lr):
    """W[l] := W[l] - lr dJ/dW[l] and b[l] := b[l] - lr dJ/db[l]: a new dict, params untouched."""
    return {name: value - lr * grads["d" + name] for name, value in params.items()}


def train(params, X, Y, step, epochs, batch_size, seed):
    """Mini-batch gradient descent: each epoch shuffles the m columns, then one step per batch."""
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    for epoch in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            params, J = step(params, X[:, batch], Y[:, batch])
    return params


# ---- 05: gradient checking ----

def numerical_gradient(J, x, eps):
    """dJ/dx_k ~ (J(x + eps e_k) - J(x - eps e_k)) / (2 eps) for every entry k; J() reads x."""
    grad = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        saved = x[k]
        x[k] = saved + eps
        J_plus = J()
        x[k] = saved - eps
        J_minus = J()
        x[k] = saved
        grad[k] = (J_plus - J_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0 when both are 0."""
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return np.linalg.norm(a - b) / denominator


def grad_check(J, params, grads, eps):
    """{name: relative error between backprop's grads["d" + name] and the centred differences}."""
    return {name: relative_error(grads["d" + name], numerical_gradient(J, params[name], eps))
            for name in params}


# ---- 06: softmax and cross-entropy ----

def softmax(Z):
    """a_k = exp(z_k) / sum_j exp(z_j) in every column; the column max is subtracted first."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_cross_entropy(AL, Y):
    """J = -1/m sum Y log A[L] (Y one-hot), and dJ/dZ[L] = (A[L] - Y) / m."""
    m = AL.shape[1]
    J = -np.sum(Y * np.log(AL)) / m
    dZL = (AL - Y) / m
    return J, dZL


def predict_labels(AL):
    """The class with the largest output in each column: shape (m,)."""
    return np.argmax(AL, axis=0)
