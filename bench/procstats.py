"""What the machine and the server processes are doing, from /proc (Linux only, no extra packages).

Benchmarks on a shared 2-core machine are only meaningful next to the load they ran under, so every figure is
reported with the load average and how busy the CPUs were, and each server's CPU time per turn shows where
the work goes (Rasa, the action server, the database).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> Tuple[float, float, float]:
    one, five, fifteen = open("/proc/loadavg").read().split()[:3]
    return float(one), float(five), float(fifteen)


def _cpu_times() -> Tuple[int, int]:
    """(busy, total) jiffies over all CPUs since boot."""
    values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_kb(pid: int) -> Dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident since start), in kB."""
    values = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


@dataclass
class Sample:
    """Machine and process figures over one measured period."""

    seconds: float
    load_before: Tuple[float, float, float]
    load_after: Tuple[float, float, float]
    cpu_busy_percent: float  # of all CPUs, the whole machine (other people's work included)
    cpu_seconds: Dict[str, float]  # per named process
    peak_rss_mb: Dict[str, float]  # highest VmRSS seen while sampling
    hwm_mb: Dict[str, float]  # VmHWM at the end (peak since the process started)


@dataclass
class Monitor:
    """Samples RSS of the named processes every `interval_s` between `start()` and `stop()`."""

    pids: Dict[str, int]
    interval_s: float = 0.5
    _peak: Dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: Optional[threading.Thread] = None

    def start(self) -> "Monitor":
        self._started = time.monotonic()
        self._load_before = load_average()
        self._cpu_before = _cpu_times()
        self._process_cpu_before = {name: process_cpu_seconds(pid) for name, pid in self.pids.items()}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample_memory()
            self._stop.wait(self.interval_s)

    def _sample_memory(self) -> None:
        for name, pid in self.pids.items():
            try:
                rss = memory_kb(pid).get("VmRSS", 0)
            except OSError:
                continue
            self._peak[name] = max(self._peak.get(name, 0), rss)

    def stop(self) -> Sample:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample_memory()
        busy_before, total_before = self._cpu_before
        busy_after, total_after = _cpu_times()
        cpu_seconds, hwm = {}, {}
        for name, pid in self.pids.items():
            try:
                cpu_seconds[name] = process_cpu_seconds(pid) - self._process_cpu_before[name]
                hwm[name] = memory_kb(pid).get("VmHWM", 0) / 1024
            except OSError:
                pass
        return Sample(
            seconds=time.monotonic() - self._started,
            load_before=self._load_before,
            load_after=load_average(),
            cpu_busy_percent=100.0 * (busy_after - busy_before) / max(1, total_after - total_before),
            cpu_seconds=cpu_seconds,
            peak_rss_mb={name: kb / 1024 for name, kb in self._peak.items()},
            hwm_mb=hwm,
        )


def postgres_pids() -> List[int]:
    """PostgreSQL server processes on this machine (their CPU time is the tracker store's cost)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if open(f"/proc/{entry}/comm").read().strip() == "postgres":
                    pids.append(int(entry))
            except OSError:
                continue
    return pids
