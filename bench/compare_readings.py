"""The reading workers' results of two source trees compared, file by file.

    bench/compare_readings.py BEFORE_SRC AFTER_SRC FOLDER...

For every spreadsheet under the folders, each tree (`PYTHONPATH=<src>`, a fresh process) runs
what a reading worker runs: the sniff (`run._pool_sniff`: may the file hold an organisation
list, did it pass the guards), the reading (`run._read`: `read_file` with the sniff's guards
stamp, and the identity columns), `run.examine`, and the reading packed and unpacked
(`run._Packed`) as the writer gets it. Everything is turned into plain text (a table's columns,
dtypes and every value's repr) and compared. Prints the files that differ; exits 1 if any does.
Used to show that a speed change to the reading changes no reading.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

OPTIONS = {
    "kind": None,
    "unit": None,
    "as_of": None,
    "year": None,
    "quarter": None,
    "sheet": None,
    "aliases": None,
}


def plain(value):
    """A reading (dataclasses, frames, lists…) as nested plain values, every leaf a repr."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        columns = {name: [repr(v) for v in value[name].tolist()] for name in value.columns}
        return ("frame", list(value.columns), [str(t) for t in value.dtypes], columns)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, {f.name: plain(getattr(value, f.name)) for f in fields})
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {repr(key): plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(repr(item) for item in value)
    return repr(value)


def worker_results(folders: list[Path]) -> dict[str, tuple]:
    """What this process's tcxd gives for every file: (sniff, status, reading and outcome)."""
    from tcxd.importing import run
    from tcxd.reading import SUPPORTED_SUFFIXES

    files = sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
    )
    out = {}
    for path in files:
        sniffed = run._pool_sniff(path, OPTIONS)
        status, value = run._read(path, {**OPTIONS, "passed": sniffed.passed})
        if status == "ok":
            outcome = run.examine(path, value, False)
            value = (plain(run._Packed.of(value).unpack()), plain(outcome))
        else:
            value = plain(value)
        out[str(path)] = ((sniffed.may, sniffed.passed is not None), status, value)
    return out


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--dump":  # (in the child process, with the tree's PYTHONPATH)
        results = worker_results([Path(folder) for folder in argv[2:]])
        Path(argv[1]).write_bytes(pickle.dumps(results))
        return 0
    before_src, after_src, *folders = argv
    with tempfile.TemporaryDirectory(prefix="tcxd-readings-") as temporary:
        dumps = []
        for number, src in enumerate((before_src, after_src)):
            dump = Path(temporary) / f"{number}.pickle"
            env = {**os.environ, "PYTHONPATH": src}
            command = [sys.executable, __file__, "--dump", str(dump), *folders]
            subprocess.run(command, env=env, check=True)
            dumps.append(pickle.loads(dump.read_bytes()))
    before, after = dumps
    if before.keys() != after.keys():
        print("the two trees found different files")
        return 1
    differing = [path for path in before if before[path] != after[path]]
    refused = sum(1 for value in before.values() if value[1] != "ok")
    may = sum(1 for value in before.values() if value[0][0])
    print(
        f"{len(before)} files ({refused} refused outright, {may} sniffed as maybe a list): "
        f"{len(differing)} differ"
    )
    for path in differing[:20]:
        print(f"  differs: {path}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
