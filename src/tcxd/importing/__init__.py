"""Clean tables → database: units, identities, upserts, events, batches; one transaction per file.

`import_paths` is the library entry of `tcxd import`. Each file is read by `tcxd.reading` (pure,
in worker processes), then written in one transaction (or one for the whole run with
`all_or_nothing`): a file with any problem writes nothing. The parts:

- `run`: the order of the files, deferral, transactions, the reading workers, the run's caches;
- `resolve`: a file's and each row's unit (`resolve.units`), each row's member and the identity
  checks (`resolve.members`), over `tcxd.db.units.OrgIndex` and `tcxd.db.identities.MemberKeys`;
- `writers`: one module per kind of sheet (roster, organizations, changes, evaluations; members
  for what they share), each a function of the file's `context.FileContext` and a table;
- `files` (which files, their hash), `results` (options and outcomes), `bad_rows`
  (--skip-bad-rows), `values` (small helpers on cells).
"""

from tcxd.importing.context import MAX_PROBLEMS, FileRefused
from tcxd.importing.files import SUPPORTED, SUPPORTED_ORDER, find_files, find_other_files, sha256_of
from tcxd.importing.results import FileOutcome, ImportOptions, ImportResult
from tcxd.importing.run import import_paths, read_workers

__all__ = [
    "MAX_PROBLEMS",
    "SUPPORTED",
    "SUPPORTED_ORDER",
    "FileOutcome",
    "FileRefused",
    "ImportOptions",
    "ImportResult",
    "find_files",
    "find_other_files",
    "import_paths",
    "read_workers",
    "sha256_of",
]
