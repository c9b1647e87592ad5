"""Shared fixtures. Qt runs offscreen with isolated settings; nothing touches the user's home."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def home_environment(home: Path) -> dict[str, str]:
    """Every place the app and its libraries find per-user files in (QSettings, the log, the
    remembered Inception weights, caches, the demo folder), under `home`."""
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "MAMMOGAN_DEMO_DIR": str(home / "demo"),
    }


# The session's own home, set before any fixture runs: session-scoped fixtures (the demo
# workspace, which trains) are built before the per-test home below exists.
SESSION_HOME = Path(tempfile.mkdtemp(prefix="mammogan-tests-home-"))
os.environ.update(home_environment(SESSION_HOME))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-bundle",
        action="store_true",
        help="also build the desktop bundle and test it (tests marked bundle, minutes)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bundle: builds the PyInstaller bundle (--run-bundle)")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SESSION_HOME, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-bundle"):
        return
    skip = pytest.mark.skip(reason="builds the desktop bundle: run with --run-bundle")
    for item in items:
        if "bundle" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QSettings, logs and the default demo folder go to a temp home for every test."""
    for key, value in home_environment(tmp_path_factory.mktemp("home")).items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def workspace(tmp_path: Path):
    from mammogan_core.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace (4 synthetic mammograms, 2 training epochs), built once a session;
    tests take a copy (`demo_ws`)."""
    from mammogan_core.demo import run_demo

    folder = tmp_path_factory.mktemp("demo_template") / "demo"
    run_demo(folder, n_images=4, train_epochs=2)
    return folder


@pytest.fixture
def demo_ws(demo_template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo workspace (paths inside are relative: a copy opens)."""
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture(scope="session")
def study_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace for augmentation-study tests, built once a session and READ-ONLY: 36 small
    phantom mammograms of 9 patients (4 views each), imported and extracted (30 lesion and about 145
    normal patches), no training run. A test that writes (a study does) takes `study_ws_copy`."""
    from mammogan_core.control import Control
    from mammogan_core.extraction import ExtractParams, extract_patches
    from mammogan_core.importing import import_dataset
    from mammogan_core.phantom import generate_corpus
    from mammogan_core.runner import drive
    from mammogan_core.workspace import Workspace

    folder = tmp_path_factory.mktemp("study_ws") / "ws"
    control = Control()
    with Workspace.create(folder) as ws:
        corpus = ws.data_dir / "phantom"
        # 640 rows (not the demo's 2294): the same patients and lesions, rendered 8x faster
        drive(generate_corpus(corpus, 36, 2020, control, rows=640, cols=534))
        drive(import_dataset(ws, corpus, "generic", corpus / "annotations.csv", control))
        drive(extract_patches(ws, ExtractParams(seed=2020), control, workers=1))
    return folder


@pytest.fixture
def study_ws_copy(study_ws: Path, tmp_path: Path) -> Path:
    """This test's own copy of `study_ws`."""
    return Path(shutil.copytree(study_ws, tmp_path / "study_ws"))
