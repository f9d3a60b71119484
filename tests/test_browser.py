"""Every lesson in a real JupyterLab, driven by headless Chromium through Playwright.

nbval proves that a notebook prints the right numbers; these tests prove what a
student sees: each notebook runs from top to bottom in JupyterLab without an
error, its equations are typeset by MathJax, and its sliders and buttons change
what is drawn.  Notebooks are found when the tests are collected, so a new
lesson is tested without editing this file.

The server runs on a temporary copy of notebooks/ (autosave never rewrites the
committed files), on 127.0.0.1 with a random token and a throw-away Jupyter
configuration.  A screenshot of each notebook's final state is saved to
artifacts/screenshots/ (ignored by git), and the figures named in
FIGURE_SCREENSHOTS each get one of their own there, as a student sees them.

The browser is the system's Chromium (MLP_LESSONS_CHROMIUM, default
/usr/bin/chromium, else a chromium or google-chrome on PATH); Playwright never
downloads one.  Without Playwright or the
browser these tests skip, except when CI=true, where they fail: CI must run them.
MLP_LESSONS_NOTEBOOK_DIR points the suite at another folder of notebooks.

    python -m pytest tests/test_browser.py                 all notebooks
    python -m pytest tests/test_browser.py -k playground   one of them
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = Path(os.environ.get("MLP_LESSONS_NOTEBOOK_DIR", ROOT / "notebooks"))
SCREENSHOT_DIR = ROOT / "artifacts" / "screenshots"


def find_chromium() -> str:
    """MLP_LESSONS_CHROMIUM, else /usr/bin/chromium, else a Chromium or Chrome on PATH."""
    if os.environ.get("MLP_LESSONS_CHROMIUM"):
        return os.environ["MLP_LESSONS_CHROMIUM"]
    candidates = ["/usr/bin/chromium"] + [
        shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    ]
    return next((path for path in candidates if path and os.path.isfile(path)), "/usr/bin/chromium")


CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")

PLAYGROUND = "07_playground.ipynb"
# Lessons whose sliders the issue names: they must have at least one.
LESSONS_WITH_SLIDERS = ("01_forward_prop.ipynb", "03_batching.ipynb", "04_losses_and_init.ipynb")

SERVER_START_SECONDS = 90
KERNEL_START_SECONDS = 60
RUN_ALL_SECONDS = 240
WIDGET_REDRAW_SECONDS = 30

# JupyterLab settings for the test server: every cell in the DOM (no virtual
# scrolling), and no news pop-up covering the notebook.
LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def discover_notebooks() -> list[str]:
    return sorted(
        p.relative_to(NOTEBOOK_DIR).as_posix()
        for p in NOTEBOOK_DIR.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


NOTEBOOKS = discover_notebooks()


# ---- skipping (or, in CI, failing) without a browser ------------------------------------


def browser_missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def import_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("Playwright is not installed (pip install playwright)")
    return sync_playwright


# ---- the JupyterLab server -----------------------------------------------------------------


@dataclass
class LabServer:
    url: str
    token: str
    notebook_root: Path
    log: Path

    def api(self, method: str, path: str):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every session, so each notebook starts with a fresh kernel and CPU stays free."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def notebook_url(self, notebook: str, workspace: str) -> str:
        # A workspace of its own per page: no documents restored from an earlier test.
        return f"{self.url}/doc/workspaces/{workspace}/tree/{notebook}?token={self.token}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_USER_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def wait_until_answering(server: LabServer, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            server.api("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def jupyter_lab_server(tmp_path_factory, chromium_browser):
    """JupyterLab on a temporary copy of notebooks/, on 127.0.0.1 with a random token."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    notebook_root = tmp / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebook_root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config_dir = tmp / "config"
    write_lab_settings(config_dir / "lab" / "user-settings")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(config_dir / "lab" / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        IPYTHONDIR=str(tmp / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    token, port = secrets.token_hex(16), free_port()
    log = tmp / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--allow-root", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={notebook_root}",
        # window.jupyterapp, so the tests read the notebook model and the kernel's
        # status directly instead of the page's prompts, which can go stale.
        "--LabApp.expose_app_in_browser=True",
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=tmp)
    server = LabServer(f"http://127.0.0.1:{port}", token, notebook_root, log)
    try:
        wait_until_answering(server, process, log)
        yield server
    finally:
        try:
            server.shut_down_kernels()
        except Exception:
            pass
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """End a server started by a fixture: politely, then by force after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_browser():
    """Headless Chromium from the system, driven through Playwright's sync API.

    Module-scoped: while Playwright's sync API is open, an asyncio loop runs in
    this thread, and tests in other modules that call asyncio.run() would fail.
    """
    sync_playwright = import_playwright()
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        browser_missing(f"no Chromium at {CHROMIUM} (set MLP_LESSONS_CHROMIUM to a Chromium or Chrome binary)")
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:
            browser_missing(f"Chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()
    finally:
        playwright.stop()


@dataclass
class KernelErrors:
    """Errors the kernel sends on iopub, read from the page's websockets.

    This catches errors that never reach a cell: an exception inside a button
    or slider callback, sent as an error message or as an error output of an
    Output widget.  (An exception in an `observe` handler is only logged by
    ipywidgets inside the kernel; the widget-changed checks catch its effect.)
    """

    seen: list = field(default_factory=list)
    # the last messages in both directions, compactly, for a failure's report
    trail: list = field(default_factory=list)

    def watch(self, websocket) -> None:
        if "/api/kernels/" in websocket.url:
            websocket.on("framereceived", self.on_frame)
            websocket.on("framesent", lambda payload: self.remember(">", parse_kernel_message(payload)))

    def remember(self, direction: str, message: dict | None) -> None:
        if not message:
            return
        content = message.get("content", {})
        detail = content.get("execution_state") or content.get("status") or content.get("method")
        if not detail and isinstance(content.get("data"), dict):
            detail = content["data"].get("method")
        self.trail.append(f"{direction}{message.get('channel')}:{message['header'].get('msg_type')}"
                          f"<{message.get('parent_header', {}).get('msg_type')}>{'=' + str(detail) if detail else ''}")
        del self.trail[:-80]

    def on_frame(self, payload) -> None:
        message = parse_kernel_message(payload)
        self.remember("<", message)
        if not message or message.get("channel") != "iopub":
            return
        kind, content = message["header"].get("msg_type"), message.get("content", {})
        parent = message.get("parent_header", {}).get("msg_type")
        if kind == "error":
            where = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(content.get("traceback", [])))[-1500:]
            self.seen.append((parent, f"{content.get('ename')}: {content.get('evalue')}\n{where}"))
        elif kind == "stream" and content.get("name") == "stderr" and "Traceback" in content.get("text", ""):
            self.seen.append((parent, content["text"][-800:]))
        elif kind == "comm_msg":
            state = content.get("data", {}).get("state", {})
            for output in state.get("outputs", []) if isinstance(state.get("outputs"), list) else []:
                if output.get("output_type") == "error":
                    self.seen.append((parent, f"in an Output widget: {output.get('ename')}: {output.get('evalue')}"))

    def outside_cells(self) -> list[str]:
        """Errors not raised by running a cell (those show in the cell; see cell_errors)."""
        return [text for parent, text in self.seen if parent != "execute_request"]


def parse_kernel_message(payload) -> dict | None:
    """A kernel message from a websocket frame: JSON text, or the binary v1 protocol."""
    try:
        if isinstance(payload, str):
            return json.loads(payload)
        # v1.kernel.websocket.jupyter.org: n, n offsets, then channel, header,
        # parent_header, metadata, content, buffers (all little-endian uint64).
        n = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
        parts = [payload[start:end] for start, end in zip(offsets, offsets[1:] + [len(payload)])]
        channel, header, parent, metadata, content = parts[:5]
        return {
            "channel": channel.decode(),
            "header": json.loads(header),
            "parent_header": json.loads(parent),
            "content": json.loads(content),
        }
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


@dataclass
class LabPage:
    page: object
    server: LabServer
    kernel_errors: KernelErrors


@pytest.fixture(scope="module")
def browser_context(chromium_browser):
    """One context for all pages, so JupyterLab's scripts come from the HTTP cache after the first page."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def lab_page(jupyter_lab_server, browser_context):
    """A fresh browser page; afterwards it is closed and its kernel shut down."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    errors = KernelErrors()
    page.on("websocket", errors.watch)
    try:
        yield LabPage(page, jupyter_lab_server, errors)
    finally:
        page.close()
        jupyter_lab_server.shut_down_kernels()


# ---- driving a notebook --------------------------------------------------------------------


def status_bar_text(page) -> str:
    return " ".join(page.locator(".jp-StatusBar-Widget").all_inner_texts())


def wait_for(condition, seconds: float, what: str, interval: float = 0.25, describe=None):
    """condition()'s first truthy value; after `seconds`, fail with `what` and describe()'s report."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            report = f"\n{describe()}" if describe else ""
            pytest.fail(f"timed out after {seconds:g} s waiting for {what}{report}", pytrace=False)
        time.sleep(interval)


def kernel_is_idle(page) -> bool:
    return "| Idle" in status_bar_text(page)


def click_menu(page, menu: str, item: str) -> None:
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def open_notebook(lab: LabPage, notebook: str) -> None:
    page = lab.page
    workspace = "test-" + secrets.token_hex(4)
    page.goto(lab.server.notebook_url(notebook, workspace))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=KERNEL_START_SECONDS * 1000)
    wait_for(lambda: page.evaluate(NOTEBOOK_STATE_JS, notebook) is not None and notebook_state(page, notebook)["status"] == "idle",
             KERNEL_START_SECONDS, f"the kernel of {notebook} to start")


def code_cells_to_run(notebook: str) -> list[int]:
    """Indices (among all cells) of the code cells that Run All executes."""
    cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    return [i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and "".join(cell["source"]).strip()]


def cells_expected_to_raise(notebook: str) -> set[int]:
    cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    return {
        i for i, cell in enumerate(cells)
        if "raises-exception" in cell.get("metadata", {}).get("tags", [])
        or "NBVAL_RAISES_EXCEPTION" in "".join(cell["source"]).split("\n", 1)[0]
    }


NOTEBOOK_STATE_JS = """
path => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const widget of app.shell.widgets('main')) {
    if (!widget.context || !widget.context.path.endsWith(path) || !widget.content || !widget.content.model) continue;
    const cells = widget.content.model.cells;
    const counts = [];
    let running = 0;
    let errors = 0;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      counts.push(cell.type === 'code' ? cell.executionCount : null);
      if (cell.type === 'code' && cell.executionState === 'running') running++;
      if (cell.type === 'code' && cell.outputs.toJSON().some(o => o.output_type === 'error')) errors++;
    }
    const session = widget.sessionContext.session;
    const kernel = session ? session.kernel : null;
    return {status: kernel ? kernel.status : 'none', counts: counts, running: running, errors: errors};
  }
  return null;
}
"""


def notebook_state(page, notebook: str) -> dict:
    """The kernel's status, every cell's execution count and how many cells are queued or
    running, read from JupyterLab's own notebook model (not from the rendered prompts, which
    JupyterLab may not redraw for cells out of view),
    e.g. {"status": "idle", "counts": [None, 1, 2, ...], "running": 0}."""
    state = page.evaluate(NOTEBOOK_STATE_JS, notebook)
    assert state is not None, f"{notebook} is not open in JupyterLab (or window.jupyterapp is missing)"
    return state


def run_all(lab: LabPage, notebook: str) -> float:
    """Clear every output, Run All, and wait until each code cell has run and the kernel is idle."""
    page = lab.page
    to_run = code_cells_to_run(notebook)
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    wait_for(lambda: all(notebook_state(page, notebook)["counts"][i] is None for i in to_run), 10,
             "the outputs to clear")
    start = time.monotonic()
    click_menu(page, "Run", "Run All Cells")
    idle_since = [None]

    def finished():
        state = notebook_state(page, notebook)
        # A cell still queued or running ([*]) means not done, even when the kernel reports idle:
        # ipykernel answers widget messages beside a long cell and reports idle after each.
        if state["status"] != "idle" or state.get("running"):
            idle_since[0] = None
            return False
        idle_since[0] = idle_since[0] or time.monotonic()
        counts = state["counts"]
        all_ran = all(counts[i] is not None for i in to_run)
        # idle for 3 s with cells left and an error output in the model: the error stopped
        # Run All (without an error, the frontend may still be sending the next cell)
        stopped = state.get("errors", 0) > 0 and time.monotonic() - idle_since[0] > 3
        return counts if all_ran or stopped else False

    def describe():
        return (f"notebook model: {notebook_state(page, notebook)}\ncell errors: {cell_errors(page)}\n"
                f"kernel errors: {lab.kernel_errors.seen}\nlast kernel messages: {' '.join(lab.kernel_errors.trail)}")

    counts = wait_for(finished, RUN_ALL_SECONDS, f"Run All in {notebook} to finish", describe=describe)
    seconds = time.monotonic() - start
    never_ran = [i for i in to_run if counts[i] is None]
    assert not never_ran, (
        f"cells {never_ran} of {notebook} never ran (did an earlier cell fail?):\n" + "\n".join(cell_errors(page))
        + "".join(f"\nkernel error ({parent}): {text}" for parent, text in lab.kernel_errors.seen)
    )
    loading = page.locator(".jupyter-widgets-disconnected, .jp-OutputArea-output:has-text('Loading widget')")
    wait_for(lambda: loading.count() == 0, WIDGET_REDRAW_SECONDS, "the widgets to render")
    return seconds


ERROR_OUTPUTS_JS = """
cells => cells.flatMap((cell, index) => [...cell.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(o => o.innerText)
  .filter(t => /Traceback|Error\\b/.test(t))
  .map(t => [index, t.slice(-800)])
  .concat(cell.innerText.includes('Error displaying widget')
          ? [[index, 'Error displaying widget (its model is missing)']] : []))
"""


def cell_errors(page, allowed: set[int] = frozenset()) -> list[str]:
    """'cell i: traceback' for every error or traceback shown in a cell's outputs."""
    found = page.eval_on_selector_all(".jp-NotebookPanel .jp-Notebook .jp-Cell", ERROR_OUTPUTS_JS)
    return [f"cell {index}: {text}" for index, text in found if index not in allowed]


def assert_no_errors(lab: LabPage, notebook: str) -> None:
    shown = cell_errors(lab.page, cells_expected_to_raise(notebook))
    assert not shown, f"{notebook} shows errors:\n" + "\n\n".join(shown)
    hidden = lab.kernel_errors.outside_cells()
    assert not hidden, f"{notebook}: the kernel reported errors from widget callbacks:\n" + "\n\n".join(hidden)


RAW_TEX_JS = """
nodes => nodes.map(node => {
  const copy = node.cloneNode(true);
  copy.querySelectorAll('code, pre, mjx-container, script').forEach(e => e.remove());
  return copy.textContent;
}).join('\\n')
"""


def notebook_has_math(notebook: str) -> bool:
    cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return bool(re.search(r"\$[^$]+\$", markdown))


def assert_math_rendered(page, notebook: str) -> None:
    """MathJax typeset the equations: mjx-container present, no TeX errors, no raw TeX left."""
    if not notebook_has_math(notebook):
        return

    def raw_tex():
        text = page.eval_on_selector_all(".jp-MarkdownCell .jp-RenderedMarkdown", RAW_TEX_JS)
        return re.findall(r".{0,40}(?:\\boxed|\\frac|\\begin|\$\$).{0,40}", text)

    wait_for(lambda: page.locator("mjx-container").count() > 0, WIDGET_REDRAW_SECONDS,
             f"MathJax to typeset the equations of {notebook}")
    deadline = time.monotonic() + WIDGET_REDRAW_SECONDS
    while raw_tex() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not raw_tex(), f"{notebook}: raw TeX left in rendered Markdown: {raw_tex()[:5]}"
    tex_errors = page.locator("mjx-merror").all_inner_texts()
    assert not tex_errors, f"{notebook}: MathJax could not typeset: {tex_errors[:5]}"


# Figures saved on their own as <notebook>__<name>.png, each found by a line of its cell's code.
FIGURE_SCREENSHOTS = {
    "02_backprop.ipynb": {
        "scalar_chain": "fg.plot_scalar_chain(chain)",
        "hand_forward": "fg.plot_hand_network(hand, hand_activations, x_hand, y_hand, hand_caches)",
        "backward_figure": "fg.plot_hand_network(hand, hand_activations, x_hand, y_hand, hand_caches, back)",
    },
    "04_losses_and_init.ipynb": {
        "init_spread": "fg.plot_activation_spreads(spreads)",
        "init_slider": "fg.init_scale_widget(",
        "gradient_spread": "fg.plot_gradient_spreads(gradients)",
    },
    "05_training.ipynb": {
        "learning_rates": "fg.plot_learning_rates(",
    },
}


def save_figure_screenshots(page, notebook: str) -> list[Path]:
    """The output (figure and printed numbers) of each cell named in FIGURE_SCREENSHOTS for this notebook."""
    cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    saved = []
    for name, code in FIGURE_SCREENSHOTS.get(notebook, {}).items():
        found = [i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and code in "".join(cell["source"])]
        assert len(found) == 1, f"{notebook}: {len(found)} cells contain {code!r} (the figure {name!r})"
        output = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(found[0]).locator(".jp-Cell-outputArea")
        image = output.locator("img")
        wait_for(lambda: image.count() > 0 and image.last.is_visible(), WIDGET_REDRAW_SECONDS,
                 f"the figure {name!r} of {notebook} (cell {found[0]}) to show")
        output.scroll_into_view_if_needed()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{Path(notebook).stem}__{name}.png"
        output.screenshot(path=str(path))
        saved.append(path)
    return saved


def save_screenshot(page, notebook: str) -> Path:
    """The whole notebook, not just the window: make the viewport as tall as the notebook."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / (Path(notebook).with_suffix("").as_posix().replace("/", "__") + ".png")
    height = page.evaluate(
        "() => { const n = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
        " || document.querySelector('.jp-NotebookPanel .jp-Notebook'); return n ? n.scrollHeight : 900; }"
    )
    page.set_viewport_size({"width": 1280, "height": int(min(max(height + 150, 900), 16_000))})
    page.evaluate("() => document.querySelectorAll('.jp-WindowedPanel-outer').forEach(n => n.scrollTop = 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    return path


# ---- widgets: what the student sees, and moving a slider ---------------------------------

WIDGET_STATE_JS = """
root => {
  const texts = [...root.querySelectorAll('.widget-output, .widget-html, .widget-label, .widget-htmlmath')]
    .filter(e => !e.closest('.widget-slider') && !e.parentElement.closest('.widget-output'))
    .map(e => e.innerText.trim());
  const images = [...root.querySelectorAll('.jp-OutputArea-output img, .widget-image')]
    .map(i => i.getAttribute('src') || '');
  return {texts, images};
}
"""


@dataclass(frozen=True)
class WidgetState:
    """What the widgets show: their text, and a hash of every image."""

    texts: tuple
    images: tuple

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def widget_state(page) -> WidgetState:
    raw = page.eval_on_selector(".jp-NotebookPanel .jp-Notebook", WIDGET_STATE_JS)
    return WidgetState(tuple(raw["texts"]), tuple(hashlib.sha1(s.encode()).hexdigest() for s in raw["images"]))


def sliders(page) -> list:
    return page.locator(".jp-NotebookPanel .widget-slider").all()


def slider_name(slider) -> str:
    label = slider.locator(".widget-label")
    return label.first.inner_text().strip() if label.count() else "(no description)"


def slider_readout(slider) -> str:
    readout = slider.locator(".widget-readout")
    return readout.first.inner_text().strip() if readout.count() else ""


def move_slider(page, slider, steps: int = 2) -> tuple[str, str]:
    """Move a slider with the keyboard (mouse drag if keys do nothing); returns (before, after) readouts."""
    slider.scroll_into_view_if_needed()
    before = slider_readout(slider)
    handle = slider.locator(".noUi-handle").first
    for key in ("ArrowRight", "ArrowLeft"):
        handle.focus()
        for _ in range(steps):
            handle.press(key)
        if slider_readout(slider) != before:
            return before, slider_readout(slider)
    base = slider.locator(".noUi-base").first.bounding_box()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    target = base["x"] + base["width"] * (0.25 if box["x"] > base["x"] + base["width"] / 2 else 0.75)
    page.mouse.move(target, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    return before, slider_readout(slider)


def wait_for_state(page, accept, what: str, seconds: float = WIDGET_REDRAW_SECONDS) -> WidgetState:
    """Poll what the widgets show until accept(state) holds; return that state."""
    def check():
        now = widget_state(page)
        return now if accept(now) else None

    return wait_for(check, seconds, what)


def wait_for_change(page, before: WidgetState, what: str) -> WidgetState:
    return wait_for_state(page, lambda now: now != before, what)


def settle(page, seconds: float = WIDGET_REDRAW_SECONDS) -> WidgetState:
    """Wait until the kernel is idle and the widgets stop changing (a callback may redraw twice)."""
    deadline = time.monotonic() + seconds
    state = widget_state(page)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = widget_state(page)
        if now == state and kernel_is_idle(page):
            return now
        state = now
    pytest.fail(f"the widgets kept changing (or the kernel stayed busy) for {seconds:g} s", pytrace=False)


def move_every_slider(lab: LabPage, notebook: str) -> None:
    """Each slider, moved, must redraw something (a figure or its printed numbers)."""
    page = lab.page
    found = sliders(page)
    if notebook in LESSONS_WITH_SLIDERS:
        assert found, f"{notebook} should show a slider, but none rendered"
    for slider in found:
        name = slider_name(slider)
        state = widget_state(page)
        before, after = move_slider(page, slider)
        assert after != before, f"{notebook}: the slider {name!r} did not move (readout stayed {before!r})"
        wait_for_change(page, state, f"{notebook}: the output to change after moving {name!r} from {before} to {after}")
        settle(page)


# ---- the playground ------------------------------------------------------------------------


def find_slider(page, patterns: list[str], avoid: str = r"^$"):
    """The first slider whose description matches the first pattern that matches any."""
    named = [(slider_name(s), s) for s in sliders(page)]
    for pattern in patterns:
        for name, slider in named:
            if re.search(pattern, name, re.I) and not re.search(avoid, name, re.I) and slider.is_enabled():
                return slider
    pytest.fail(f"no slider whose description matches {patterns}; sliders: {[n for n, _ in named]}", pytrace=False)


def find_button(page, pattern: str):
    buttons = page.locator(".jp-NotebookPanel .jupyter-button").all()
    for button in buttons:
        if re.search(pattern, button.inner_text(), re.I):
            return button
    return None


def counters(text: str) -> list[tuple[str, str]]:
    """[('epoch', '12'), ('step', '96')] as the playground prints them."""
    return re.findall(r"\b(epochs?|steps?|updates?)\b\W{0,3}(\d+)", text, re.I)


def press_and_wait(page, button, what: str) -> WidgetState:
    """Click a button; wait until the picture and the epoch/step counters change."""
    state = widget_state(page)
    label = button.inner_text().strip()
    button.scroll_into_view_if_needed()
    button.click()
    return wait_for_state(
        page,
        lambda now: now.images != state.images and counters(now.text) != counters(state.text),
        f"the picture and the epoch/step counters to change after {what} ({label!r})",
    )


def drive_playground(lab: LabPage, notebook: str) -> None:
    """Change the architecture, the learning rate, a feature and the regularisation, then Step and Train:
    the picture must follow each."""
    page = lab.page
    state = widget_state(page)
    size = find_slider(page, [r"width|neurons|units|n\[", r"layer|hidden|size"], avoid=r"batch")
    before, after = move_slider(page, size, steps=1)
    assert after != before, f"layer-size slider {slider_name(size)!r} did not move"
    wait_for_state(
        page,
        lambda now: now.images != state.images and now.texts != state.texts,
        f"the picture and the architecture text to change after {slider_name(size)!r} went {before} -> {after}",
    )
    settle(page)

    rate = find_slider(page, [r"learning|rate|\blr\b|alpha|α"])
    before, after = move_slider(page, rate, steps=1)
    assert after != before, f"learning-rate slider {slider_name(rate)!r} did not move"
    settle(page)

    # An input feature switched on: one more input neuron, a new picture, a new line of Python.
    state = widget_state(page)
    feature = find_button(page, r"^\s*x1\^2\s*$")
    assert feature, "the playground shows no toggle for the feature x1^2"
    feature.scroll_into_view_if_needed()
    feature.click()
    wait_for_state(
        page,
        lambda now: now.images != state.images and "x1^2" in now.text,
        "the picture and the line of Python to change after switching on the feature x1^2",
    )
    settle(page)

    # Regularisation chosen after an epoch: a new run (epoch 0, a new picture) whose status shows the penalty.
    press_and_wait(page, find_button(page, r"^\s*\+1 epoch\b"), "one epoch")
    settle(page)
    state = widget_state(page)
    choice = page.locator(".jp-NotebookPanel .widget-dropdown:has(.widget-label:has-text('regularisation')) select").first
    choice.scroll_into_view_if_needed()
    choice.select_option(label="L2")
    wait_for_state(
        page,
        lambda now: now.images != state.images and 'regularization="L2"' in now.text and "penalty" in now.text,
        "the picture, the status (penalty) and the line of Python to change after choosing L2 regularisation",
    )
    settle(page)

    epoch, step, train = (find_button(page, pattern) for pattern in (r"^\s*\+1 epoch\b", r"^\s*\+1 step\b", r"\btrain\b"))
    assert epoch and step and train, "the playground shows no '+1 epoch', '+1 step' or Train button"
    press_and_wait(page, step, "one mini-batch")
    settle(page)
    press_and_wait(page, epoch, "one epoch")
    settle(page)
    press_and_wait(page, train, "training")
    pause = find_button(page, r"pause|stop")
    if pause:  # Train runs until paused
        pause.click()
    settle(page, seconds=60)
    assert counters(widget_state(page).text), "the playground shows no epoch or step counter"
    show_the_gradients(page)


def show_the_gradients(page) -> Path:
    """The view toggle: the gradients of the latest step instead of the weights, the same run (the same
    counters, status and line of Python); then one more step, and a screenshot of what a student sees."""
    state = widget_state(page)
    view = page.locator(".jp-NotebookPanel .widget-dropdown:has(.widget-label:text-is('view')) select").first
    view.scroll_into_view_if_needed()
    view.select_option(label="gradients of the latest step")
    now = wait_for_state(page, lambda now: now.images != state.images,
                         "the picture to change after choosing the gradients view")
    assert now.texts == state.texts, "the view toggle changed the run (its counters, status or line of Python)"
    assert "view" not in now.text.split("re-create this run")[-1], "the line of Python names the view"
    press_and_wait(page, find_button(page, r"^\s*\+1 step\b"), "one mini-batch in the gradients view")
    settle(page)
    image = page.locator(".jp-NotebookPanel .widget-image").first
    output = image.locator("xpath=ancestor::div[contains(@class, 'jp-Cell-outputArea')]").first
    output.scroll_into_view_if_needed()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / "playground__gradients_view.png"
    output.screenshot(path=str(path))
    view.select_option(label="weights, neuron outputs")  # as the notebook's screenshot expects it
    settle(page)
    return path


INTERACTIONS = {PLAYGROUND: drive_playground}


# ---- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(lab_page, notebook):
    """Run All in JupyterLab: no error anywhere, equations typeset, widgets respond."""
    page = lab_page.page
    open_notebook(lab_page, notebook)
    try:
        run_all(lab_page, notebook)
        assert_no_errors(lab_page, notebook)
        assert_math_rendered(page, notebook)
        save_figure_screenshots(page, notebook)
        INTERACTIONS.get(notebook, move_every_slider)(lab_page, notebook)
        assert_no_errors(lab_page, notebook)
    finally:
        save_screenshot(page, notebook)


def test_notebook_copies_are_not_the_committed_files(jupyter_lab_server):
    """Autosave in the browser must never rewrite the committed notebooks."""
    assert jupyter_lab_server.notebook_root.resolve() != NOTEBOOK_DIR.resolve()
    assert not jupyter_lab_server.notebook_root.resolve().is_relative_to(ROOT.resolve())
