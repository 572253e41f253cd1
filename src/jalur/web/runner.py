"""Run executors: a queue and at most N worker processes running the store's requests in the background.

A request is queued once (the store names it by its content); a dispatcher thread starts a process for the
next queued request whenever fewer than N run, so a burst of requests waits in the queue instead of starting a
thread each. A queued run is cancelled by marking it; a running one by stopping its process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
from pathlib import Path

from jalur.store import RunRequest, RunStore, now


def _work(root: str, request: RunRequest, parent: int) -> None:
    """The worker process: run one request into the store (its failure is recorded in its status). It stops
    when the server that started it is gone, so that a killed server leaves no run going on unseen."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    try:
        RunStore(root).execute(request)
    except Exception:   # recorded as failed by the store
        pass


class Runner:
    """Background execution of a store's runs with *workers* processes (see the module docstring)."""

    def __init__(self, store: RunStore, workers: int = 1):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.store, self.workers = store, workers
        self._queue: queue.Queue[RunRequest | None] = queue.Queue()
        self._running: dict[str, mp.process.BaseProcess] = {}
        self._lock = threading.Lock()
        self._ctx = mp.get_context("spawn")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._dispatch, name="jalur-runner", daemon=True)
        self._resume()
        self._thread.start()

    def _resume(self) -> None:
        """Queue again the runs a previous server left queued (its queue died with it)."""
        for doc in reversed(self.store.list(status="queued")):
            req = doc.get("request") or {}
            try:
                request = RunRequest(req["scenario"], req.get("overrides"), req.get("samples", 0), req.get("seed"),
                                     own_file=bool(req.get("own_file")))
            except Exception as exc:   # a request no longer valid (data changed): say so in its status
                self.store.update(doc["id"], status="failed", error=f"could not resume: {exc}")
                continue
            if request.id == doc["id"]:
                self._queue.put(request)
            else:
                self.store.update(doc["id"], status="failed", error="could not resume: jalur or its data changed")

    def submit(self, request: RunRequest) -> tuple[dict, bool]:
        """Queue a request unless the store has it done, queued or running: (status, new)."""
        with self._lock:
            doc, new = self.store.submit(request)
            if new:
                self._queue.put(request)
        return doc, new

    def cancel(self, run_id: str) -> dict | None:
        """Cancel a queued or running run; a finished one is left as it is. Returns its status."""
        with self._lock:
            doc = self.store.status(run_id)
            if doc is None or doc["status"] not in ("queued", "running"):
                return doc
            proc = self._running.pop(run_id, None)
            if proc is not None:
                proc.terminate()
                proc.join(5)
            return self.store.update(run_id, status="cancelled", finished=now(), pid=None)

    def _reap(self) -> None:
        for run_id, proc in list(self._running.items()):
            if not proc.is_alive():
                proc.join()
                del self._running[run_id]

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                request = self._queue.get(timeout=0.2)
            except queue.Empty:
                with self._lock:
                    self._reap()
                continue
            if request is None:
                break
            while not self._stop.is_set():
                with self._lock:
                    self._reap()
                    if len(self._running) < self.workers:
                        doc = self.store.status(request.id)
                        if doc is None or doc["status"] != "queued":
                            break        # cancelled or deleted while it waited
                        proc = self._ctx.Process(target=_work, args=(str(self.store.root), request, os.getpid()),
                                                 daemon=True)
                        proc.start()
                        self._running[request.id] = proc
                        break
                self._stop.wait(0.1)

    def close(self) -> None:
        """Stop dispatching and the running processes (their runs read as interrupted)."""
        self._stop.set()
        self._queue.put(None)
        with self._lock:
            for proc in self._running.values():
                proc.terminate()
            self._running.clear()


def default_store(path: str | Path | None = None) -> RunStore:
    return RunStore(path)
