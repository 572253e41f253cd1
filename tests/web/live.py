"""A live `jalur serve` on loopback, for the concurrency and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(store: Path, workers: int = 2):
    """Start `jalur serve` on a free loopback port with *store*; yield its base URL; stop it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from jalur.cli import main; sys.exit(main(sys.argv[1:]))",
                             "serve", "--port", str(port), "--store", str(store), "--workers", str(workers)],
                            env={k: v for k, v in os.environ.items() if k != "JALUR_NO_CACHE"},   # its own cache
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()
