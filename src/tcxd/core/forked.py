"""Part of a computation done in a forked process while this one does the rest (`beside`):
classify's second half of the members' engine, the work every report shares. Python's lock
keeps threads from computing side by side; a forked process is handed its inputs by the fork
itself (the function is kept here, nothing is pickled on the way in), so it must read nothing
it was not given (a database read there would not see this process's snapshot). Its result
comes back pickled; if anything fails there, the result is None and the caller does that part
itself: the results never depend on the fork, only the time does."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

Mine = TypeVar("Mine")

_CHILD: list[Callable[[], Any]] = []  # what the forked process runs (inherited, not sent)


def beside(child: Callable[[], Any], here: Callable[[], Mine]) -> tuple[Any | None, Mine]:
    """`child()` in a forked process while `here()` runs in this one: (child's result or None,
    here's result). What lives at the fork is frozen for the garbage collector meanwhile: the
    child's collections would otherwise write to every object it visits, copying the pages it
    shares with this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _CHILD.append(child)
    gc.freeze()
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_run_child)
            mine = here()
            try:
                theirs = future.result()
            except Exception:  # (whatever failed there, the caller computes here)
                theirs = None
    finally:
        gc.unfreeze()
        _CHILD.pop()
    return theirs, mine


def _run_child() -> Any:
    return _CHILD[-1]()
