"""Hostile points files: every messy file a teacher or student might hand the playground.

Each file of the set (made by code, below) goes to ml.read_points and ml.playground
as a path, and to the Load CSV button as uploaded bytes.  The table says what must
happen: "accepted" with the exact number of points (and then the playground draws
and trains an epoch on them), or a message, a PointsError whose text holds the
given words: what is wrong and where (the line, the column, the value).  Nothing
else may come out: no raw csv, Unicode, OS or numpy error, no point silently
dropped, no hang (a FIFO is never opened).

    pytest tests/test_own_data_hostile.py
    python tests/test_own_data_hostile.py     counts: clear / accepted / misleading / crash

The counting run judges each (file, route) against the same table: a PointsError
with all the words is clear; a PointsError without them, or a file accepted that
should not be (or with the wrong number of points), is misleading; anything else
raised, a hang, or an accepted file whose playground cannot draw, is a crash.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import html
import io
import os
import signal
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

import mlp_lessons as ml
from mlp_lessons import PointsError, read_points

ROWS = [("0", "0", "0"), ("1", "1", "0"), ("0", "1", "1"), ("1", "0", "1"), ("0.5", "0.4", "1")]
HEADER = ("x1", "x2", "label")


def csv_text(rows=ROWS, header=HEADER, sep=",", end="\n") -> str:
    lines = ([sep.join(header)] if header else []) + [sep.join(row) for row in rows]
    return end.join(lines) + end


def good(**kw) -> bytes:
    return csv_text(**kw).encode()


class Case(NamedTuple):
    name: str  # the file's name in the folder
    content: bytes | None  # None: the path is made specially (a folder, a FIFO, ...) and never uploaded
    expected: int | tuple  # the number of points accepted, or the words the message must hold


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


LONG_FIELD = "1" * 200_000  # over the csv module's field limit of 131,072 characters
MANY = "x1,x2,label\n" + "0,0,0\n1,1,1\n" * 50_000

CASES = [
    # what works must keep working, with every line ending, encoding and separator a spreadsheet writes
    Case("good.csv", good(), 5),
    Case("no-header.csv", good(header=None), 5),
    Case("utf8-bom.csv", csv_text().encode("utf-8-sig"), 5),
    Case("cr-only.csv", good(end="\r"), 5),
    Case("cr-only-no-header.csv", good(header=None, end="\r"), 5),
    Case("crlf.csv", good(end="\r\n"), 5),
    Case("mixed-line-ends.csv", b"x1,x2,label\r\n0,0,0\r1,1,0\n0,1,1\r\n1,0,1\r0.5,0.4,1\n", 5),
    Case("unicode-text.txt", csv_text(sep="\t", end="\r\n").encode("utf-16"), 5),  # Excel's "Unicode Text"
    Case("utf16-le-bom.csv", b"\xff\xfe" + csv_text().encode("utf-16-le"), 5),
    Case("utf16-be-bom.csv", b"\xfe\xff" + csv_text().encode("utf-16-be"), 5),
    Case("utf16-le-no-bom.csv", csv_text().encode("utf-16-le"), 5),
    Case("latin1-header.csv", csv_text(header=("x1", "x2", "étiquette")).encode("latin-1"), 5),
    Case("cp1252-header.csv", csv_text(header=("x1", "x2", "label – 0/1")).encode("cp1252"), 5),
    Case("semicolon.csv", good(sep=";"), 5),
    Case("semicolon-decimal-comma.csv", csv_text(sep=";").replace("0.5", "0,5").replace("0.4", "0,4").encode(), 5),
    Case("excel-german.csv", csv_text(sep=";", end="\r\n").replace(".", ",").encode("utf-8-sig"), 5),
    Case("tab.tsv", good(sep="\t"), 5),
    Case("space-separated.dat", good(sep="  "), 5),  # numpy.savetxt's kind
    Case("quoted.csv", b'"x1","x2","label"\n"0","0","0"\n"1","1","0"\n"0","1","1"\n"1","0","1"\n"0.5","0.4","1"\n', 5),
    Case("spaces-around.csv", b" x1 , x2 , label \n 0 , 0 , 0 \n1 ,1, 0\n 0,1 ,1\n1,0,1 \n  0.5 ,0.4, 1\n", 5),
    Case("blank-lines.csv", b"\n\nx1,x2,label\n\n0,0,0\n   \n1,1,0\n0,1,1\n,,\n1,0,1\n0.5,0.4,1\n\n\n", 5),
    Case("trailing-separator.csv", csv_text().replace("\n", ",\n").encode(), 5),
    Case("unicode-minus.csv", "x1,x2,label\n−1,0,0\n1,1,0\n0,−1,1\n1,0,1\n0.5,0.4,1\n".encode(), 5),
    Case("header-typo.csv", good(header=("x1", "x2", "lable")), 5),
    Case("header-words.csv", good(header=("width", "height", "is big")), 5),
    Case("labels-as-floats.csv", b"x1,x2,label\n0,0,0.0\n1,1,0.0\n0,1,1.0\n1,0,1.0\n", 4),
    Case("regression.csv", b"x1,x2,target\n0,0,0.25\n1,1,-0.5\n0,1,1.75\n1,0,0\n", 4),
    Case("max-points.csv", ("x1,x2,label\n" + "0,0,0\n1,1,1\n" * 1000).encode(), 2000),
    Case("big-but-drawable.csv", b"x1,x2,label\n1e150,0,0\n-1e150,1,0\n0,1e150,1\n1,-1e150,1\n", 4),
    Case("big-target.csv", b"x1,x2,target\n0,0,1e300\n1,1,-1e300\n0,1,1.5\n1,0,0\n", ("Line 2", "target 1e+300", "too large")),
    Case("target-at-the-limit.csv", b"x1,x2,target\n0,0,1e150\n1,1,-1e150\n0,1,1.5\n1,0,0\n", 4),
    Case("tiny-spread.csv", b"x1,x2,label\n1e-300,0,0\n2e-300,0,0\n0,1e-300,1\n0,2e-300,1\n", 4),
    Case("all-at-one-spot.csv", b"x1,x2,label\n1,1,0\n1,1,0\n1,1,1\n1,1,1\n", 4),
    Case("points", good(), 5),  # no extension: still a file
    Case("points.txt", good(), 5),
    # a first line that is not a header: a number with a typo is named, never eaten as column names
    Case("typo-first-line.csv", good(rows=[("O.5", "1.2", "1")] + ROWS, header=None), ("Line 1", "column x1", "'O.5'")),
    Case("empty-first-cell.csv", good(rows=[("", "1.2", "1")] + ROWS, header=None), ("Line 1", "column x1", "empty")),
    Case("hex-first-line.csv", good(rows=[("0x10", "1", "0")] + ROWS, header=None), ("Line 1", "column x1", "'0x10'")),
    Case("thousands-first-line.csv", b'"1,000.5",2,1\n' + good(header=None),
         ("Line 1", "column x1", "'1,000.5'", "thousands")),
    Case("thousands-later.csv", good() + b'"1,000.5",2,1\n', ("Line 7", "column x1", "'1,000.5'", "thousands")),
    Case("comment-first-line.csv", b"# my points\n" + good(header=None), ("Line 1", "'# my points'", "Comment")),
    Case("half-header.csv", b"x1,x2,1\n" + good(header=None), ("Line 1", "column x1", "'x1'")),
    Case("typo-later.csv", good(rows=ROWS[:2] + [("0.5", "l.2", "1")] + ROWS[2:]), ("Line 4", "column x2", "'l.2'")),
    Case("two-headers.csv", good() + good(), ("Line 7", "column x1", "'x1'")),
    Case("empty-cell-later.csv", good(rows=ROWS + [("1", "", "0")]), ("Line 7", "column x2", "empty")),
    Case("excel-na.csv", good(rows=ROWS + [("1", "#N/A", "0")]), ("Line 7", "column x2", "'#N/A'")),
    Case("percent.csv", good(rows=ROWS + [("50%", "1", "0")]), ("Line 7", "column x1", "'50%'")),
    Case("two-points.csv", good(rows=ROWS + [("1.2.3", "1", "0")]), ("Line 7", "column x1", "'1.2.3'")),
    # separators and columns
    Case("decimal-comma.csv", csv_text().replace("0.5", "0,5").replace("0.4", "0,4").encode(),
         ("Line 6", "5 columns", "decimal comma")),
    Case("one-column.csv", b"x1\n0\n1\n0\n1\n", ("Line 2", "1 column")),
    Case("extra-column.csv", good(rows=ROWS[:2] + [("0", "1", "1", "7")] + ROWS[2:]), ("Line 4", "4 columns")),
    Case("short-line.csv", good(rows=ROWS + [("1", "1")]), ("Line 7", "2 columns")),
    Case("pandas-index.csv", b",x1,x2,label\n0,0,0,0\n1,1,1,0\n2,0,1,1\n3,1,0,1\n", ("Line 2", "4 columns", "index=False")),
    Case("unclosed-quote.csv", b'x1,x2,label\n0,0,0\n1,"1,0\n0,1,1\n1,0,1\n0.5,0.4,1\n', ("Line 3", "quote")),
    Case("quote-left-open.csv", b'x1,x2,label\n0,"0,0\n' + b"1,1,1\n" * 30_000, ("Line 2", "quote")),  # csv.Error
    Case("huge-field.csv", ("x1,x2,label\n" + LONG_FIELD + ",0,0\n").encode(), ("Line 2", "column x1", "200,000 characters")),
    Case("huge-quoted-field.csv", ('x1,x2,label\n0,0,0\n1,"' + "a" * 140_000 + '",1\n').encode(),
         ("Line 3", "column x2", "140,000 characters")),
    Case("header-only.csv", b"x1,x2,label\n", ("line 1", "no points")),
    Case("very-long.csv", MANY.encode(), ("100000 points", "2000")),
    # values
    Case("big-1e308.csv", good(rows=ROWS + [("1e308", "0", "0")]), ("Line 7", "column x1", "1e308", "too large")),
    Case("big-minus-1e308.csv", good(rows=ROWS + [("0", "-1e308", "1")]), ("Line 7", "column x2", "-1e308", "too large")),
    Case("inf.csv", good(rows=ROWS + [("inf", "0", "0")]), ("Line 7", "column x1", "inf", "not a finite number")),
    Case("nan.csv", good(rows=ROWS + [("0", "NaN", "0")]), ("Line 7", "column x2", "NaN", "not a finite number")),
    Case("overflow-digits.csv", good(rows=ROWS + [("1" + "0" * 400, "0", "0")]), ("Line 7", "column x1", "too large")),
    Case("labels-not-01.csv", good(rows=ROWS + [("1", "1", "2")]), ("line 7", "label 2")),
    Case("labels-minus-one.csv", good(rows=[(a, b, "-1" if c == "0" else c) for a, b, c in ROWS], header=None),
         ("line 1", "-1", "whole numbers")),
    Case("labels-words.csv", good(rows=[(a, b, "red" if c == "0" else "blue") for a, b, c in ROWS]),
         ("Line 2", "column label", "'red'")),
    Case("labels-bool.csv", good(rows=[(a, b, "TRUE" if c == "1" else "FALSE") for a, b, c in ROWS], header=None),
         ("Line 1", "column 3", "'FALSE'")),
    Case("one-class.csv", good(rows=[(a, b, "1") for a, b, _ in ROWS]), ("label 1", "both classes")),
    Case("too-few.csv", good(rows=ROWS[:2]), ("Only 2 points",)),
    # not text, or not CSV
    Case("zero-bytes.csv", b"", ("empty",)),
    Case("blank.csv", b"  \n\r\n\t\n", ("empty",)),
    Case("binary.csv", bytes(range(256)) * 4, ("not a text file", "byte")),
    Case("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), ("PNG image",)),
    Case("points.xlsx", xlsx(), ("Excel", "Save As", "CSV")),
    Case("renamed-xlsx.csv", xlsx(), ("Excel", "Save As", "CSV")),
    Case("points.csv.gz", gzip.compress(good()), ("gzip",)),
    Case("page.csv", b"<!DOCTYPE html>\n<html><body>0,0,0</body></html>\n", ("HTML", "raw")),
    # paths that are not files
    Case("folder", None, ("'folder'", "is a folder")),
    Case("folder-x.csv", None, ("'folder-x.csv'", "is a folder")),
    Case("link-to-folder.csv", None, ("'link-to-folder.csv'", "is a folder")),
    Case("dangling-link.csv", None, ("There is no file", "'dangling-link.csv'")),
    Case("missing.csv", None, ("There is no file", "'missing.csv'")),
    Case("missing", None, ("There is no file", "'missing'")),
    Case("fifo.csv", None, ("'fifo.csv'", "not a regular file", "FIFO")),
    Case("pipe", None, ("'pipe'", "not a regular file", "FIFO")),
    Case("sparse-200MB.csv", None, ("'sparse-200MB.csv'", "200 MB", "too big")),
]


def make(case: Case, folder: Path) -> Path:
    """The case's file in folder (or folder, FIFO, link, ...); its path."""
    path = folder / case.name
    if case.content is not None:
        path.write_bytes(case.content)
    elif case.name.startswith("folder"):
        path.mkdir()
        (path / "points.csv").write_bytes(good())
    elif case.name == "link-to-folder.csv":
        (folder / "a-folder").mkdir(exist_ok=True)
        path.symlink_to(folder / "a-folder")
    elif case.name == "dangling-link.csv":
        path.symlink_to(folder / "gone.csv")
    elif case.name in ("fifo.csv", "pipe"):
        os.mkfifo(path)
    elif case.name.startswith("sparse"):
        with open(path, "wb") as f:
            f.truncate(200 * 2**20)
    return path


@contextlib.contextmanager
def no_hang(seconds: float = 60):
    """Raise TimeoutError if the block takes longer (a FIFO opened for reading waits forever)."""
    def stop(*_):
        raise TimeoutError(f"still running after {seconds} s (a hang)")
    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def draws(pg) -> None:
    """The playground draws, trains one epoch (or stops it in words: targets of 1e300 diverge) and draws again."""
    assert pg.png()[:4] == b"\x89PNG"
    pg.train(1)
    assert pg.epochs == 1 or (pg.diverged and "Training stopped" in pg.message)
    assert pg.png()[:4] == b"\x89PNG"


def by_path(case: Case, path: Path):
    """What read_points and ml.playground make of the path: (number of points, the playground) or a PointsError."""
    with no_hang():
        m = read_points(str(path))[0].shape[1]
        pg = ml.playground(data=str(path))
        assert pg.source.X.shape[1] == m
        return m, pg


def by_upload(case: Case):
    """What the Load CSV button makes of the bytes: (number of points, the playground) or a PointsError."""
    pg = ml.playground(data=ml.xor(m=12, seed=0))
    pg.widget  # noqa: B018
    with no_hang():
        pg.controls.points._uploaded({"new": ({"name": case.name, "content": memoryview(case.content)},)})
    message = html.unescape(pg.controls.points.message.value)
    if "was not loaded" in message:
        raise PointsError(message)
    assert f"from {case.name}" in message, message
    return pg.source.X.shape[1], pg


def outcome(case: Case, route) -> str:
    """clear, accepted, misleading (a wrong message or a wrong acceptance) or crash, by the table."""
    try:
        m, pg = route()
    except PointsError as error:
        if isinstance(case.expected, int):
            return "misleading"
        return "clear" if all(word in str(error) for word in case.expected) else "misleading"
    except BaseException:  # noqa: BLE001  (what is being counted)
        return "crash"
    if m != case.expected:
        return "misleading (accepted wrongly)"
    try:
        with no_hang():
            draws(pg)
    except BaseException:  # noqa: BLE001
        return "crash"
    return "accepted"


# ---- the tests ------------------------------------------------------------------------------

IDS = [case.name for case in CASES]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_file_given_by_its_path(case, tmp_path):
    path = make(case, tmp_path).relative_to(tmp_path)
    if isinstance(case.expected, int):
        m, pg = by_path(case, path)
        assert m == case.expected
        draws(pg)
    else:
        with pytest.raises(PointsError) as error:
            by_path(case, path)
        for word in case.expected:
            assert word in str(error.value), f"{word!r} not in: {error.value}"


@pytest.mark.parametrize("case", [case for case in CASES if case.content is not None],
                         ids=[case.name for case in CASES if case.content is not None])
def test_the_same_file_uploaded(case):
    if isinstance(case.expected, int):
        m, pg = by_upload(case)
        assert m == case.expected
        draws(pg)
    else:
        with pytest.raises(PointsError) as error:
            by_upload(case)
        assert "(nothing changed)" in str(error.value)
        for word in case.expected:
            assert word in str(error.value), f"{word!r} not in: {error.value}"


def main() -> None:
    import tempfile
    import warnings

    import matplotlib
    matplotlib.use("Agg")
    warnings.filterwarnings("error", category=RuntimeWarning, module="mlp_lessons")  # as pytest.ini has it
    counts, per_file = {"path": Counter(), "upload": Counter()}, Counter()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        for case in CASES:
            path = make(case, Path(folder)).relative_to(folder)
            found = [outcome(case, functools.partial(by_path, case, path))]
            counts["path"][found[0]] += 1
            if case.content is not None:
                found.append(outcome(case, functools.partial(by_upload, case)))
                counts["upload"][found[1]] += 1
            worst = max(found, key=["accepted", "clear", "misleading", "misleading (accepted wrongly)", "crash"].index)
            per_file[worst] += 1
            if worst not in ("accepted", "clear") or "-v" in sys.argv:
                print(f"{case.name:28} {' / '.join(found)}")
    print(f"{len(CASES)} files; {sum(counts['path'].values())} given as paths, {sum(counts['upload'].values())} uploaded")
    for name, counter in [("as paths", counts["path"]), ("uploaded", counts["upload"]), ("per file (worst route)", per_file)]:
        print(f"{name:24} " + ", ".join(f"{key} {counter[key]}" for key in
                                         ["clear", "accepted", "misleading", "misleading (accepted wrongly)", "crash"]))


if __name__ == "__main__":
    main()


# ---- the rules behind the table -------------------------------------------------------------


def test_a_string_of_one_line_is_a_file_name_and_csv_text_has_newlines():
    with pytest.raises(PointsError, match=r"There is no file '0,0,1' .*needs a line per point"):
        read_points("0,0,1")
    assert read_points(csv_text(end="\r"))[0].shape == (2, 5), "CR-only text is text, not a name"


def test_how_an_unusual_file_was_read_is_said_where_the_student_sees_it(tmp_path):
    (tmp_path / "export.txt").write_bytes(csv_text(header=("a", "b", "c"), sep="\t").encode("utf-16"))
    pg = ml.playground(data=str(tmp_path / "export.txt"))
    pg.widget  # noqa: B018
    shown = html.unescape(pg.controls.points.message.value)
    assert "Read 5 points from" in shown and "UTF-16" in shown and "tab-separated" in shown
    assert "line 1 (a, b, c) taken as the column names" in shown
    assert f'data="{tmp_path / "export.txt"}"' in pg.code_line(), "any file name, not only .csv, is re-read"
    upload = {"name": "de.csv", "content": memoryview(csv_text(sep=";").replace("0.5", "0,5").encode())}
    pg.controls.points._uploaded({"new": (upload,)})
    assert "Loaded 5 points from de.csv (classification; semicolon-separated with decimal commas)" in \
        html.unescape(pg.controls.points.message.value)


def test_any_problem_with_an_upload_is_a_message_and_changes_nothing():
    pg = ml.playground(data=ml.xor(m=12, seed=0))
    pg.widget  # noqa: B018
    before = pg.code_line()
    pg.controls.points._uploaded({"new": ({"name": "odd.csv", "content": None},)})  # not bytes at all
    assert "odd.csv was not loaded (nothing changed): it could not be read (TypeError" in pg.controls.points.message.value
    assert pg.code_line() == before


def test_arrays_too_far_out_to_draw_are_refused_by_point():
    X = ml.xor(m=12, seed=0)[0].copy()
    X[1, 3] = -1e200
    with pytest.raises(PointsError, match=r"Point 3 is at \(.*, -1e\+200\): too far out.*up to ±1e\+150"):
        ml.playground(data=(X, ml.xor(m=12, seed=0)[1]))


def test_the_largest_coordinates_accepted_draw_with_every_feature():
    from mlp_lessons.data.features import FEATURES

    pg = ml.playground(data=read_points(b"1e150,0,0\n-1e150,1,0\n0,1e150,1\n1,-1e150,1\n"), features=list(FEATURES))
    draws(pg)


# ---- found by a fresh-eyes review ----

@pytest.mark.parametrize("X, words", [
    ([[0, 1, 0, 1], [0, 1, 1]], "a list of equal rows"),  # ragged
    ({"a": 1}, "X must be numbers"),
    ([[10 ** 400, 1, 0, 1], [0, 1, 1, 0]], "too large to convert"),
    ([[1j, 1, 0, 1], [0, 1, 1, 0]], "complex numbers"),
])
def test_arrays_that_are_not_numbers_get_a_message(X, words):
    with pytest.raises(PointsError, match=words):
        read_points((X, [[0, 1, 0, 1]]))


def test_bytes_and_text_have_the_size_limit_of_a_file():
    with pytest.raises(PointsError, match="13 MB of points is more than this playground reads"):
        read_points(b"x1,x2,label\n" + b"0.5,0.25,1\n" * 1_200_000)


def test_text_with_a_byte_order_mark_is_read_like_the_file():
    X, Y = read_points("\ufeffx1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n")
    assert X.shape == (2, 4) and Y.tolist() == [[0, 1, 1, 0]]


def test_a_home_folder_that_does_not_exist_is_a_message():
    with pytest.raises(PointsError, match="cannot be opened as a file"):
        read_points("~nobody_here_at_all/x.csv")


@pytest.mark.parametrize("name", ['my "pts".csv', "back\\new.csv"])
def test_the_line_of_python_names_any_file_as_a_python_string(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n")
    pg = ml.playground(data=name, hidden=[2])
    again = eval(pg.code_line(), {"ml": ml})  # the line re-creates the playground from the same file
    assert (again.state.source.X == pg.state.source.X).all()


def test_an_uploaded_file_is_not_saved_until_save_csv():
    X, Y = ml.moons(m=40, noise=0.1, seed=0)
    pg = ml.playground(data=(X, Y), hidden=[2])
    pg.widget  # noqa: B018
    content = b"x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n"
    pg.controls.points._uploaded({"new": ({"name": "uploaded_pts.csv", "content": content},)})
    assert pg.state.source.file == "uploaded_pts.csv" and not pg.state.source.saved
    assert "not saved beside the notebook yet" in pg.controls.points.message.value
