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

What a file may be: a one-line string or a Path names a file (any name, not only
.csv), a string with line breaks is CSV text, bytes are a file's content (an
upload).  Text may be UTF-8 (with or without a BOM), UTF-16 or UTF-32 (as a
spreadsheet's "Unicode Text" export), or else Windows-1252; lines may end in LF,
CRLF or CR; values may be separated by commas, semicolons (then decimal commas are
read), tabs or spaces.  The first line is taken as the column names only if every
value in it is a word: a number with a typo there (O.5, 0x10, 1,000.5) is named
like any bad value, never dropped.  Coordinates beyond MAX_COORDINATE are refused,
because the plane around them (or a squared feature) would overflow.

Every check says what is wrong, where, and what a good file looks like, and a
file that fails a check changes nothing (the reader returns nothing half done).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import stat
from pathlib import Path

import numpy as np

from ..errors import plural

MIN_POINTS = 4
MAX_POINTS = 2000
MAX_COORDINATE = 1e150  # measured: x1^2 overflows past 1.3e154, the plane's width past 9e307
MAX_BYTES = 10 * 2**20  # a file of MAX_POINTS points is a few tens of KB
MAX_CELL = 1000  # characters in a value; the csv module refuses any over 131,072
HEADER = ("x1", "x2", "label")
TASKS = {"label": "classification", "target": "regression"}  # the third column's name -> the task
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
    return points_and_notes(data, task)[:3]


def points_and_notes(data, task: str | None = None) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """(X, Y, task, notes): notes say what reading the file took that its writer may not expect (UTF-16,
    semicolons, line 1 taken as the column names), for the playground to show."""
    if task not in (None, *TASKS.values()):
        raise PointsError(f'task must be "classification", "regression" or None (decided by the data), got {task!r}.')
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return (*check_points(*data, task=task), [])
    if not isinstance(data, (str, Path, bytes, bytearray, memoryview)):
        raise PointsError("data must be a CSV file's name (x1, x2, label or target on each line) or a pair of "
                          f"arrays (X of shape (2, m), Y of shape (1, m)); got {type(data).__name__}.")
    notes, name = [], "This file"
    if is_path(data):
        data, name = file_bytes(data), repr(str(data))
    elif len(data) > MAX_BYTES:  # bytes or text given directly: the same limit as a file's
        raise PointsError(f"{len(data) / 2 ** 20:.0f} MB of points is more than this playground reads "
                          f"({MAX_BYTES // 2 ** 20} MB; at most {MAX_POINTS} points): keep a sample of them.")
    if isinstance(data, (bytes, bytearray, memoryview)):
        data, notes = decode(bytes(data), name)
    elif data.startswith("\ufeff"):  # text read from a file saved with a byte-order mark
        data = data[1:]
    return (*parse_points_csv(data, task, notes), notes)


def is_path(data) -> bool:
    """A Path, or a string of one line: a file's name (CSV text has a line per point)."""
    return isinstance(data, Path) or (isinstance(data, str) and "\n" not in data and "\r" not in data)


def file_bytes(name) -> bytes:
    """The bytes of the file called name, or a PointsError saying why it is no points file (a FIFO is never opened)."""
    name = str(name)
    try:
        path = Path(name).expanduser()
        info = path.stat()
    except FileNotFoundError:
        link = f": it is a link to {os.readlink(path)!r}, which does not exist" if path.is_symlink() else ""
        text = " (CSV text as a string needs a line per point, with newlines)" if "," in name and not link else ""
        raise PointsError(f"There is no file {name!r} (looked in {Path.cwd()}){link}{text}.") from None
    except (OSError, ValueError, RuntimeError) as error:  # too long, a NUL in it, a closed folder, ~nobody
        raise PointsError(f"{name!r} cannot be opened as a file: {str(getattr(error, 'strerror', None) or error).rstrip('.')}.") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            inside = sorted(p.name for p in path.glob("*.csv"))[:3]
        except OSError:
            inside = []
        example = f", e.g. {str(Path(name) / inside[0])!r}" if inside else ""
        raise PointsError(f"{name!r} is a folder, not a file: give the name of the points file in it{example}.")
    if not stat.S_ISREG(info.st_mode):
        mode = info.st_mode
        kind = ("a FIFO/pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise PointsError(f"{name!r} is not a regular file ({kind}): give the name of a CSV file of points.")
    if info.st_size > MAX_BYTES:
        raise PointsError(f"{name!r} is {info.st_size / 2**20:.0f} MB: too big for a points file (at most {MAX_POINTS} "
                          "lines such as 0.5,1.2,1, a few tens of KB). Is it the right file?")
    try:
        return path.read_bytes()
    except OSError as error:
        raise PointsError(f"{name!r} cannot be read: {error.strerror or error}.") from None


NOT_CSV = {  # how a file begins -> what it is instead of CSV text
    b"PK\x03\x04": "a ZIP archive: an Excel workbook (.xlsx) or another spreadsheet's file, not CSV text. "
                   "Open it in the spreadsheet and Save As (or Download as) CSV",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls), not CSV text. Open it in the spreadsheet and Save As CSV",
    b"\x1f\x8b": "gzip-compressed, not CSV text: decompress it first (gunzip, or open it), then load the .csv inside",
    b"\x89PNG": "a PNG image, not a text file of points",
    b"\xff\xd8\xff": "a JPEG image, not a text file of points",
    b"%PDF": "a PDF document, not a text file of points",
}
BOMS = [(codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", ""), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")]


def decode(data: bytes, name: str = "This file") -> tuple[str, list[str]]:
    """The text of a file's bytes (UTF-8, UTF-16 or -32, else Windows-1252), and a note on an unusual encoding."""
    if not data.strip():
        raise PointsError(f"The file is empty. A points file has one line per point, e.g.\n{EXAMPLE}")
    for start, what in NOT_CSV.items():
        if data.startswith(start):
            raise PointsError(f"{name} is {what}. A points file is text, one line per point, e.g.\n{EXAMPLE}")
    codec, label = next(((codec, label) for bom, codec, label in BOMS if data.startswith(bom)), (None, ""))
    if codec is None:
        codec, label = utf16_without_bom(data)
    if label:  # UTF-16 or -32: their bytes hold zeros, their text should not
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            raise PointsError(f"{name} looks like {label} text but byte {error.start + 1} breaks it; "
                              f"save it as CSV (UTF-8) text, one line per point, e.g.\n{EXAMPLE}") from None
        notes = [f"read as {label} text"]
    else:
        data = data.removeprefix(codecs.BOM_UTF8).rstrip(b"\x1a")  # DOS ends a text with Ctrl-Z
        text, notes = data.decode("utf-8", errors="replace"), []
        if "\ufffd" in text:  # not UTF-8: Excel's CSV on Windows is Windows-1252, Latin-1 where it has no character
            text = data.decode("cp1252", errors="replace")
            text = data.decode("latin-1") if "\ufffd" in text else text
            notes = ["read as Windows-1252 (Latin-1) text, not UTF-8"]
    control = next((i for i, c in enumerate(text) if c < " " and c not in "\t\n\r\f" or c == "\x7f"), None)
    if control is not None:
        where = f"character {control + 1}" if label else f"byte {data.index(text[control].encode('latin-1')) + 1}"
        raise PointsError(f"{name} is not a text file ({where} is {ord(text[control]):#04x}: binary data). Save your "
                          f"points as CSV text: one line per point, x1,x2,label, e.g.\n{EXAMPLE}")
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise PointsError(f"{name} is a web page (HTML), not CSV text: on GitHub and similar sites open the file's "
                          "raw view (the Raw button) and save that.")
    return text, notes


def utf16_without_bom(data: bytes) -> tuple[str | None, str]:
    """UTF-16 text without a byte-order mark: nearly every other byte zero."""
    half = len(data) // 2
    if half < 4 or len(data) % 2:
        return None, ""
    for codec, zeros, letters in (("utf-16-le", data[1::2], data[0::2]), ("utf-16-be", data[0::2], data[1::2])):
        if zeros.count(0) >= 0.9 * half and letters.count(0) == 0:
            return codec, "UTF-16"
    return None, ""


def parse_points_csv(text: str, task: str | None = None, notes: list | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(X, Y, task) from CSV text: x1, x2, label (or target) on each line, after an optional line of column names.

    The values may be separated by commas, semicolons (then decimal commas are read), tabs or spaces.  A first
    line is taken as the column names only if every value in it is a name (a word, not a number with a typo such
    as O.5); what reading took that the file's writer may not expect is appended to notes.
    """
    notes = [] if notes is None else notes
    sep, rows = csv_rows(text.replace("\u2212", "-"))
    if not rows:
        raise PointsError(f"The file is empty. A points file has one line per point, e.g.\n{EXAMPLE}")
    if sep != ",":
        notes.append(SEPARATORS[sep] + (" with decimal commas" if re.search(r"\d,\d", text) else ""))
    names, header = ["x1", "x2", "3 (label or target)"], None
    if all(is_name(cell) or not cell.strip() for cell in rows[0][1]):
        (first, header), rows = rows[0], rows[1:]
        while len(header) > 3 and not header[-1].strip():
            header = header[:-1]
        third = header[2].strip().lower() if len(header) == 3 else ""
        if third in TASKS:
            names[2], task = third, task or TASKS[third]
        if [cell.strip().lower() for cell in header] not in (["x1", "x2", "label"], ["x1", "x2", "target"]):
            notes.append(f"line {first} ({', '.join(cell.strip() for cell in header)}) taken as the column names")
        if not rows:
            raise PointsError(f"The file has only a header, line {first} ({','.join(header)}), and no points after it. A "
                              f"points file has one line per point, e.g.\n{EXAMPLE}")
    values = []
    for n, row in rows:
        while len(row) > 3 and not row[-1].strip():  # a trailing separator
            row = row[:-1]
        if len(row) != 3:
            raise PointsError(f"Line {n} has {plural(len(row), 'column')}: {short(sep.join(row))!r}. Each line needs "
                              f"exactly 3: x1, x2, label (or target, for regression).{columns_hint(row, sep, header)}")
        values.append([number(cell, f"Line {n}, column {name}", sep) for name, cell in zip(names, row)])
        for name, cell, value in zip(names[:2], row, values[-1]):
            if abs(value) > MAX_COORDINATE:
                raise PointsError(f"Line {n}, column {name}: {cell.strip()} is too large: the playground draws "
                                  f"coordinates up to ±{MAX_COORDINATE:g} (beyond, the plane or a squared feature "
                                  "overflows). Rescale the points, e.g. divide them by a power of ten.")
    data = np.array(values, dtype=np.float64).reshape(-1, 3)
    return check_points(data[:, :2].T, data[:, 2:].T, lines=[n for n, _ in rows], task=task)


SEPARATORS = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated", " ": "space-separated"}


def csv_rows(text: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """The separator and the non-blank rows of CSV text, each with the number of the line it starts on."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = [line for line in lines if line.strip()][:10]
    score = {s: (sum(line.count(s) == 2 for line in first), sum(s in line for line in first)) for s in ";\t,"}
    sep = max(score, key=score.get) if max(score.values()) > (0, 0) else " "  # ties go to ; before , (0,5;1,2;1)
    for n, line in enumerate(lines, start=1):  # the csv module refuses a value over 131,072 characters
        if len(line) > MAX_CELL:
            cells = line.split() if sep == " " else line.split(sep)
            longest = max(range(len(cells)), key=lambda i: len(cells[i].strip().strip('"')))
            size = len(cells[longest].strip().strip('"'))
            if size > MAX_CELL:
                name = f"column {longest + 1}" if longest > 1 else f"column x{longest + 1}"
                raise PointsError(f"Line {n}, {name}: a value {size:,} characters long ({short(cells[longest].strip())!r}); "
                                  "a value in a points file is a number such as 0.5. Is this a points file?")
    if sep == " ":
        rows = [(n, line.split()) for n, line in enumerate(lines, start=1)]
    else:
        rows, reader, end = [], csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=sep), 0
        try:
            for cells in reader:
                rows.append((end + 1, cells))
                end = reader.line_num
        except csv.Error as error:
            raise PointsError(f"Line {end + 1} cannot be read as CSV ({error}): is a quote (\") left open?") from None
        for n, cells in rows:
            for i, cell in enumerate(cells):
                if "\n" in cell:
                    raise PointsError(f"Line {n}, column {i + 1}: a quote (\") opens a value that runs on over "
                                      f"{cell.count(chr(10)) + 1} lines; is the closing quote missing?")
    return sep, [(n, row) for n, row in rows if any(cell.strip() for cell in row)]


LOOKALIKES = str.maketrans("OoIl", "0011")  # letters typed for digits


def is_name(cell: str) -> bool:
    """A column's name: it begins with a letter and is no number with a typo (O.5 or l.2 are typos)."""
    cell = cell.strip()
    return bool(cell) and cell[0].isalpha() and not looks_numeric(cell) and not looks_numeric(cell.translate(LOOKALIKES))


def looks_numeric(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def number(cell: str, where: str, sep: str = ",") -> float:
    """The number in a cell, or a PointsError that names the place (where), the value and a likely cause."""
    text = cell.strip()
    if sep != "," and re.fullmatch(r"[+-]?\d*,\d+([eE][+-]?\d+)?", text):
        text = text.replace(",", ".")  # a decimal comma
    if not text:
        raise PointsError(f"{where} is empty: each line needs three numbers, x1, x2 and the label (or target).")
    try:
        value = float(text)
    except ValueError:
        raise PointsError(f"{where}: {short(text)!r} is not a number{number_hint(text)}.") from None
    if math.isinf(value) and "inf" not in text.lower():
        raise PointsError(f"{where}: {short(text)} is too large to be a number here (over 1.8e308).")
    if not math.isfinite(value):
        raise PointsError(f"{where}: {short(text)} is not a finite number; every value must be an ordinary number "
                          "(no nan or inf).")
    return value


def number_hint(text: str) -> str:
    """A likely cause of a value that is no number, for the message."""
    if looks_numeric(text.translate(LOOKALIKES)):
        return f" (a letter O, o, I or l typed for a digit 0 or 1? {text.translate(LOOKALIKES)})"
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
        return f" (a thousands separator? write {text.replace(',', '')}, without commas)"
    if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
        return f" (hexadecimal? write it in decimal, {int(text, 16)})"
    if text.startswith("#"):
        return " (a spreadsheet's error or a comment: fix the cell or delete the line)"
    if text.lower() in ("true", "false"):
        return f" (write {int(text.lower() == 'true')} for {text})"
    return ""


def columns_hint(row: list[str], sep: str, header) -> str:
    """A likely cause of a line with the wrong number of columns, for the message."""
    if header and not header[0].strip() and len(row) == len(header) == 4:
        return " The first column looks like pandas' row numbers: write the file with df.to_csv(..., index=False)."
    if len(row) == 1 and row[0].strip().startswith("#"):
        return " Comment lines are not allowed: delete the line."
    if sep == "," and 4 <= len(row) <= 6:
        return (" If some commas are decimal commas (0,5 for 0.5), write decimal points (0.5), or separate the "
                "values with semicolons: 0,5;1,2;1.")
    return ""


def short(text: str) -> str:
    """text cut to 60 characters, for a message."""
    return text if len(text) <= 60 else text[:57] + "..."


def as_numbers(values, name: str) -> np.ndarray:
    """values as an array of float64, or a PointsError: ragged lists, dicts, numbers too big for a float and
    complex numbers (whose imaginary part would be dropped without a word) are refused."""
    try:
        array = np.asarray(values)
        if array.dtype.kind == "c":
            raise PointsError(f"{name} holds complex numbers: the points must be real (x1, x2 and the label or target).")
        return np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as error:
        if isinstance(error, PointsError):
            raise
        raise PointsError(f"{name} must be numbers, as an array or a list of equal rows; this one is not ({error}).") from None


def check_points(X, Y, lines=None, task: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """X (2, m) and Y (1, m) as float64 after checking them, and the task (TASK_RULE when None).

    lines names each point's line in a file.
    """
    X, Y = as_numbers(X, "X"), as_numbers(Y, "Y")
    if Y.ndim == 1:
        Y = Y.reshape(1, -1)
    if X.ndim != 2 or X.shape[0] != 2:
        hint = " Did you stack the points as rows? Pass X.T." if X.ndim == 2 and X.shape[1] == 2 else ""
        raise PointsError(f"X must have shape (2, m), one column per point (x1, x2); got {X.shape}.{hint}")
    if Y.shape != (1, X.shape[1]):
        raise PointsError(f"Y must have shape (1, m) = (1, {X.shape[1]}), one label or target per point; got {Y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise PointsError("The points contain nan or inf; every value must be an ordinary number.")
    if X.size and np.max(np.abs(X)) > MAX_COORDINATE:
        i = int(np.argmax(np.max(np.abs(X), axis=0)))
        raise PointsError(f"{where(i, lines).capitalize()} is at ({X[0, i]:g}, {X[1, i]:g}): too far out, the playground "
                          f"draws coordinates up to ±{MAX_COORDINATE:g}. Rescale the points, e.g. divide them by a power of ten.")
    if Y.size and np.max(np.abs(Y)) > MAX_COORDINATE:
        i = int(np.argmax(np.abs(Y[0])))
        raise PointsError(f"{where(i, lines).capitalize()} has the target {Y[0, i]:g}: too large, its squared error "
                          f"would overflow; targets go up to ±{MAX_COORDINATE:g}. Rescale them, e.g. divide by a power of ten.")
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
