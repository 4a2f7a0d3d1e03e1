"""Who hears that a write is waiting for another program's lock on the database.

Kept apart from `db/engine.py` so that the CLI can listen without loading SQLAlchemy at start.
"""

from __future__ import annotations

from collections.abc import Callable

# A writer that has waited this long for another's lock says so, then waits the rest of the
# busy timeout: a clerk is never left before a silent screen for 30 s.
LOCK_NOTICE_AFTER_MS = 1000
_listeners: list[Callable[[float], None]] = []


def on_lock_wait(listener: Callable[[float], None]) -> None:
    """Call `listener(seconds it may still wait)` whenever a write waits for another's lock."""
    if listener not in _listeners:
        _listeners.append(listener)


def listening() -> bool:
    return bool(_listeners)


def waiting(seconds_left: float) -> None:
    for listener in _listeners:
        listener(seconds_left)
