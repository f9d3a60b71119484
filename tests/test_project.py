"""The project around the package: dependencies in step, the README's commands, CI."""

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


def requirement(spec: str) -> tuple[str, str]:
    """'numpy>=1.24' -> ('numpy', '>=1.24'), names normalised as pip does."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", spec)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def pyproject_requirements() -> set:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    # Entries with an environment marker (e.g. a backport for old Pythons) have no conda twin.
    return {requirement(s) for s in specs if ";" not in s}


def environment_requirements() -> set:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-e")]
        else:
            specs.append(dep)
    return {requirement(s) for s in specs if requirement(s)[0] not in ("python", "pip")}


def test_pyproject_and_environment_list_the_same_dependencies():
    in_pyproject, in_environment = pyproject_requirements(), environment_requirements()
    assert in_pyproject == in_environment, (
        f"only in pyproject.toml: {sorted(in_pyproject - in_environment)}; "
        f"only in environment.yml: {sorted(in_environment - in_pyproject)}"
    )


def test_environment_installs_the_package_itself_from_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pip = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e ." in pip
    python = next(dep for dep in env["dependencies"] if isinstance(dep, str) and dep.startswith("python"))
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == "python" + required


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_has_the_two_commands():
    assert readme_commands() == ["python run.py lab", "python run.py test"]


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]
    test_command = readme_commands()[1]
    assert commands[-1] == test_command.replace("python ", "python3 ", 1)
    assert "set -euo pipefail" in script


def test_pytest_collects_tests_and_notebooks_with_strict_nbval():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert options["testpaths"] == ["tests", "notebooks"]
    addopts = options["addopts"].split()
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--nbval-current-env" in addopts
    sanitize = addopts[addopts.index("--nbval-sanitize-with") + 1]
    assert (ROOT / sanitize).exists() and "0x" in (ROOT / sanitize).read_text()


def test_every_notebook_is_saved_executed_without_errors():
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    notebooks = [nb for nb in notebooks if ".ipynb_checkpoints" not in nb.parts]
    assert notebooks, "notebooks/ holds no lessons"
    import json

    for path in notebooks:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        counts = [c["execution_count"] for c in code]
        assert None not in counts, f"{path.name}: cells saved without being run"
        assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not run top to bottom in a fresh kernel"
        assert all(o["output_type"] != "error" for c in code for o in c["outputs"]), f"{path.name}: saved error"
        assert path.stat().st_size < 3_000_000, f"{path.name}: over 3 MB; save smaller figures"


def test_every_subpackage_is_installed():
    """A non-editable install (Colab, pip install git+...) takes only the packages pyproject.toml lists."""
    listed = re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    listed = set(re.findall(r'"([^"]+)"', listed))
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "mlp_lessons").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"


# The house: which rooms a room may import from (issue 20). The top level is the math;
# data sits beside it; figures, playgrounds, exercises, grading, site and lecture above.
ROOMS_MAY_IMPORT = {
    "math": {"math"},
    "data": {"math"},
    "figures": {"math", "data", "figures"},
    "playgrounds": {"math", "data", "figures", "playgrounds"},
    "exercises": {"math", "data", "exercises"},
    "grading": {"math", "exercises", "grading"},
    "site": {"figures", "site"},
    "lecture": {"roof", "math", "playgrounds", "lecture"},
}


def _room(module: str) -> str:
    parts = module.split(".")
    if parts == ["mlp_lessons"]:
        return "roof"
    return parts[1] if parts[1] in ROOMS_MAY_IMPORT else "math"


def _imports_of(path: Path) -> set:
    import ast

    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            if node.module:
                found.add(".".join(base + [node.module]))
            else:  # from .. import optim: the names are modules
                found.update(".".join(base + [alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_lessons"):
            found.add(node.module)
    return found


def test_no_import_goes_up_the_house():
    """Each room imports only from its own floor or below, so the math never depends on a figure."""
    wrong = []
    for path in sorted((ROOT / "mlp_lessons").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        room = _room(module)
        if room == "roof":
            continue
        for target in _imports_of(path):
            if _room(target) not in ROOMS_MAY_IMPORT[room]:
                wrong.append(f"{module} ({room}) imports {target} ({_room(target)})")
    assert not wrong, "imports that go up the house:\n" + "\n".join(wrong)
