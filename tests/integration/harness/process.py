"""What every harness does with the real servers it starts: pick a free port, make the child
die with the test process, stop it by the PID we started (never one read from disk), and show
the end of its log when something goes wrong."""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess

_PR_SET_PDEATHSIG = 1


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago (callers retry on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    """preexec_fn: the child gets SIGTERM if the test process dies without cleaning up, and
    leads its own process group (so its workers can be stopped with it). Call it after any
    change of credentials: setuid clears the death signal."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    os.setpgrp()


def stop_process(proc, first_signal=signal.SIGTERM, grace=10.0, kill_group=False):
    """Stops `proc` (a subprocess.Popen we started): `first_signal`, then SIGKILL after `grace`
    seconds. kill_group: also SIGKILL its process group (workers of a master process).
    Idempotent: a finished process is only reaped."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, first_signal)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
    if kill_group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def tail(path, lines=40):
    """The last lines of a log file; "" when it cannot be read."""
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""
