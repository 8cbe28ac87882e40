"""Both cores: independent pieces of an analysis run in forked worker processes.

igraph and scipy's graph routines hold Python's lock while they work, so threads would not
run them side by side; forked processes do. The workers get the parent's objects by the
fork itself (:func:`shared`), nothing is pickled on the way in, and each task returns a
small array. With one worker, where fork is not available, or where OpenMP may run several
threads (``OMP_NUM_THREADS`` other than 1, which would hang a forked igraph), tasks run in
this process, in order, with the same results.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

__all__ = ["Pool", "shared", "default_workers"]

_SHARED: dict[str, Any] = {}


def shared(name: str):
    """An object the parent gave the pool (:class:`Pool` ``objects``), in a task."""
    return _SHARED[name]


def default_workers() -> int:
    """The cores this process may use (``GRAPHGOV_WORKERS`` overrides), at most 8."""
    env = os.environ.get("GRAPHGOV_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _fork_safe() -> bool:
    """Whether forked workers are safe: igraph's OpenMP runtime hangs in a child forked after it ran
    threads, which it does not with one thread (``graphgov/__init__.py`` asks for one)."""
    return os.environ.get("OMP_NUM_THREADS") == "1"


class _Inline:
    """The pool's interface, running each task at once in this process."""

    def submit(self, fn: Callable, *args) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as err:  # handed to whoever asks for the result, as a pool would
            f.set_exception(err)
        return f

    def shutdown(self, cancel_futures: bool = False) -> None:
        pass


class Pool:
    """``with Pool(objects, workers) as pool: pool.submit(task, …)``: tasks that read ``objects``
    through :func:`shared` run in ``workers`` forked processes (inline with one worker)."""

    def __init__(self, objects: dict[str, Any], workers: int | None = None):
        self.objects = objects
        self.workers = default_workers() if workers is None else max(1, workers)
        self._pool = None

    def __enter__(self):
        _SHARED.clear()
        _SHARED.update(self.objects)
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods() and _fork_safe():
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        else:
            self._pool = _Inline()
        return self

    def submit(self, fn: Callable, *args) -> Future:
        return self._pool.submit(fn, *args)

    def __exit__(self, *exc):
        self._pool.shutdown(cancel_futures=True)
        _SHARED.clear()
