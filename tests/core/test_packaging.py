"""The installed wheel, not only the source tree: every module and resource ships, and the
generic top-level name `app` resolves to our GUI package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("mammogan_core", "app")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("mammogan-*.whl"))


def test_wheel_holds_all_modules_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        p.relative_to(ROOT).as_posix()
        for top in ("mammogan_core", "app")
        for p in (ROOT / top).rglob("*.py")
    }
    assert sources - names == set()
    assert "mammogan_core/workspace/schema.sql" in names
    for resource in ("style.qss", "demo.json", "icons/mammogan.svg", "readme/panel_train.png"):
        assert f"mammogan_resources/{resource}" in names
    assert not any(n.startswith("tests/") for n in names)


def test_installed_wheel_imports_from_elsewhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    code = (
        "import app.entry, mammogan_core.workspace, importlib.resources as r\n"
        "assert app.entry.__file__.startswith(sys.argv[1]), app.entry.__file__\n"
        "print(r.files('mammogan_resources').joinpath('style.qss').is_file())\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]);" + code,
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = [b.split("```")[0] for b in readme.split("```bash")[1:]]
    commands = [ln for b in blocks for ln in b.splitlines() if ln and not ln.startswith("#")]
    assert len(commands) == 2, "the quick start has exactly two commands"
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
