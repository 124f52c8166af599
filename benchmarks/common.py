"""Shared plumbing of the benchmark: paths, measured child processes, cleanup of every server.

Every process the benchmark starts is registered here and started in its own process group, so
that `stop_all()` (run on normal exit, on errors and on Ctrl-C / SIGTERM) can end exactly the
processes it started, and their children, by process-group id.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
VAR = ROOT / "var" / "bench"  # git-ignored (/var/ in .gitignore)
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
DARGAH = str(VENV_BIN / "dargah")
HOST = "127.0.0.1"  # the only address anything here talks to

_started: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- processes ------------------------------------------------------------------------------------


def spawn(cmd: list[str], **kw) -> subprocess.Popen:
    """Start `cmd` in a new process group and remember it for stop_all()."""
    kw.setdefault("cwd", ROOT)
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(cmd, start_new_session=True, **kw)
    _started.append(p)
    return p


def stop(p: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM the process group of `p` (a graceful stop), then SIGKILL what is left."""
    if p not in _started:
        return
    try:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # The group may outlive its leader (a worker still finishing): make sure it is gone.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            pass
    finally:
        if p in _started:
            _started.remove(p)


def stop_all() -> None:
    for p in list(reversed(_started)):
        stop(p, timeout=10.0)


def _on_signal(signum, _frame):
    # Turn SIGTERM into the same path as Ctrl-C: unwind, run `finally` blocks, stop servers.
    raise KeyboardInterrupt(f"signal {signum}")


def install_cleanup() -> None:
    atexit.register(stop_all)
    # Ctrl-C raises KeyboardInterrupt even where SIGINT was inherited as ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)


@dataclass
class Measured:
    seconds: float
    max_rss_kb: int
    returncode: int


def hwm_kb(pid: int) -> int:
    """The process' peak resident memory so far (VmHWM), 0 if it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_measured(cmd: list[str], *, stdout=None, stderr=None, timeout: float | None = None, **kw) -> Measured:
    """Run `cmd` to completion; its wall time and its own peak resident memory.

    The peak is the process' VmHWM, read every 20 ms while it runs (so a peak in its very last
    moments may be missed). wait4's ru_maxrss is not used: Linux carries the parent's high-water
    mark over fork and exec, so every child of a large parent would report the parent's size.
    """
    started = time.monotonic()
    p = spawn(cmd, stdout=stdout, stderr=stderr, **kw)
    deadline = None if timeout is None else started + timeout
    peak = 0
    try:
        while True:
            peak = max(peak, hwm_kb(p.pid))
            pid, status, _usage = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{cmd[:3]} did not finish in {timeout:.0f} s")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if p.returncode is None:
            stop(p)
        elif p in _started:
            _started.remove(p)
    return Measured(seconds, peak, p.returncode)


# -- network (loopback only) --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET http://127.0.0.1:port/path; (status, body); (0, b"") when nothing answers."""
    url = f"http://{HOST}:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (OSError, ValueError):
        return 0, b""


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120.0, path: str = "/readyz") -> float:
    """Seconds until `path` answers 200 (polled every 20 ms); raises if the server dies or times out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
        status, _ = http_get(port, path, timeout=1.0)
        if status == 200:
            return time.monotonic() - started
        time.sleep(0.02)
    raise TimeoutError(f"port {port}: {path} not 200 after {timeout:.0f} s")


# -- /proc ----------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(set(out))


def _proc_kb(path: str, key: str) -> int | None:
    """The kB figure on the line of a /proc file that starts with `key`."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def pss_kb(pid: int) -> int | None:
    """Proportional set size: resident pages, each shared page divided among the processes
    sharing it (what forked workers really cost together; VmRSS counts shared pages in each)."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def rss_kb(pid: int) -> int | None:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def rss_parts_kb(pid: int) -> tuple[int | None, int | None]:
    """VmRSS's two main parts: anonymous memory (the heap, Python's objects, arrays) and pages of
    mapped files (libraries, and data files a process maps: shared with the page cache and with
    other processes mapping them, but counted whole in each process' VmRSS, once per mapping)."""
    path = f"/proc/{pid}/status"
    return _proc_kb(path, "RssAnon:"), _proc_kb(path, "RssFile:")


HZ = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    try:
        f = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in f[:8])
        return (user + nice + system + irq + softirq + steal) / HZ
    except (OSError, ValueError, IndexError):
        return 0.0


def process_cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (all their threads), in seconds."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / HZ
        except (OSError, ValueError, IndexError):
            pass
    return total


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "model": model, "mem_mb": mem}


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- content keys ---------------------------------------------------------------------------------


def files_key(paths: list[Path], extra: str = "") -> str:
    """A digest of the files' names and bytes (folders recursively, __pycache__ skipped)."""
    h = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        files = (
            [path]
            if path.is_file()
            else sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        )
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode() + b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]
