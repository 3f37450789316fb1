"""Run a command as a subprocess and measure its wall time and peak memory.

Peak memory is reported two ways, both in bytes, both from /proc sampled every 20 ms (the command
runs in its own process group, and every process of that group counts):

- ``rss``: the largest peak resident set of any single process of the run (its ``VmHWM``, which the
  kernel keeps per process, so a peak between two samples is not lost);
- ``tree``: the largest sum of the resident sets of all processes of the run at one moment. It
  catches worker pools and helper processes (a JVM under a Python wrapper); pages shared between
  forked workers are counted once per worker, so it is an upper bound.

``ru_maxrss`` from ``wait4`` is not used: a child started with vfork (as Python's subprocess does)
inherits the parent's peak at exec, so it would report the benchmark driver's own memory.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.02


@dataclass
class Result:
    wall: float  # seconds
    rss: int  # bytes, largest single process
    tree: int  # bytes, largest sum over the process group
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # seconds of user + system time of the command and the children it waited for

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def first_error_line(self) -> str:
        """The line that best says what went wrong: an ``error:`` line if there is one, else the first."""
        lines = [line.strip() for line in (self.stderr + "\n" + self.stdout).splitlines() if line.strip()]
        for line in lines:
            low = line.lower()
            if low.startswith(("error", "internal error", "exception", "traceback")) or " error:" in low:
                if low.startswith("traceback"):
                    return lines[-1][:200]
                return line[:200]
        return (lines[0] if lines else f"exit status {self.returncode}")[:200]


def _group_memory(pgid: int) -> tuple[int, int]:
    """(sum of current resident sets, largest peak resident set) over the processes of one group."""
    total = largest = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
            fields = stat[stat.rfind(b")") + 2 :].split()
            # after the command name: state ppid pgrp ...; rss is field 24 of stat (index 21 here)
            if len(fields) <= 21 or int(fields[2]) != pgid:
                continue
            total += int(fields[21]) * PAGE
            with open(f"/proc/{name}/status", "rb") as handle:
                for line in handle:
                    if line.startswith(b"VmHWM:"):
                        largest = max(largest, int(line.split()[1]) * 1024)
                        break
        except (OSError, ValueError):
            continue
    return total, largest


def run(
    command: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Result:
    """Run ``command`` to completion; never raises for a failing command (see ``Result.ok``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            process = subprocess.Popen(
                [str(part) for part in command],
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as error:
            return Result(0.0, 0, 0, 127, "", f"error: cannot run {command[0]}: {error}")
        peak = [0, 0]  # tree, largest process
        done = threading.Event()
        timed_out = [False]

        def sample() -> None:
            while not done.is_set():
                tree, largest = _group_memory(process.pid)
                peak[0] = max(peak[0], tree)
                peak[1] = max(peak[1], largest)
                if timeout is not None and time.perf_counter() - start > timeout:
                    timed_out[0] = True
                    try:
                        os.killpg(process.pid, 9)
                    except OSError:
                        pass
                    return
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        # helpers that outlived the main process (daemonized servers) are not ours to keep
        try:
            os.killpg(process.pid, 9)
        except OSError:
            pass
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    rss = peak[1]
    returncode = process.returncode
    if timed_out[0]:
        stderr = f"timeout after {timeout:.0f} s\n" + stderr
        returncode = returncode or -9
    cpu = usage.ru_utime + usage.ru_stime
    return Result(wall, rss, max(peak[0], rss), returncode, stdout, stderr, cpu)


def run_all(commands: Sequence[tuple[str, Sequence[str | os.PathLike[str]], Path | None]], **kwargs: object) -> Result:
    """Run several ``(label, command, cwd)`` one after the other as one measurement.

    Wall times add up, peaks are the maximum; the first failure stops the series and is named by its label.
    """
    total = Result(0.0, 0, 0, 0, "", "")
    for label, command, cwd in commands:
        one = run(command, cwd=cwd, **kwargs)  # type: ignore[arg-type]
        total.wall += one.wall
        total.cpu += one.cpu
        total.rss = max(total.rss, one.rss)
        total.tree = max(total.tree, one.tree)
        total.stdout += one.stdout
        total.stderr += one.stderr
        if not one.ok:
            total.returncode = one.returncode
            where = f"{label}: " if label else ""
            total.stderr = f"error: {where}{one.first_error_line()}\n" + total.stderr
            break
    return total
