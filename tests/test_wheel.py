"""Netra as an installed package: build the wheel, install it in a new virtual environment, run it elsewhere.

Everything the demo, the gesture evaluation and the replay fixtures need must travel as package
data; nothing may be read from the source tree or from outside the project. The new environment
gets the wheel itself and borrows only the third-party dependencies of the test environment
(a ``.pth`` line to its site-packages), so the code and data under test are the wheel's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


IGNORED = {".git", ".venv", "__pycache__", "build", "dist", "test-artifacts", ".pytest_cache", ".ruff_cache"}


def _project_files() -> list[str]:
    """The files a clean checkout has (``git ls-files``), or, outside a git checkout, the tree minus build output."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True)
    if listed.returncode == 0:
        return [f for f in listed.stdout.decode().split("\0") if f and (REPO / f).is_file()]
    return [str(p.relative_to(REPO)) for p in REPO.rglob("*")
            if p.is_file() and not IGNORED & set(p.relative_to(REPO).parts) and not p.name.endswith(".egg-info")
            and ".egg-info" not in str(p)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the project's files (as a clean checkout has them), not from stray local ones."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in _project_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / name).read_bytes())
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(root / "dist"), str(source)], check=True, capture_output=True)
    (built,) = (root / "dist").glob("netra-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed; returns its bin/ directory."""
    env_dir = tmp_path_factory.mktemp("venv") / "netra-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    site = Path(subprocess.run([str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies (torch, transformers, scrapy…) of the test environment, after the wheel's own packages.
    (site / "zz_netra_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    return env_dir / "bin"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NETRA_DATABASE_URL", "NETRA_CONFIG")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_the_wheel_carries_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("monitor/demo/data/registry.csv", "monitor/demo/data/activity.yaml",
                   "monitor/demo/data/pilkada-2029-sukamaju.yaml", "models/photos/data/labels.csv",
                   "models/default/heads.safetensors", "models/data/corpora/id-hate-speech-2019/re_dataset.csv",
                   "spiders/platforms/bluesky/fixtures/routes.json", "monitor/db/migrations/env.py",
                   "monitor/web/templates/queue.html", "reports/templates/weekly.html",
                   "models/photos/landmark_classifier.json", "models/photos/data/sign-language-digits/labels.csv",
                   "models/photos/data/sign-language-digits/LICENSE",
                   "models/photos/data/sign-language-digits/DATA_CARD.md",
                   "monitor/i18n/locale/id/LC_MESSAGES/netra.po"):  # the message catalogue, read at import
        assert needed in names, needed
    webp = [n for n in names if n.startswith("models/photos/data/gcompris/") and n.endswith(".webp")]
    assert len(webp) == len(list((REPO / "models" / "photos" / "data" / "gcompris").glob("*.webp"))) > 0
    digits = [n for n in names if n.startswith("models/photos/data/sign-language-digits/images/")]
    assert len(digits) == 989
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_installed_code_is_the_wheels(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", "import monitor, models; print(monitor.__file__); "
                            "print(models.__file__)"], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                           check=True).stdout.split()
    assert all(str(installed.parent) in path for path in where), where


def test_demo_runs_from_the_installed_wheel_in_another_directory(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([str(installed / "netra"), "demo", "--no-serve", "--dir", str(tmp_path / "demo")],
                          cwd=elsewhere, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "demo").rglob("*.pdf")), "the demo renders its weekly report"


def test_evaluate_gestures_gives_the_same_figures_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    def figures(netra: str, name: str) -> dict:
        out = tmp_path / f"{name}.json"
        subprocess.run([netra, "evaluate-gestures", "--output", str(out)], cwd=tmp_path, env=_env(),
                       capture_output=True, text=True, check=True, timeout=600)
        report = json.loads(out.read_text())
        report.pop("data")  # where the photos are: the package's folder in each environment
        return report

    from_wheel = figures(str(installed / "netra"), "wheel")
    from_source = figures(str(Path(sys.executable).with_name("netra")), "source")
    assert from_wheel["images"] > 60 and from_wheel == from_source
