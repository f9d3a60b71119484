"""Your own 2-D points as a data set: read and check a CSV, write one (beside datasets).

A points file has one point per line, ``x1, x2, label``, with an optional header
line; the label is 0 or 1 (two classes).  In the package's convention the
points come back as columns: X of shape (2, m) and Y of shape (1, m).

    X, Y = read_points("points.csv")          # or the file's text, or its bytes
    text = points_csv(X, Y)                    # the same points as CSV text

Every check says what is wrong, where, and what a good file looks like, and a
file that fails a check changes nothing (the reader returns nothing half done).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

MIN_POINTS = 4
MAX_POINTS = 2000
HEADER = ("x1", "x2", "label")
EXAMPLE = "x1,x2,label\n0.5,1.2,1\n-0.3,0.8,0\n..."


class PointsError(ValueError):
    """A points file or array that cannot be used; the message says why and how to fix it."""


def read_points(source) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) from a CSV file's path, its text, or its bytes (an upload)."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and source.lower().endswith(".csv")):
        path = Path(source)
        if not path.is_file():
            raise PointsError(f"There is no file {str(path)!r} (looked in {Path.cwd()}).")
        source = path.read_bytes()
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = decode(bytes(source))
    return parse_points_csv(source)


def decode(data: bytes) -> str:
    if not data.strip():
        raise PointsError(f"The file is empty. A points file has one line per point, e.g.\n{EXAMPLE}")
    if b"\x00" in data:
        raise PointsError("This is not a text file (it holds binary data). Save your points as CSV text: "
                          f"one line per point, x1,x2,label, e.g.\n{EXAMPLE}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PointsError("This is not a text file in UTF-8. Save your points as CSV text: one line per "
                          f"point, x1,x2,label, e.g.\n{EXAMPLE}") from None


def parse_points_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) from CSV text: x1, x2, label on each line; a first line of names is skipped."""
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise PointsError(f"The file is empty. A points file has one line per point, e.g.\n{EXAMPLE}")
    if not looks_numeric(rows[0][1][0] if rows[0][1] else ""):
        rows = rows[1:]  # a header line
    values = []
    for n, row in rows:
        if len(row) != 3:
            raise PointsError(f"Line {n} has {len(row)} column{'s' * (len(row) != 1)}: {','.join(row)!r}. "
                              "Each line needs exactly 3: x1, x2, label.")
        numbers = []
        for name, cell in zip(HEADER, row):
            try:
                number = float(cell)
            except ValueError:
                raise PointsError(f"Line {n}, column {name}: {cell.strip()!r} is not a number.") from None
            if not math.isfinite(number):
                raise PointsError(f"Line {n}, column {name}: {cell.strip()} is not a finite number; "
                                  "every value must be an ordinary number (no nan or inf).")
            numbers.append(number)
        values.append(numbers)
    data = np.array(values, dtype=np.float64).reshape(-1, 3)
    return check_points(data[:, :2].T, data[:, 2:].T, lines=[n for n, _ in rows])


def looks_numeric(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def check_points(X, Y, lines=None) -> tuple[np.ndarray, np.ndarray]:
    """X (2, m) and Y (1, m) as float64 after checking them; lines names each point's line in a file."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y.reshape(1, -1)
    if X.ndim != 2 or X.shape[0] != 2:
        hint = " Did you stack the points as rows? Pass X.T." if X.ndim == 2 and X.shape[1] == 2 else ""
        raise PointsError(f"X must have shape (2, m), one column per point (x1, x2); got {X.shape}.{hint}")
    if Y.shape != (1, X.shape[1]):
        raise PointsError(f"Y must have shape (1, m) = (1, {X.shape[1]}), one label per point; got {Y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise PointsError("The points contain nan or inf; every value must be an ordinary number.")
    m = X.shape[1]
    if m == 0:
        raise PointsError(f"No points yet: a data set needs at least {MIN_POINTS}, of both classes.")
    if m < MIN_POINTS:
        raise PointsError(f"Only {m} point{'s' * (m != 1)}: a data set needs at least {MIN_POINTS} "
                          "(some to train on, some to test on).")
    if m > MAX_POINTS:
        raise PointsError(f"{m} points is more than the playground's maximum of {MAX_POINTS}; "
                          "keep a sample of them.")
    bad = np.flatnonzero((Y[0] != 0) & (Y[0] != 1))
    if bad.size:
        where = f"line {lines[bad[0]]}" if lines else f"point {bad[0]}"
        raise PointsError(f"Labels must be 0 or 1 (two classes); {where} has label {Y[0, bad[0]]:g}.")
    if len(np.unique(Y)) < 2:
        raise PointsError(f"All {m} points have label {Y[0, 0]:g}: a classifier needs points of both classes, 0 and 1.")
    return X, Y


def points_csv(X, Y) -> str:
    """The points as CSV text with a header line, which read_points reads back exactly."""
    lines = [",".join(HEADER)]
    lines += [f"{x1!r},{x2!r},{int(y)}" for x1, x2, y in zip(X[0].tolist(), X[1].tolist(), Y[0].tolist())]
    return "\n".join(lines) + "\n"


def split_points(X, Y, m: int, seed: int):
    """The points shuffled by seed, then the first m to train and the rest to test: X, Y, X_test, Y_test."""
    order = np.random.default_rng(seed).permutation(X.shape[1])
    X, Y = X[:, order], Y[:, order]
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]
