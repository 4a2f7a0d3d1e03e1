"""A pause inside an import, for the tests that must act while an import is running.

With `TCXD_TEST_PAUSE=N:<marker>` in the environment, the import stops inside the N-th file's
write transaction (its rows written, not committed; N−1 files committed before it, even by an
import that commits several files at once: `will_pause`), creates the
marker file and waits while the marker exists. A test interrupts it there (Ctrl-C always lands
during the import) or reads the database meanwhile, then deletes the marker to let it go on.
Without the variable this costs one dictionary lookup per file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_VARIABLE = "TCXD_TEST_PAUSE"
_reached = 0  # files that reached the end of their writing in this process


def file_written() -> None:
    """Called once a file's rows are written, before its transaction commits."""
    global _reached
    setting = os.environ.get(PAUSE_VARIABLE)
    if not setting:
        return
    _reached += 1
    count, marker = setting.split(":", 1)
    if _reached != int(count):
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    while Path(marker).exists():
        time.sleep(0.01)


def will_pause() -> bool:
    """Whether the next file to reach `file_written` is the one that pauses: an import that
    holds several files in one transaction commits the files before it first, so that they are
    committed while it holds, as the variable promises."""
    setting = os.environ.get(PAUSE_VARIABLE)
    if not setting:
        return False
    return _reached + 1 == int(setting.split(":", 1)[0])
