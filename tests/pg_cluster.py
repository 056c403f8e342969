"""A throwaway PostgreSQL cluster in a folder, for the tests that need a real server.

`.ci/run` starts one (`python tests/pg_cluster.py start DIR` prints its URL) and exports it as
RASID_TEST_PG; when that is unset, the tests' fixture starts its own with `start()`. Debian's
`postgresql` package provides the programs (found on PATH or under /usr/lib/postgresql/*/bin).
The server listens only on a Unix socket inside the folder: nothing is reachable from outside.
As root, the cluster is run by the `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

USER = "rasid"
DATABASE = "rasid_test"


def find_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root and `runuser` is missing: cannot start PostgreSQL as user postgres")
    return [runuser, "-u", "postgres", "--", *command]


def url(folder: Path, database: str = DATABASE) -> str:
    return f"postgresql://{USER}@/{database}?host={folder / 'socket'}&port=5432"


def start(folder: Path) -> str:
    """Create and start a cluster in `folder` (a new, empty or missing folder); its URL."""
    initdb, pg_ctl, createdb = (find_program(n) for n in ("initdb", "pg_ctl", "createdb"))
    if not (initdb and pg_ctl and createdb):
        raise RuntimeError("PostgreSQL's programs (initdb, pg_ctl) are missing: `apt-get install postgresql`")
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    socket = folder / "socket"
    socket.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(socket, "postgres")
        os.chmod(folder, 0o755)
    subprocess.run(
        _as_owner([initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
        check=True, capture_output=True,
    )
    resume(folder)
    subprocess.run(
        _as_owner([createdb, "-h", str(socket), "-p", "5432", "-U", USER, DATABASE]), check=True, capture_output=True
    )
    return url(folder)


def resume(folder: Path) -> None:
    """Start the cluster in `folder` (made by `start`) again after `stop`."""
    pg_ctl = find_program("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("PostgreSQL's pg_ctl is missing: `apt-get install postgresql`")
    socket = folder / "socket"
    options = f"-c listen_addresses='' -k {socket} -p 5432 -c fsync=off -c full_page_writes=off -c max_connections=60"
    subprocess.run(
        _as_owner([pg_ctl, "-D", str(folder / "data"), "-o", options, "-l", str(folder / "server.log"), "-w", "-t", "60",
                   "start"]),
        check=True, capture_output=True,
    )


def stop(folder: Path) -> None:
    pg_ctl = find_program("pg_ctl")
    if pg_ctl and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(_as_owner([pg_ctl, "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"]), capture_output=True)


def wait_until_down(folder: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while (folder / "data" / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: python tests/pg_cluster.py start|stop FOLDER")
    target = Path(sys.argv[2]).resolve()
    try:
        if sys.argv[1] == "start":
            print(start(target))
        else:
            stop(target)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        sys.exit(f"error: {exc} {detail.decode(errors='replace').strip()}")
