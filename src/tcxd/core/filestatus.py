"""What became of one file of an import run: the statuses of `FileOutcome.status`.

A `StrEnum`, so a member equals its code ("imported" == FileStatus.IMPORTED), prints as the code
and goes into JSON and the database's `import_batch.status` unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    IMPORTED = "imported"  # written to the database
    UNCHANGED = "unchanged"  # the same content was imported before: nothing to do
    REFUSED = "refused"  # a problem was found: nothing of the file was written
    DRY_RUN = "dry_run"  # valid, nothing written (--dry-run)
    ROLLED_BACK = "rolled_back"  # valid, undone because another file was refused (--all-or-nothing)
    SKIPPED = "skipped"  # an output of tcxd, never imported
    DEFERRED = "deferred"  # waits for a unit that another file of the run creates
