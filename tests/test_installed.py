"""A plain wheel install carries rules/ and works from a directory outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.skipif(shutil.which("pip") is None and shutil.which("pip3") is None, reason="no pip")
def test_wheel_install_runs_outside_checkout(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if build.returncode != 0 and "hatchling" in build.stderr:
        build = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheel_dir), str(ROOT)],
            capture_output=True, text=True, timeout=300,
        )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheel_dir.glob("postcheck-*.whl")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    assert (target / "postcheck" / "_data" / "rules" / "policies" / "bht.yml").is_file()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    draft = outside / "post.txt"
    draft.write_text("Mr Evans in bay 3 was admitted, NHS number 943 476 5919\n")
    env = dict(os.environ, PYTHONPATH=str(target))
    probe = subprocess.run([sys.executable, "-c", "import postcheck; print(postcheck.__file__)"],
                           capture_output=True, text=True, cwd=outside, env=env)
    assert str(target) in probe.stdout
    proc = subprocess.run([sys.executable, "-m", "postcheck", "post.txt"], capture_output=True, text=True,
                          cwd=outside, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "BLOCK" in proc.stdout and "943 *** ****" in proc.stdout
    installed_script = shutil.which("postcheck")
    if installed_script and "site-packages" not in (probe.stdout or ""):
        policies = subprocess.run([installed_script, "policies"], capture_output=True, text=True, cwd=outside)
        assert policies.returncode == 0 and "blackpool" in policies.stdout
