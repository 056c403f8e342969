"""Where a long `rasid watch` keeps memory. With env RASID_MEMORY_REPORT=N, every N rounds one line
gives the process's resident memory and what SQLite holds (its page caches: `sqlite3_memory_used`);
cheap, so a run of days can keep it on. With Python's own PYTHONTRACEMALLOC=1 as well (tracemalloc
from the start), the line adds the traced Python heap and is followed by the lines of code that
allocated the most since the first report (`memory round R: +X KiB (n blocks) file:line`): for
diagnosis only, tracing costs time and memory of its own."""

from __future__ import annotations

import ctypes
import os
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

ENV = "RASID_MEMORY_REPORT"
TOP = 12


def every_from_env() -> int:
    """N from RASID_MEMORY_REPORT (0: off); a value that is not a whole number ≥ 0 raises ValueError."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return 0
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def resident_mib() -> float | None:
    """This process's resident memory (Linux: /proc/self/status), or None where that is not readable."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sqlite_mib() -> float | None:
    """Memory SQLite holds in this process (all connections' page caches and the rest), or None when
    the SQLite library does not export `sqlite3_memory_used`."""
    try:
        used = ctypes.CDLL(_sqlite_module()).sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    used.restype = ctypes.c_int64
    return int(used()) / (1024 * 1024)


def _sqlite_module() -> str:
    import _sqlite3

    return str(_sqlite3.__file__)


@dataclass
class MemoryTrace:
    """Call `round_done()` after each round; prints through `out` every `every` rounds (the top
    allocations too when tracemalloc is tracing)."""

    every: int
    out: Callable[[str], None]
    top: int = TOP
    _rounds: int = 0
    _baseline: tracemalloc.Snapshot | None = field(default=None, repr=False)

    def round_done(self) -> None:
        if self.every <= 0:
            return
        self._rounds += 1
        if self._rounds % self.every:
            return
        rss, lite = resident_mib(), sqlite_mib()
        line = (f"memory round {self._rounds}: resident {'?' if rss is None else f'{rss:.1f}'} MiB,"
                f" SQLite {'?' if lite is None else f'{lite:.1f}'} MiB")
        if not tracemalloc.is_tracing():
            self.out(line)
            return
        snapshot = tracemalloc.take_snapshot().filter_traces((tracemalloc.Filter(False, tracemalloc.__file__),))
        current, peak = tracemalloc.get_traced_memory()
        self.out(f"{line}, traced Python heap {current / 2**20:.1f} MiB (peak {peak / 2**20:.1f} MiB; the first"
                 " report's snapshot is kept in it)")
        if self._baseline is None:
            self._baseline = snapshot  # the first report is the baseline: models and caches loaded
            return
        for stat in snapshot.compare_to(self._baseline, "lineno")[: self.top]:
            where = stat.traceback[0]
            self.out(f"memory round {self._rounds}: {stat.size_diff / 1024:+.0f} KiB ({stat.count_diff:+d} blocks)"
                     f" {where.filename}:{where.lineno}")
