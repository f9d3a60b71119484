"""Your own 2-D points as a data set: read and check a CSV, write one (beside datasets).

A points file has one point per line, ``x1, x2, label`` (classification: the
label is 0 or 1, two classes) or ``x1, x2, target`` (regression: the target is
any real number), with an optional header line.  In the package's convention
the points come back as columns: X of shape (2, m) and Y of shape (1, m).

    X, Y = read_points("points.csv")          # or the file's text, or its bytes
    X, Y, task = points_and_task("points.csv")   # with "classification" or "regression"
    text = points_csv(X, Y)                    # the same points as CSV text

Which task a file is (TASK_RULE): task="classification" or "regression" when
given; else a header line's name for the third column, label (classification)
or target (regression); else its values: only 0 and 1 is classification, any
number with a fraction is regression, and whole numbers other than just 0 and 1
(class numbers, or counts to predict?) are ambiguous: the message asks which.

Every check says what is wrong, where, and what a good file looks like, and a
file that fails a check changes nothing (the reader returns nothing half done).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..errors import plural

MIN_POINTS = 4
MAX_POINTS = 2000
HEADER = ("x1", "x2", "label")
TASKS = {"label": "classification", "target": "regression"}  # the third column's name -> the task
THIRD = "column 3 (label or target)"  # the third column's name in messages when the file names none
EXAMPLE = "x1,x2,label\n0.5,1.2,1\n-0.3,0.8,0\n..."
TASK_RULE = ('A header x1,x2,label makes a classification file (labels 0 and 1), x1,x2,target a regression file '
             '(real-valued targets); without one, labels only 0 and 1 mean classification and numbers with '
             'fractions mean regression. Or say which: ml.playground(data=..., task="regression").')


class PointsError(ValueError):
    """A points file or array that cannot be used; the message says why and how to fix it."""


def read_points(source, task: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) from a CSV file's path, its text, or its bytes (an upload); task as in TASK_RULE."""
    return points_and_task(source, task)[:2]


def points_and_task(data, task: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(X, Y, task) from a CSV path, text or bytes, or a pair of arrays (X (2, m), Y (1, m)); see TASK_RULE."""
    if task not in (None, *TASKS.values()):
        raise PointsError(f'task must be "classification", "regression" or None (decided by the data), got {task!r}.')
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return check_points(*data, task=task)
    if not isinstance(data, (str, Path, bytes, bytearray, memoryview)):
        raise PointsError("data must be a CSV file's name (x1, x2, label or target on each line) or a pair of "
                          f"arrays (X of shape (2, m), Y of shape (1, m)); got {type(data).__name__}.")
    if isinstance(data, Path) or (isinstance(data, str) and "\n" not in data and data.lower().endswith(".csv")):
        path = Path(data)
        if not path.is_file():
            raise PointsError(f"There is no file {str(path)!r} (looked in {Path.cwd()}).")
        data = path.read_bytes()
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = decode(bytes(data))
    return parse_points_csv(data, task)


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


def parse_points_csv(text: str, task: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(X, Y, task) from CSV text: x1, x2, label (or target) on each line; a first line of names is skipped."""
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise PointsError(f"The file is empty. A points file has one line per point, e.g.\n{EXAMPLE}")
    names = ("x1", "x2", THIRD)
    if not looks_numeric(rows[0][1][0] if rows[0][1] else ""):
        header, rows = rows[0][1], rows[1:]  # a header line
        third = header[2].strip().lower() if len(header) == 3 else ""
        if third in TASKS:
            names, task = ("x1", "x2", f"column {third}"), task or TASKS[third]
    values = []
    for n, row in rows:
        if len(row) != 3:
            raise PointsError(f"Line {n} has {plural(len(row), 'column')}: {','.join(row)!r}. "
                              "Each line needs exactly 3: x1, x2, label (or target, for regression).")
        numbers = []
        for name, cell in zip(names, row):
            name = name if name.startswith("column") else f"column {name}"
            try:
                number = float(cell)
            except ValueError:
                raise PointsError(f"Line {n}, {name}: {cell.strip()!r} is not a number.") from None
            if not math.isfinite(number):
                raise PointsError(f"Line {n}, {name}: {cell.strip()} is not a finite number; "
                                  "every value must be an ordinary number (no nan or inf).")
            numbers.append(number)
        values.append(numbers)
    data = np.array(values, dtype=np.float64).reshape(-1, 3)
    return check_points(data[:, :2].T, data[:, 2:].T, lines=[n for n, _ in rows], task=task)


def looks_numeric(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def check_points(X, Y, lines=None, task: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """X (2, m) and Y (1, m) as float64 after checking them, and the task (TASK_RULE when None).

    lines names each point's line in a file.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y.reshape(1, -1)
    if X.ndim != 2 or X.shape[0] != 2:
        hint = " Did you stack the points as rows? Pass X.T." if X.ndim == 2 and X.shape[1] == 2 else ""
        raise PointsError(f"X must have shape (2, m), one column per point (x1, x2); got {X.shape}.{hint}")
    if Y.shape != (1, X.shape[1]):
        raise PointsError(f"Y must have shape (1, m) = (1, {X.shape[1]}), one label or target per point; got {Y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise PointsError("The points contain nan or inf; every value must be an ordinary number.")
    m = X.shape[1]
    task = task or decide_task(Y, lines)
    if m == 0:
        need = "of both classes" if task == "classification" else "each with its target"
        raise PointsError(f"No points yet: a data set needs at least {MIN_POINTS}, {need}.")
    if m < MIN_POINTS:
        raise PointsError(f"Only {plural(m, 'point')}: a data set needs at least {MIN_POINTS} "
                          "(some to train on, some to test on).")
    if m > MAX_POINTS:
        raise PointsError(f"{plural(m, 'point')} is more than the playground's maximum of {MAX_POINTS}; "
                          "keep a sample of them.")
    if task == "regression":
        return X, Y, task
    bad = np.flatnonzero((Y[0] != 0) & (Y[0] != 1))
    if bad.size:
        raise PointsError(f"Labels must be 0 or 1 (two classes); {where(bad[0], lines)} has label {Y[0, bad[0]]:g}. "
                          "For regression (a number to predict) name the column target: x1,x2,target.")
    if len(np.unique(Y)) < 2:
        raise PointsError(f"All {plural(m, 'point')} have label {Y[0, 0]:g}: a classifier needs points of both classes, 0 and 1.")
    return X, Y, task


def check_new_point(x1, x2, label, task: str, count: int) -> None:
    """One more point (x1, x2) with a label 0 or 1 (classification) or any finite target
    (regression), beside the count points there are: refuse it in words if it cannot be."""
    if task == "regression":
        if isinstance(label, bool) or not isinstance(label, (int, float)) or not np.isfinite(label):
            raise PointsError(f"a point's target must be a finite number (regression), got {label!r}.")
    elif label not in (0, 1) or isinstance(label, bool):
        raise PointsError(f"label must be 0 or 1 (two classes), got {label!r}.")
    if not (np.isfinite(x1) and np.isfinite(x2)):
        raise PointsError(f"a point needs finite coordinates, got ({x1!r}, {x2!r}).")
    if count >= MAX_POINTS:
        raise PointsError(f"The playground keeps at most {MAX_POINTS} points.")


def decide_task(Y: np.ndarray, lines=None) -> str:
    """Classification for labels only 0 and 1, regression for numbers with fractions; whole numbers ask which."""
    if np.all((Y == 0) | (Y == 1)):
        return "classification"
    if np.any(Y != np.round(Y)):
        return "regression"
    bad = np.flatnonzero((Y[0] != 0) & (Y[0] != 1))[0]
    found = ", ".join(f"{y:g}" for y in np.unique(Y)[:6]) + (", ..." if np.unique(Y).size > 6 else "")
    raise PointsError(f"The third column holds whole numbers ({found}; {where(bad, lines)} has {Y[0, bad]:g}): labels of more "
                      f"than two classes, or a number to predict? The playground classifies two classes, 0 and 1, "
                      f"or predicts a number (regression). {TASK_RULE}")


def where(i: int, lines=None) -> str:
    """Point i named by its line in the file, if it came from one."""
    return f"line {lines[i]}" if lines else f"point {i}"


def points_csv(X, Y, task: str | None = None) -> str:
    """The points as CSV text with a header line (x1,x2,label or x1,x2,target), which read_points reads back exactly."""
    X, Y, task = check_points(X, Y, task=task) if task is None else (X, Y, task)
    if task == "regression":
        lines = ["x1,x2,target"]
        lines += [f"{x1!r},{x2!r},{y!r}" for x1, x2, y in zip(X[0].tolist(), X[1].tolist(), Y[0].tolist())]
    else:
        lines = [",".join(HEADER)]
        lines += [f"{x1!r},{x2!r},{int(y)}" for x1, x2, y in zip(X[0].tolist(), X[1].tolist(), Y[0].tolist())]
    return "\n".join(lines) + "\n"


def split_points(X, Y, m: int, seed: int):
    """The points shuffled by seed, then the first m to train and the rest to test: X, Y, X_test, Y_test."""
    order = np.random.default_rng(seed).permutation(X.shape[1])
    X, Y = X[:, order], Y[:, order]
    return X[:, :m], Y[:, :m], X[:, m:], Y[:, m:]
