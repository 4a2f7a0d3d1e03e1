"""The write of a large province's ratings, alone: CPU time of `tcxd.rating.store.store`.

    bench/classify_store.py RESULTS.pkl OUT.db [--copies 25]

RESULTS.pkl: (members, organizations) as `tcxd.rating.classify.classify` returns them (pickled
from a run on the small province). The members are copied `--copies` times under new ids
(20,365 × 25 = 509,000 rows, the large province's count) and some copies' reasons and inputs
are made distinct so that their distinct counts are those of the large province (~48,000 reasons,
~215,000 inputs). A fresh database gets the members and organisations the rows point to, then
the results are stored twice (the second time replaces the first, as a second classify does);
each store's CPU time (process time: the machine is shared) is printed as JSON.

Run it with the code to compare on PYTHONPATH (the schema is the code's own).
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path

import pandas as pd

from tcxd.db.engine import create_schema, make_engine, write_transaction
from tcxd.rating.store import store

REASON_COPIES = 7  # copies whose reasons are distinct: ~48,000 distinct in all
INPUT_COPIES = 15  # ~215,000 distinct inputs


def copied(members: pd.DataFrame, copies: int) -> pd.DataFrame:
    step = int(members["member_id"].max()) + 1
    parts = []
    for copy in range(copies):
        part = members.copy()
        part["member_id"] = part["member_id"] + copy * step
        if 0 < copy < REASON_COPIES:
            part["reason"] = part["reason"] + f" ({copy})"
        if 0 < copy < INPUT_COPIES:
            part["inputs"] = part["inputs"].str.replace("{", f'{{"copy": {copy}, ', n=1)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    copies = int(argv[argv.index("--copies") + 1]) if "--copies" in argv else 25
    members, orgs = pickle.loads(source.read_bytes())
    members = copied(members, copies)
    out.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{out}", create=True)
    create_schema(engine)
    with write_transaction(engine) as conn:
        conn.exec_driver_sql(
            "INSERT INTO organization (id, name, name_key, name_fold, org_type) VALUES "
            + ", ".join(f"({i}, 'x', 'x', 'x', 'chi_bo_co_so')" for i in orgs["org_id"])
        )
        conn.exec_driver_sql(
            "INSERT INTO member (id, full_name, name_key, birth_year_only, youth_union, exempt, "
            "extra) VALUES (?, 'x', 'x', 0, 0, 0, '{}')",
            [(int(i),) for i in members["member_id"]],
        )
    members["org_id"] = members["org_id"].where(members["org_id"].isin(orgs["org_id"]))
    timings = []
    for _ in range(2):
        started = time.process_time()
        store(engine, 2025, 0, members, orgs, whole=True)
        timings.append(round(time.process_time() - started, 2))
    engine.dispose()
    print(
        json.dumps(
            {
                "rows": len(members) + len(orgs),
                "distinct_reasons": int(members["reason"].nunique()),
                "distinct_inputs": int(members["inputs"].nunique()),
                "store_cpu_s": timings,
                "db_mb": round(out.stat().st_size / 2**20, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
