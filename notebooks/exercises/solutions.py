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


# ---- 06: the backward signal (after lesson 6) ----

def backward_factors(A, Z, W, phi_prime):
    """The factor of each step back, ||dJ/dz[l]|| / ||dJ/dz[l+1]|| predicted, for l = 1..L-1 (layer 1 first).

    Equations 4 and 1 chained: dJ/dz[l] = ((W[l+1])^T dJ/dz[l+1]) * phi'(z[l]). Two factors:
    1. (W[l+1])^T, of shape (n[l], n[l+1]), on a signal v of n[l+1] entries in a random direction:
       ||W^T v||^2 = sum_q (sum_p W_pq v_p)^2 averages sum_pq W_pq^2 v_p^2 = ||W||^2 ||v||^2 / n[l+1]
       (the cross terms cancel on average; v_p^2 averages ||v||^2 / n[l+1]). Size: ||W[l+1]|| / sqrt(n[l+1]),
       the ROWS of W[l+1] (sqrt(n[l]), its columns, would be its size on the way up).
    2. Entry by entry times phi'(z[l]): the length is scaled by the root-mean-square of phi'(z[l]) over all
       its entries (units and examples), sqrt(mean(phi'^2)), not by its mean.
    Their product is the factor; phi' is taken at z[l] of the layer the signal arrives at, W from the layer above.
    """
    L = len(W)
    factors = []
    for l in range(1, L):
        W_size = np.linalg.norm(W[l + 1]) / np.sqrt(W[l + 1].shape[0])
        phi_size = np.sqrt(np.mean(phi_prime[l](Z[l]) ** 2))
        factors.append(W_size * phi_size)
    return np.array(factors)


predicted_smallest = (3, 0.136)
"""Where ||dJ/dz[l]|| is smallest in signal_net (6 relu layers, He's draw times 1, 2, 2, 0.7, 0.6, 0.3, 1 for
W[1..7], an identity output), and ||dJ/dz[l]|| / ||dJ/dz[L]|| there.

backward_factors on it, from the top (l = 6 down to 1): 1.02, 0.306, 0.645, 0.672, 1.94, 1.98.
(By hand: for relu with He's draw the size of W[l+1]^T is about sqrt(2) x its scale and the rms of relu' about
sqrt(1/2), so each factor is about the scale of W[l+1]: 1, 0.3, 0.6, 0.7, 2, 2.)
Multiplied out from the output down, ||dJ/dz[l]|| / ||dJ/dz[L]||:
    l = 6: 1.02,  l = 5: 0.313,  l = 4: 0.202,  l = 3: 0.136,  l = 2: 0.263,  l = 1: 0.520.
The products shrink while the factors are below 1 and grow again below layer 3: smallest at layer 3, about
0.136 (0.7 x 0.6 x 0.3 x 1 = 0.126 by hand; ml.backward measures 0.12).
"""


def dead_share(A):
    """The share of hidden units, layers 1..L-1 pooled, that output 0 on every example.

    A[l] has shape (n[l], m): a unit is a ROW, an example a column. A ReLU outputs max(0, z) >= 0, so a unit is
    dead when its whole row is 0: np.all(A[l] == 0, axis=1), one boolean per unit (np.any would also count units
    that are off on some examples only, which still learn from the others). A[0] is the input and A[L] the output:
    neither is a hidden layer. Concatenate the booleans of all hidden layers and take their mean.
    """
    L = len(A) - 1
    dead = [np.all(A[l] == 0, axis=1) for l in range(1, L)]
    return float(np.mean(np.concatenate(dead)))


# ---- 07: softmax and cross-entropy ----

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


# ---- 03: derivations (after lesson 3) ----
#
# Predictions are the values a student writes into the notebook's variables.

predicted_zeros = [(1, 1), (1, 2)]
"""Which entries of dJ/dW[1] are zero on lesson 1's hand network (x = (1, 2), y = -5, relu then identity).

z[1] = W[1] x + b[1] = (1*1 - 1*2 + 0, 0.5*1 + 2*2 - 1) = (-1, 3.5), a[1] = relu(z[1]) = (0, 3.5).
a[2] = W[2] a[1] + b[2] = 0 - 7 + 0.5 = -6.5, dJ/dz[2] = a[2] - y = -1.5.
dJ/da[1] = W[2]^T dJ/dz[2] = (1, -2) x (-1.5) = (-1.5, 3).
dJ/dz[1] = dJ/da[1] * relu'(z[1]) = (-1.5 x 0, 3 x 1) = (0, 3)       (equation 1: relu'(-1) = 0)
dJ/dW[1] = dJ/dz[1] x^T = [[0, 0], [3, 6]]                             (equation 2)
Row 1, the neuron whose relu is off, is zero whatever the loss: entries (1, 1) and (1, 2).
"""

predicted_factors = (1, 2)
"""The gradient's length when every example appears twice (m doubles): (with the mean loss, with the sum).

Sum: J_sum(2 copies) = 2 J_sum, so its gradient doubles: factor 2.
Mean: J = 1/(2m) (2 x the sum over the m examples) = the same J, so the same gradient: factor 1.
"""


def gelu_prime(Z):
    """phi'(z) for phi(z) = 1/2 z (1 + tanh(u)), u = c (z + k z^3), c = sqrt(2/pi), k = 0.044715.

    Product rule on 1/2 z times (1 + tanh u):
        phi'(z) = 1/2 (1 + tanh u)  +  1/2 z d/dz tanh(u)
    Chain rule through u (the factor students forget):
        d/dz tanh(u) = (1 - tanh(u)^2) du/dz,   du/dz = c (1 + 3 k z^2)
    So  phi'(z) = 1/2 (1 + t) + 1/2 z (1 - t^2) c (1 + 3 k z^2),  t = tanh(u), elementwise.
    Check: phi'(0) = 1/2; for large z, t -> 1 and phi' -> 1 (GELU is z there); for very negative z, phi' -> 0.
    """
    c, k = np.sqrt(2 / np.pi), 0.044715
    t = np.tanh(c * (Z + k * Z ** 3))
    return 0.5 * (1 + t) + 0.5 * Z * (1 - t ** 2) * c * (1 + 3 * k * Z ** 2)


def skip_backward(dA2, A1, Z2, W2, phi_prime):
    """(dJ/dW[2], dJ/db[2], dJ/da[1]) for a[2] = phi(z[2]) + a[1], z[2] = W[2] a[1] + b[2] (n[2] = n[1]).

    The path through z[2] is an ordinary layer: equations 1 to 3,
        dJ/dz[2] = dJ/da[2] * phi'(z[2]),  dJ/dW[2] = dJ/dz[2] a[1]^T,  dJ/db[2] = sum over examples of dJ/dz[2].
    a[1] reaches a[2] along two paths, so by the multivariable chain rule their contributions ADD:
        through z[2]:  (W[2])^T dJ/dz[2]                  (equation 4)
        the skip:      dJ/da[2] x d(a[1])/d(a[1]) = dJ/da[2]   (no phi', no W)
        dJ/da[1] = (W[2])^T dJ/dz[2] + dJ/da[2].
    The skip has no parameters, so it adds nothing to dW[2] or db[2]. No 1/m here: it is inside dJ/da[2].
    """
    dZ2 = dA2 * phi_prime(Z2)
    dW2 = dZ2 @ A1.T
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dA1 = W2.T @ dZ2 + dA2
    return dW2, db2, dA1


# ---- 07: derivations (after lesson 8) ----

def weighted_bce_dZ(ZL, Y, w1, w0):
    """dJ/dz[L] of J = -1/m sum [w1 Y log a + w0 (1 - Y) log(1 - a)], a = sigma(z), from the logits.

    One entry, one example (the sum and the 1/m pass through unchanged):
        d/dz log sigma(z)     = sigma'(z) / sigma(z)       = (1 - a)    (sigma' = a (1 - a))
        d/dz log(1 - sigma(z)) = -sigma'(z) / (1 - sigma(z)) = -a
    With the minus in front of J:
        dJ/dz = 1/m [ -w1 y (1 - a) + w0 (1 - y) a ] = 1/m [ w1 y (a - 1) + w0 (1 - y) a ].
    For y in {0, 1} this is 1/m w (a - y) with w = w1 y + w0 (1 - y): the lessons' (a - y)/m, each example
    weighted by its class's weight. With w1 = w0 = 1 it is exactly lesson 4's (A - Y)/m.
    """
    m = ZL.shape[1]
    A = 1 / (1 + np.exp(-ZL))
    return (w1 * Y * (A - 1) + w0 * (1 - Y) * A) / m


predicted_step = 10
"""With the same gradient g at every step and beta = 0.9: v_1 = g, v_2 = 1.9 g, v_3 = 2.71 g, ...,
v_k = (1 + 0.9 + ... + 0.9^(k-1)) g -> g / (1 - 0.9) = 10 g. The fixed point of v = beta v + g is
v = g / (1 - beta). So the step lr v tends to 10 plain steps lr g."""


def momentum_step(params, grads, velocity, lr, beta):
    """v := beta v + dJ/dp, then p := p - lr v, for every parameter p (W[l] and b[l]); new dicts, inputs untouched.

    The velocity is an exponentially decaying SUM of the past gradients,
        v_k = g_k + beta g_(k-1) + beta^2 g_(k-2) + ...,
    so it must be carried from one step to the next (returned, and passed back in): a v rebuilt from this
    step's gradient alone is plain gradient descent. The step uses the NEW velocity.
    """
    new_velocity = {k: beta * velocity[k] + grads["d" + k] for k in params}
    new_params = {k: params[k] - lr * new_velocity[k] for k in params}
    return new_params, new_velocity


predicted_column_sum = 0
"""softmax(z + c 1) = softmax(z) for any c, so J(z + c 1) = J(z) and its derivative along 1 = (1, ..., 1),
sum_i dJ/dz_i, is 0 in every column, whatever dJ/da is. From the formula below:
sum_i a_i (dJ/da_i - s) = s - s sum_i a_i = s - s = 0, with s = sum_j a_j dJ/da_j."""


def softmax_backward(dA, A):
    """dJ/dz through a = softmax(z), column by column, without building the (n, n) Jacobian.

    Jacobian of one column: a_j = exp(z_j) / S, S = sum_k exp(z_k).
        da_j/dz_i = a_j (delta_ij - a_i)   (quotient rule: i = j gives a_i - a_i^2, i != j gives -a_j a_i)
    Chain rule, summing over every output a_j that z_i reaches:
        dJ/dz_i = sum_j dJ/da_j a_j (delta_ij - a_i) = a_i dJ/da_i - a_i sum_j a_j dJ/da_j
                = a_i (dJ/da_i - s),   s = sum_j a_j dJ/da_j   (one number per column).
    Batched: s = np.sum(A * dA, axis=0, keepdims=True), (1, m); then A * (dA - s), (n, m).
    Only the diagonal, a_i (1 - a_i) dJ/da_i, would treat softmax as elementwise, which it is not.
    """
    s = np.sum(A * dA, axis=0, keepdims=True)
    return A * (dA - s)
