"""The playground alone on a lecture screen (python run.py playground), in Voila and Chromium.

Voila serves mlp_lessons/lecture/playground.ipynb with the mlp-lecture template
on 127.0.0.1 (a throw-away Jupyter configuration); headless Chromium opens it
and checks what a teacher relies on: the page shows no code and loads nothing
from outside, its controls move and start a new run, Train trains and the
picture changes, no error reaches the console, and axe-core finds no serious or
critical accessibility problem.  A screenshot goes to artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlp_lessons.lecture import SETTINGS_ENV, lecture_page, settings_from_query, voila_command, voila_env
from test_browser import SCREENSHOT_DIR, chromium_browser, free_port, move_slider, stop  # noqa: F401  (shared)

SERVER_START_SECONDS = 90
PAGE_SECONDS = 90
SERIOUS = ("serious", "critical")


def test_settings_come_from_the_page_address():
    assert settings_from_query("dataset=spirals&hidden=8,8&lr=0.1&voila-x=1") == {
        "dataset": "spirals", "hidden": [8, 8], "lr": 0.1}
    assert settings_from_query("hidden=16") == {"hidden": [16]}


def test_settings_come_from_the_command_line_and_the_address_adds_to_them(monkeypatch):
    monkeypatch.setenv(SETTINGS_ENV, "dataset=spirals&hidden=8,8")
    monkeypatch.setenv("QUERY_STRING", "lr=0.1")
    line = lecture_page().playground.code_line()
    assert 'dataset="spirals"' in line and "hidden=[8, 8]" in line and "lr=0.1" in line


def test_the_command_line_says_how_to_write_a_setting(capsys):
    from mlp_lessons.lecture.__main__ import main

    with pytest.raises(SystemExit):
        main(["spirals"])
    assert "name=value, e.g. dataset=spirals" in capsys.readouterr().err


def test_the_lecture_page_puts_the_picture_left_and_the_controls_beside_it(monkeypatch):
    import ipywidgets as w

    monkeypatch.setenv("QUERY_STRING", "dataset=circles&lr=0.1")
    page = lecture_page()
    pg = page.playground
    assert "circles" in pg.code_line() and "lr=0.1" in pg.code_line()
    header, columns = page.children
    main, side = columns.children
    assert main.children[0] is page.picture and page.picture.alt.startswith("The playground's picture")
    assert not any(isinstance(child, w.Image) for child in main.children + side.children)
    before = page.picture.value
    pg.train(5)
    assert page.picture.value != before, "the picture follows the playground"
    assert "epoch 5" in page.picture.alt


def test_each_frame_sends_its_picture_once(monkeypatch):
    """One PNG per frame goes to the browser: the Picture shown, not also a hidden Image kept in step."""
    import ipywidgets as w

    page = lecture_page(dataset="circles")
    pg, sent, send = page.playground, [], w.Widget._send
    monkeypatch.setattr(w.Widget, "_send", lambda self, msg, buffers=None: (
        sent.append((self, sum(len(b) for b in buffers or ()))), send(self, msg, buffers))[-1])
    pg.train(1)
    png = len(pg.png())
    pictures = [(widget, n) for widget, n in sent if n > png // 2]
    assert [widget for widget, _ in pictures] == [page.picture], f"pictures sent in one frame: {pictures}"
    assert sum(n for _, n in sent) < 1.1 * png, "about one PNG's bytes per frame"
    assert not any(isinstance(child, w.Image) for child in pg.controls.box.children) and pg.controls.image is page.picture


@contextlib.contextmanager
def serve_lecture_page(tmp: Path, settings: str = ""):
    """Voila serving the lecture page at a free port on 127.0.0.1 (settings as name=value&...); yields its URL."""
    port = free_port()
    env = voila_env(dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                         IPYTHONDIR=str(tmp / "ipython"), **{SETTINGS_ENV: settings}))
    log = tmp / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen(voila_command(sys.executable, port=port, open_browser=False), env=env,
                                   stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"Voila exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
            try:  # listening is enough: a GET of the page would start a kernel
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Voila did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory, chromium_browser):  # noqa: F811
    with serve_lecture_page(tmp_path_factory.mktemp("voila")) as url:
        yield url


def picture_src(page) -> str:
    return page.locator(".mlp-lecture img.mlp-picture").get_attribute("src")


def wait_for_new_picture(page, before: str, what: str) -> str:
    page.wait_for_function("before => { const img = document.querySelector('.mlp-lecture img.mlp-picture');"
                           " return img && img.src !== before && img.complete && img.naturalWidth > 0; }",
                           arg=before, timeout=PAGE_SECONDS * 1000)
    return picture_src(page)


def test_lecture_page_in_chromium(voila_url, chromium_browser):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = chromium_browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    console_errors, outside = [], []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("http", "ws")) and not r.url.startswith(
        voila_url) and outside.append(r.url))
    try:
        page.goto(voila_url, timeout=PAGE_SECONDS * 1000)
        page.wait_for_function("() => { const img = document.querySelector('.mlp-lecture img.mlp-picture');"
                               " return img && img.complete && img.naturalWidth > 0; }", timeout=PAGE_SECONDS * 1000)
        assert page.locator(".jp-InputArea, .jp-CodeMirrorEditor").count() == 0, "the page shows code"
        picture = page.locator(".mlp-lecture img.mlp-picture")
        side = page.locator(".lecture-side")
        assert side.bounding_box()["x"] > picture.bounding_box()["x"] + picture.bounding_box()["width"] - 1, \
            "the controls are not beside the picture"
        assert picture.bounding_box()["width"] > 900, "the picture is not large"

        # A dropdown and a slider each start a new run: a new picture, a new line of Python.
        before = picture_src(page)
        page.locator(".lecture-side select").first.select_option("circles")
        before = wait_for_new_picture(page, before, "data set changed")
        page.wait_for_function("() => document.body.innerText.includes('dataset=\"circles\"')")
        code_before = page.locator(".mlp-lecture code").inner_text()
        lr = page.locator(".lecture-side .widget-slider", has_text="learning rate")
        lr_before, lr_after = move_slider(page, lr)
        assert lr_before != lr_after, "the learning-rate slider did not move"
        page.wait_for_function("before => document.querySelector('.mlp-lecture code').innerText !== before",
                               arg=code_before)

        # Train trains: the epoch counter climbs and the picture changes; Pause stops it.
        page.get_by_role("button", name="Train").click()
        page.wait_for_function("() => /epoch [1-9]/.test(document.querySelector('.mlp-lecture').innerText)",
                               timeout=PAGE_SECONDS * 1000)
        wait_for_new_picture(page, before, "training")
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Train").wait_for(timeout=PAGE_SECONDS * 1000)
        assert "epoch" in (picture.get_attribute("alt") or ""), "the picture's alt text follows the run"

        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "lecture-playground.png"))
        results = Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        assert not serious, "accessibility violations:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious)
        assert not outside, f"the page loads from outside: {outside}"
        assert not console_errors, f"console errors: {console_errors}"
    finally:
        context.close()
