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


def layer_forward(A_prev, W, b, phi):
    """a[l] = phi(z[l]) with z[l] = W[l] a[l-1] + b[l]."""
    return phi(linear_forward(W, A_prev, b))


def forward(params, X, activations):
    """a[0] = X, then a[l] = phi[l](W[l] a[l-1] + b[l]) for l = 1..L; returns a[L]."""
    A = X
    for l in range(1, len(activations) + 1):
        phi = ml.get_activation(activations[l - 1]).phi
        A = layer_forward(A, params[f"W{l}"], params[f"b{l}"], phi)
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
