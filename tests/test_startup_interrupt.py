"""Ctrl-C at any moment of start-up ends with one line and exit code 130, never a traceback.

The command runs as the installed console script does (``from generator.cli import main``,
a module that imports only ``sys``; everything heavy is imported inside ``main``'s handler),
with ``-S`` and the site folder put on the path by hand: the development install's editable
finder (a ``.pth`` that imports ``pathlib`` while ``site`` starts) is setuptools' code, and a
user's ``pip install`` has no such file. The signal is sent at several delays after the
console script's import line, so every step of ``main``'s start-up is hit.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAFETY_NET = 120  # seconds; a run that takes this long has hung
# what the console script does, minus the development .pth files
SCRIPT = (
    "import sys; sys.path[:0] = [{root!r}, {site!r}]; from generator.cli import main; "
    "sys.stderr.write('started\\n'); sys.stderr.flush(); sys.exit(main())"
).format(root=str(ROOT), site=sysconfig.get_paths()["purelib"])


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.12, 0.2, 0.3])
def test_ctrl_c_during_start_up_ends_quietly(tmp_path: Path, delay: float) -> None:
    spec = ROOT / "specs" / "libtes.yaml"
    victim = subprocess.Popen(
        [sys.executable, "-S", "-c", SCRIPT, "validate", str(spec)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert victim.stderr is not None
    assert victim.stderr.readline() == "started\n"
    time.sleep(delay)  # where in start-up the signal lands; nothing is asserted about time
    victim.send_signal(signal.SIGINT)
    _, stderr = victim.communicate(timeout=SAFETY_NET)
    assert "Traceback" not in stderr, stderr
    if victim.returncode == 0:  # the run was over before the signal came
        return
    assert victim.returncode == 130, (victim.returncode, stderr)
    assert stderr.strip().splitlines() == [stderr.strip()] and stderr.startswith("interrupted"), stderr
