"""Small toy data sets, made with numpy from a seed, returned as columns.

Every maker returns (X, Y) with X of shape (n[0], m) and Y of shape (1, m):
labels 0.0 / 1.0 for the classification sets, real values for the regression
sets `sine` (one input) and `hills` (two).
The same (m, noise, seed) gives the same arrays.
"""

from __future__ import annotations

import numpy as np

from ..errors import check_count, check_real, check_seed


def _columns(points: np.ndarray, labels: np.ndarray):
    """(m, 2) points and (m,) labels -> X (2, m), Y (1, m)."""
    return np.ascontiguousarray(points.T, dtype=np.float64), labels.reshape(1, -1).astype(np.float64)


def _rng(m, noise, seed, where: str):
    """The random generator of a data set, after checking m, noise and seed; where: the maker's name."""
    check_count("m", m, 1, " (the number of examples)", where)
    check_real("noise", noise, where, low=0, high=1e6,
               meaning=" (the standard deviation of the noise added to each point; 1 already hides the pattern)")
    return np.random.default_rng(check_seed(seed, where))


def xor(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Points around the four corners (0,0), (0,1), (1,0), (1,1); label x1 XOR x2.

    With noise=0 and m=4 this is the XOR truth table itself.
    """
    rng = _rng(m, noise, seed, "xor")
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    which = np.arange(m) % 4
    points = corners[which] + noise * rng.standard_normal((m, 2))
    labels = (corners[which, 0] != corners[which, 1]).astype(np.float64)
    return _columns(points, labels)


def moons(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Two interleaving half circles; label 1 for the lower one."""
    rng = _rng(m, noise, seed, "moons")
    label = np.arange(m) % 2
    t = rng.uniform(0, np.pi, m)
    points = np.where(
        label[:, None] == 0,
        np.c_[np.cos(t), np.sin(t)],
        np.c_[1 - np.cos(t), 0.5 - np.sin(t)],
    )
    points = points + noise * rng.standard_normal((m, 2))
    return _columns(points, label)


def circles(m: int = 200, noise: float = 0.1, seed: int = 0):
    """A disc of radius about 0.5 (label 1) inside a ring of radius about 1 (label 0)."""
    rng = _rng(m, noise, seed, "circles")
    label = np.arange(m) % 2
    t = rng.uniform(0, 2 * np.pi, m)
    r = np.where(label == 1, 0.5, 1.0)
    points = np.c_[r * np.cos(t), r * np.sin(t)] + noise * rng.standard_normal((m, 2))
    return _columns(points, label)


def spirals(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Two spirals winding around each other, one and a half turns each."""
    rng = _rng(m, noise, seed, "spirals")
    label = np.arange(m) % 2
    t = rng.uniform(0.05, 1, m)
    angle = 3 * np.pi * t + np.pi * label
    points = np.c_[t * np.cos(angle), t * np.sin(angle)] + noise * rng.standard_normal((m, 2)) * 0.5
    return _columns(points, label)


def gaussians(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Two round clouds of points, around (-1, -1) (label 0) and (1, 1) (label 1).

    Their spread grows with the noise (standard deviation 0.4 + noise), so at
    noise 0.5 the clouds overlap and no boundary separates them all.
    """
    rng = _rng(m, noise, seed, "gaussians")
    label = np.arange(m) % 2
    centre = np.where(label[:, None] == 1, 1.0, -1.0)
    points = centre + (0.4 + noise) * rng.standard_normal((m, 2))
    return _columns(points, label)


def hills(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Regression in the plane: x uniform in [-3, 3]^2, y = sin(x1) sin(x2) + noise.

    Two hills and two valleys, a surface a network can only fit with hidden units
    (or with the features sin x1 and sin x2 and one hidden layer).  X (2, m), Y (1, m).
    """
    rng = _rng(m, noise, seed, "hills")
    points = rng.uniform(-3, 3, (m, 2))
    y = np.sin(points[:, 0]) * np.sin(points[:, 1]) + noise * rng.standard_normal(m)
    return _columns(points, y)


def sine(m: int = 200, noise: float = 0.1, seed: int = 0):
    """Regression: x uniform in [-pi, pi], y = sin(x) + noise. X is (1, m), Y is (1, m)."""
    rng = _rng(m, noise, seed, "sine")
    x = rng.uniform(-np.pi, np.pi, m)
    y = np.sin(x) + noise * rng.standard_normal(m)
    return x.reshape(1, -1), y.reshape(1, -1)


DATASETS = {
    "xor": xor, "moons": moons, "circles": circles, "spirals": spirals, "gaussians": gaussians,
    "sine": sine, "hills": hills,
}
CLASSIFICATION = ("xor", "moons", "circles", "spirals", "gaussians")
REGRESSION = ("sine", "hills")


def load_dataset(name: str, m: int = 200, noise: float = 0.1, seed: int = 0):
    """make_* by name: load_dataset("moons", m=200, noise=0.1, seed=0) -> (X, Y)."""
    try:
        maker = DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown data set {name!r}. Valid names are: {', '.join(DATASETS)}.") from None
    return maker(m=m, noise=noise, seed=seed)
