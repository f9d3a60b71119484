"""Your own 2-D points in the playground: files, arrays, clicks, undo, clear, save, the reproduce line.

The first tests run in Python: every kind of bad file gets a message that says
what is wrong and changes nothing; the line of Python under the picture re-creates
the run from the saved file bit for bit.  The browser test serves the lecture page
on a points file with Voila and, in headless Chromium, clicks points onto the
plane, sees them drawn in their class's colour and trained on, loads a bad file,
undoes and saves; a screenshot goes to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import mlp_lessons as ml
from mlp_lessons.playgrounds.own_data import OwnPoints
from mlp_lessons.playgrounds.points import MAX_POINTS, PointsError, points_and_task, read_points
from test_browser import (  # noqa: F401  (fixtures and helpers, shared)
    SCREENSHOT_DIR, browser_context, chromium_browser, click_menu, jupyter_lab_server, lab_page, open_notebook,
)
from test_lecture import serve_lecture_page

GOOD = "x1,x2,label\n0,0,0\n1,1,0\n0,1,1\n1,0,1\n0.5,0.4,1\n"


@pytest.fixture
def xor_points():
    return ml.xor(m=40, noise=0.1, seed=0)


# ---- files and arrays ---------------------------------------------------------------------


def test_a_points_file_reads_as_columns_with_or_without_a_header():
    X, Y = read_points(GOOD)
    assert X.shape == (2, 5) and Y.shape == (1, 5) and Y.tolist() == [[0, 0, 1, 1, 1]]
    X2, Y2 = read_points(GOOD.split("\n", 1)[1].encode("utf-8-sig"))
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)


def test_points_survive_a_round_trip_through_csv(xor_points):
    X, Y = xor_points
    X2, Y2 = read_points(ml.points_csv(X, Y))
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty"),
    (b"\n  \n", "The file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("x1,x2,label\n0,zero,0\n".encode("utf-16"), r"Line 2, column x2: 'zero' is not a number"),  # decoded, then read
    (b"x1,x2,label\n0,0,0\n1,1\n", r"Line 3 has 2 columns.*exactly 3: x1, x2, label"),
    (b"0,0,0,7\n", r"Line 1 has 4 columns"),
    (b"x1,x2,label\n0,zero,0\n", r"Line 2, column x2: 'zero' is not a number"),
    (b"x1,x2,label\n0,nan,0\n", r"Line 2, column x2: nan is not a finite number"),
    (b"x1,x2,label\ninf,0,0\n", r"Line 2, column x1: inf is not a finite number"),
    (b"x1,x2,label\n0,0,0\n1,1,1\n0,1,2\n1,0,1\n", r"Labels must be 0 or 1 \(two classes\); line 4 has label 2"),
    (b"0,0,1\n1,1,1\n0,1,1\n1,0,1\n", r"All 4 points have label 1: a classifier needs points of both classes"),
    (b"x1,x2,label\n0,0,0\n1,1,1\n", r"Only 2 points: a data set needs at least 4"),
    (("x1,x2,label\n" + "0,0,0\n1,1,1\n" * (MAX_POINTS // 2 + 1)).encode(), r"more than the playground's maximum of 2000"),
    # regression files: a target column of real numbers
    (b"x1,x2,target\n0,0,0.5\n1,1,nan\n", r"Line 3, column target: nan is not a finite number"),
    (b"x1,x2,target\n0,0,-inf\n", r"Line 2, column target: -inf is not a finite number"),
    (b"x1,x2,target\n0,0,0.5\n1,1,high\n", r"Line 3, column target: 'high' is not a number"),
    (b"0,0,0.5\n1,1,abc\n", r"Line 2, column 3 \(label or target\): 'abc' is not a number"),
    (b"x1,x2,target\n0,0,0.5\n1,1,2.5\n", r"Only 2 points: a data set needs at least 4"),
    (b"x1,x2,target\n0,0,0.5\n1,1\n", r"Line 3 has 2 columns.*x1, x2, label \(or target, for regression\)"),
    # whole numbers other than 0 and 1, with no header to say: ambiguous, the message asks which
    (b"0,0,0\n1,1,1\n0,1,2\n1,0,1\n", r"whole numbers \(0, 1, 2; line 3 has 2\).*x1,x2,target a regression file.*"
                                       r'task="regression"'),
])
def test_a_bad_file_says_what_is_wrong(content, message):
    with pytest.raises(PointsError, match=message):
        read_points(content)


HILLS = "x1,x2,target\n0,0,0.25\n1,1,-0.5\n0,1,1.75\n1,0,0\n0.5,0.4,1\n"


@pytest.fixture
def hills_points():
    return ml.load_dataset("hills", m=60, noise=0.1, seed=1)


@pytest.mark.parametrize("data, task, expected", [
    ("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n", None, "classification"),   # the header says
    ("x1,x2,target\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n", None, "regression"),       # the header says
    ("0,0,0\n1,1,1\n0,1,1\n1,0,0\n", None, "classification"),                  # only 0 and 1
    ("0,0,0.5\n1,1,1\n0,1,2\n1,0,0\n", None, "regression"),                     # a fraction
    ("0,0,0\n1,1,1\n0,1,2\n1,0,3\n", "regression", "regression"),              # whole numbers: say which
    ("x1,x2,target\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n", "classification", "classification"),  # task= wins
])
def test_the_task_follows_the_header_the_values_or_task(data, task, expected):
    assert points_and_task(data, task)[2] == expected


def test_a_regression_file_reads_and_round_trips_bit_for_bit(hills_points):
    X, Y, task = points_and_task(HILLS)
    assert task == "regression" and Y.tolist() == [[0.25, -0.5, 1.75, 0.0, 1.0]]
    X, Y = hills_points
    text = ml.points_csv(X, Y)
    assert text.startswith("x1,x2,target\n")
    X2, Y2, task = points_and_task(text)
    assert task == "regression" and np.array_equal(X, X2) and np.array_equal(Y, Y2)


def test_regression_on_your_points_trains_a_linear_output_on_the_squared_error(hills_points, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pg = ml.playground(data=hills_points, hidden=[6], lr=0.1, epochs=20)
    s = pg.settings
    assert pg.source.task == "regression" and s.regression and s.output == "identity" and s.loss == "half_squared_error"
    assert pg.png()[:4] == b"\x89PNG" and "prediction a[L]" in pg.view.titles[pg.view.ax_out].get_text()
    assert "accuracy" not in pg.status() and pg.view.vmax is not None, "the prediction heatmap, not P(y = 1)"
    assert pg.history.end_loss[-1] < pg.history.end_loss[0]
    pg.add_point(0.5, 0.5, -0.75).train(5)
    assert pg.source.Y[0, -1] == -0.75
    with pytest.raises(ValueError, match="real-valued targets .regression.*half_squared_error"):
        pg.set(loss="binary_cross_entropy")
    pg.save("hills.csv")
    line = pg.code_line()
    assert line.startswith('ml.playground(data="hills.csv", task="regression", hidden=[6]') and "dataset" not in line
    again = eval(line, {"ml": ml})
    assert again.status() == pg.status() and again.source.task == "regression"
    assert all(np.array_equal(again.params[k], pg.params[k]) for k in pg.params)
    namespace = {}
    exec(pg.code(), namespace)
    assert 'ml.read_points("hills.csv", task="regression")' in pg.code()
    assert all(np.array_equal(namespace["params"][k], pg.params[k]) for k in pg.params)


def test_uploading_a_regression_file_switches_the_task_and_undo_switches_back(xor_points, hills_points):
    pg = ml.playground(data=xor_points, epochs=2)
    pg.widget  # noqa: B018
    upload = {"name": "hills.csv", "content": memoryview(ml.points_csv(*hills_points).encode())}
    pg.controls.points._uploaded({"new": (upload,)})  # what the Load CSV button hands over
    assert "Loaded 60 points from hills.csv (regression)" in pg.controls.points.message.value
    assert pg.source.task == "regression" and pg.settings.loss == "half_squared_error" and pg.epochs == 0
    assert pg.controls.points.target.layout.display is None and pg.controls.points.classes.layout.display == "none"
    assert "targets from" in pg.controls.image.alt
    pg.controls.points.target.value = 2.5
    box, height = pg.view.ax_out.get_window_extent(), pg.view.figure.bbox.height
    pg.controls.image.click((box.x0 + box.x1) / 2, height - (box.y0 + box.y1) / 2)
    assert pg.source.Y[0, -1] == 2.5, "a click adds a point with the chosen target"
    pg.controls.image.click((box.x0 + box.x1) / 2, height - (box.y0 + box.y1) / 2, shift=True)
    assert pg.source.Y[0, -1] == -2.5, "shift-click adds the negative target"
    pg.undo().undo().undo()
    assert pg.source.task == "classification" and pg.settings.loss == "binary_cross_entropy" and pg.source.ready
    with pytest.raises(PointsError, match="nan is not a finite number"):
        pg.load(b"x1,x2,target\n0,0,nan\n")
    assert pg.source.task == "classification", "a bad file changes nothing"


def test_a_regression_waits_for_enough_points_when_cleared(hills_points):
    pg = ml.playground(data=hills_points)
    pg.clear().add_point(0.1, 0.2, 0.5)
    assert not pg.source.ready and "Only 1 point" in pg.source.note and "negative target" in pg.source.note
    assert pg.png()[:4] == b"\x89PNG"


def test_a_bad_file_changes_nothing(xor_points):
    pg = ml.playground(data=xor_points, epochs=3)
    before = (pg.source.X, pg.code_line(), pg.status())
    with pytest.raises(PointsError):
        pg.load(b"x1,x2,label\n0,abc,0\n")
    assert (pg.source.X, pg.code_line(), pg.status()) == before


def test_arrays_as_rows_get_a_hint(xor_points):
    X, Y = xor_points
    with pytest.raises(PointsError, match=r"Did you stack the points as rows\? Pass X.T"):
        ml.playground(data=(X.T, Y))


def test_a_missing_file_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PointsError, match=r"There is no file 'nothing.csv' \(looked in"):
        ml.playground(data="nothing.csv")


# ---- the playground on them ---------------------------------------------------------------


def test_the_saved_file_and_the_line_of_python_re_create_the_run(xor_points, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pg = ml.playground(data=xor_points, hidden=[6], lr=0.5, epochs=10)
    pg.add_point(0.5, 0.5, 1).train(5)
    assert not pg.source.saved
    pg.save("mine.csv")
    line = pg.code_line()
    assert line.startswith('ml.playground(data="mine.csv", hidden=[6]') and "dataset" not in line
    again = eval(line, {"ml": ml})
    assert again.status() == pg.status()
    assert all(np.array_equal(again.params[k], pg.params[k]) for k in pg.params)
    namespace = {}
    exec(pg.code(), namespace)
    assert all(np.array_equal(namespace["params"][k], pg.params[k]) for k in pg.params)


def test_added_points_are_split_and_trained_on(xor_points):
    pg = ml.playground(data=xor_points, epochs=2)
    n = pg.source.X.shape[1]
    pg.add_point(3.0, 3.0, 1)
    assert pg.source.X_run.shape[1] == n + 1 == pg.settings.m + pg.settings.m_test
    assert pg.epochs == 0, "new points start a new run, so the line of Python stays exact"
    pg.train(3)
    on_train = np.any(np.all(pg.data.X == [[3.0], [3.0]], axis=0))
    on_test = np.any(np.all(pg.data.X_test == [[3.0], [3.0]], axis=0))
    assert on_train != on_test and pg.epochs == 3


def test_clear_waits_for_enough_points_and_undo_brings_them_back(xor_points):
    pg = ml.playground(data=xor_points, epochs=2)
    n = pg.source.X.shape[1]
    pg.clear()
    assert not pg.source.ready and "No points yet" in pg.source.note and pg.png()[:4] == b"\x89PNG"
    for x1, x2, label in [(0, 0, 0), (1, 1, 0), (0, 1, 1)]:
        pg.add_point(x1, x2, label)
    assert not pg.source.ready and "Only 3 points" in pg.source.note
    pg.add_point(1, 0, 1)
    assert pg.source.ready and pg.source.X_run.shape[1] == 4 and pg.epochs == 0
    for _ in range(5):
        pg.undo()
    assert pg.source.ready and pg.source.X.shape[1] == n


def test_a_click_on_the_plane_adds_a_point_of_the_chosen_class_there(xor_points):
    pg = ml.playground(data=xor_points)
    pg.widget  # noqa: B018
    box = pg.view.ax_out.get_window_extent()
    height = pg.view.figure.bbox.height
    x_pixel, y_pixel = (box.x0 + box.x1) / 2, height - (box.y0 + box.y1) / 2
    x1_lo, x1_hi, x2_lo, x2_hi = pg.view.extent
    pg.controls.points.classes.value = 0
    pg.controls.image.click(x_pixel, y_pixel)
    assert pg.source.X.shape[1] == 41 and pg.source.Y[0, -1] == 0
    assert np.allclose(pg.source.X[:, -1], [(x1_lo + x1_hi) / 2, (x2_lo + x2_hi) / 2], atol=0.05)
    pg.controls.image.click(x_pixel, y_pixel, shift=True)
    assert pg.source.Y[0, -1] == 1, "shift-click adds the other class"
    pg.controls.image.click(1, 1)
    assert pg.source.X.shape[1] == 42, "a click off the plane adds nothing"
    assert "Your 42 points" in pg.controls.image.alt


# ---- in the browser -----------------------------------------------------------------------


PIXELS_NEAR = """([fx, fy]) => {
  const img = document.querySelector('.mlp-lecture img.mlp-picture');
  const x = fx * img.naturalWidth, y = fy * img.naturalHeight;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(Math.round(x) - 4, Math.round(y) - 4, 9, 9).data;
  const pixels = [];
  for (let i = 0; i < data.length; i += 4) pixels.push([data[i], data[i + 1], data[i + 2]]);
  return pixels;
}"""


def orange(r, g, b):
    return r > 200 and 90 < g < 170 and b < 80


def blue(r, g, b):
    return r < 80 and 90 < g < 150 and b > 150


def points_in_alt(page) -> int:
    alt = page.locator(".mlp-lecture img.mlp-picture").get_attribute("alt") or ""
    found = re.search(r"Your (\d+) points", alt)
    return int(found.group(1)) if found else -1


def plane_centre(pg) -> tuple[float, float, float]:
    """The centre of the plane in the playground's picture, in its pixels, and the picture's width."""
    pg.png()
    box, figure = pg.view.ax_out.get_window_extent(), pg.view.figure.bbox
    return (box.x0 + box.x1) / 2, figure.height - (box.y0 + box.y1) / 2, figure.width


def test_a_click_reaches_python_in_jupyterlab(jupyter_lab_server, lab_page, xor_points):
    """The same Picture in JupyterLab: a click on the plane adds a point in the kernel."""
    root = jupyter_lab_server.notebook_root
    (root / "points.csv").write_text(ml.points_csv(*xor_points))
    cell = 'import mlp_lessons as ml\npg = ml.playground(data="points.csv")\npg'
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "own", "metadata": {},
                           "outputs": [], "source": cell}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (root / "own_points.ipynb").write_text(json.dumps(notebook))
    page = lab_page.page
    open_notebook(lab_page, "own_points.ipynb")
    click_menu(page, "Run", "Run All Cells")
    picture = page.locator("img.mlp-picture")
    page.wait_for_function("() => /Your 40 points/.test(document.querySelector('img.mlp-picture')?.alt || '')",
                           timeout=120_000)
    x, y, width = plane_centre(ml.playground(data=xor_points))
    scale = picture.bounding_box()["width"] / width
    picture.click(position={"x": x * scale, "y": y * scale})
    page.wait_for_function("() => /Your 41 points/.test(document.querySelector('img.mlp-picture').alt)",
                           timeout=60_000)
    assert "Your 41 points" in picture.get_attribute("alt")  # the click's point reached the kernel's playground


def test_click_points_onto_the_plane_in_chromium(tmp_path, chromium_browser, xor_points):  # noqa: F811
    from playwright.sync_api import expect

    points = tmp_path / "points.csv"
    points.write_text(ml.points_csv(*xor_points))
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0,0,0\n1,one,1\n")
    # Where the plane is in the picture, from the same view drawn here.
    local = ml.playground(data=str(points), hidden=[8])
    local.png()
    box, height = local.view.ax_out.get_window_extent(), local.view.figure.bbox.height
    width = local.view.figure.bbox.width

    with serve_lecture_page(tmp_path, f"data={points}&hidden=8") as url:
        context = chromium_browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        console_errors = []
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        try:
            page.goto(url, timeout=120_000)
            picture = page.locator(".mlp-lecture img.mlp-picture")
            page.wait_for_function("() => /Your 40 points/.test(document.querySelector("
                                   "'.mlp-lecture img.mlp-picture')?.alt || '')", timeout=120_000)
            shown = picture.bounding_box()
            scale = shown["width"] / width
            spots = [(0.25, 0.25, "class 1 (orange)"), (0.75, 0.3, "class 0 (blue)"), (0.5, 0.8, "class 1 (orange)")]
            for n, (fx, fy, choice) in enumerate(spots, start=41):
                page.get_by_role("button", name=choice).click()
                x = box.x0 + fx * (box.x1 - box.x0)
                y = height - (box.y1 - fy * (box.y1 - box.y0))
                before = picture.get_attribute("src")
                picture.click(position={"x": x * scale, "y": y * scale})
                page.wait_for_function(f"() => /Your {n} points/.test(document.querySelector("
                                       "'.mlp-lecture img.mlp-picture').alt)", timeout=60_000)
                page.wait_for_function("before => { const img = document.querySelector('.mlp-lecture img.mlp-picture');"
                                       " return img.src !== before && img.complete && img.naturalWidth > 0; }",
                                       arg=before, timeout=60_000)
                # A training point is a filled dot, a test point a ring: either way its colour is there.
                colour = orange if "orange" in choice else blue
                near = page.evaluate(PIXELS_NEAR, [x / width, y / height])
                assert any(colour(*p) for p in near), f"no {choice} point drawn where clicked"
            assert "not saved yet" in page.locator(".mlp-lecture").inner_text()

            page.get_by_role("button", name="Train").click()
            page.wait_for_function("() => /epoch [1-9]\\d*, step/.test(document.querySelector('.mlp-lecture').innerText)",
                                   timeout=60_000)
            page.get_by_role("button", name="Pause").click()
            page.get_by_role("button", name="Train").wait_for(timeout=60_000)
            alt = picture.get_attribute("alt")
            assert "Your 43 points" in alt and "train accuracy" in alt, alt
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / "own-data-playground.png"))

            with page.expect_file_chooser() as chooser:  # FileUpload's <input type=file> is not in the page
                page.locator(".widget-upload").click()
            chooser.value.set_files(str(bad))
            expect(page.locator(".mlp-lecture")).to_contain_text("bad.csv was not loaded (nothing changed)")
            expect(page.locator(".mlp-lecture")).to_contain_text("'one' is not a number")
            assert points_in_alt(page) == 43

            page.get_by_role("button", name="Undo").click()
            page.wait_for_function("() => /Your 42 points/.test(document.querySelector("
                                   "'.mlp-lecture img.mlp-picture').alt)", timeout=60_000)
            page.locator(".lecture-side input[type=text]").last.fill(str(tmp_path / "saved.csv"))
            page.get_by_role("button", name="Save CSV").click()
            expect(page.locator(".mlp-lecture")).to_contain_text("Saved 42 points to")
            assert read_points(tmp_path / "saved.csv")[0].shape == (2, 42)
            expect(page.locator(".mlp-lecture code")).to_contain_text(f'data="{tmp_path / "saved.csv"}"')

            assert not console_errors, console_errors
        finally:
            context.close()


def test_your_points_are_a_data_source_of_their_own(xor_points, hills_points, monkeypatch):
    """Not disguised as moons or hills: the settings name no data set, the points' task says what is learned,
    and a new learning rate neither splits nor checks the points again."""
    from mlp_lessons.playgrounds import own_data

    pg = ml.playground(data=xor_points, epochs=2)
    assert isinstance(pg.source, OwnPoints) and pg.settings.dataset is None and pg.settings.task == "classification"
    assert "dataset" not in pg.code_line() and "controls" not in pg.code_line()
    pg.widget  # noqa: B018
    assert "dataset" not in pg.controls.panel.c and "noise" not in pg.controls.panel.c
    calls = []
    split, check = pg.source.split, own_data.check_points
    monkeypatch.setattr(pg.source, "split", lambda s: calls.append("split") or split(s))
    monkeypatch.setattr(own_data, "check_points", lambda *a, **k: calls.append("check") or check(*a, **k))
    pg.set(lr=1.0)
    pg.set(momentum=0.9)
    assert calls == [] and pg.epochs == 0 and pg.settings.momentum == 0.9
    with pytest.raises(ValueError, match="belong to the built-in data sets"):
        pg.set(dataset="moons")
    assert ml.playground(data=hills_points).settings.task == "regression"
