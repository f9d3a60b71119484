"""Where classes run the lessons: GitHub Actions, .ci/run, Colab."""

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
README_TEST_COMMAND = "python run.py test"

COLAB_CELL = """\
# On Google Colab, install mlp_lessons first; anywhere else this cell does nothing.
import sys
if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "mlp_lessons @ git+https://github.com/mlp-lessons/mlp_lessons"], check=True)"""

NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_readme_test_command_is_the_one_ci_runs():
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text()


def test_workflow_runs_on_push_and_pull_request():
    triggers = workflow().get("on", workflow().get(True))  # YAML 1.1 reads a bare `on` as True
    assert {"push", "pull_request"} <= set(triggers)


def test_workflow_runs_the_readme_test_command():
    commands = [line.strip() for step in steps() for line in step.get("run", "").splitlines()]
    assert README_TEST_COMMAND in commands


def test_workflow_tests_the_oldest_and_newest_python_on_linux():
    (job,) = workflow()["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    versions = job["strategy"]["matrix"]["python-version"]
    # Unquoted, YAML reads 3.10 as the float 3.1.
    assert all(isinstance(v, str) for v in versions), f"quote the Python versions: {versions}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    oldest = re.fullmatch(r">=\s*(\d+\.\d+)", requires).group(1)
    assert oldest in versions
    assert max(map(version, versions)) >= (3, 13)


def test_workflow_makes_a_skipped_browser_test_a_failure():
    (job,) = workflow()["jobs"].values()
    assert str(job["env"]["CI"]).lower() == "true"
    # The browser tests read the browser's path from this variable.
    assert "MLP_LESSONS_CHROMIUM" in (ROOT / "tests" / "test_browser.py").read_text()
    assert any("MLP_LESSONS_CHROMIUM=" in step.get("run", "") for step in steps())


def test_ci_script_runs_the_readme_test_command_in_ci_mode():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] in (README_TEST_COMMAND, README_TEST_COMMAND.replace("python ", "python3 ", 1))
    assert re.search(r"^export CI=", script, re.M)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_first_code_cell_installs_the_package_on_colab_only(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    first_code = next(cell for cell in cells if cell["cell_type"] == "code")
    assert "".join(first_code["source"]).strip() == COLAB_CELL
    assert first_code.get("outputs") == [], "the Colab cell prints nothing outside Colab"


def test_colab_cell_does_nothing_outside_colab():
    assert "google.colab" not in sys.modules
    namespace = {}
    exec(COLAB_CELL, namespace)
    assert "subprocess" not in namespace


COLAB_PREFIX = "https://colab.research.google.com/github/mlp-lessons/mlp_lessons/blob/main/"
BINDER_URL = "https://mybinder.org/v2/gh/mlp-lessons/mlp_lessons/main?urlpath=lab/tree/notebooks"


def test_readme_links_every_lesson_to_colab_and_binder():
    readme = (ROOT / "README.md").read_text()
    if "colab.research.google.com" not in readme:
        pytest.skip("the README has no Colab links yet")
    linked = set(re.findall(re.escape(COLAB_PREFIX) + r"(\S+?\.ipynb)", readme))
    lessons = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert lessons <= linked, f"no Open-in-Colab link for {sorted(lessons - linked)}"
    missing = sorted(path for path in linked if not (ROOT / path).is_file())
    assert not missing, f"Colab links to notebooks that do not exist: {missing}"
    assert BINDER_URL in readme
