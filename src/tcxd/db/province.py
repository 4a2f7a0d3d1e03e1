"""The province, its settings and its district-level committees (`tcxd init`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from tcxd.core.errors import NotInitializedError, ProvinceMismatchError, UserInputError
from tcxd.core.settings import DistrictConfig, ProvinceConfig
from tcxd.core.text import clean, fold, key
from tcxd.core.vocab import code_of
from tcxd.db.bulk import table_of
from tcxd.db.engine import create_schema, make_engine, write_transaction
from tcxd.db.models import Meta, Organization, OrganizationParent, Province

PROVINCE = table_of(Province)
ORGANIZATION = table_of(Organization)
ORGANIZATION_PARENT = table_of(OrganizationParent)
META = table_of(Meta)


@dataclass
class InitResult:
    province: str
    created: bool  # the database (or the province in it) was created by this run
    districts_added: list[str]
    districts_existing: list[str]


def initialize(
    url: str, config: ProvinceConfig, *, busy_timeout_ms: int | None = None
) -> InitResult:
    """Create the database (if needed) with the province and its districts; idempotent."""
    engine = make_engine(url, create=True, busy_timeout_ms=busy_timeout_ms)
    create_schema(engine)
    with write_transaction(engine) as conn:
        province = conn.execute(select(PROVINCE)).first()
        created = province is None
        if created:
            org_id = _insert_org(conn, config.name, "province", None)
            conn.execute(
                insert(PROVINCE).values(
                    name=clean(config.name), name_key=key(config.name), org_id=org_id,
                    **_settings(config),
                )
            )  # fmt: skip
        elif fold(province.name) != fold(config.name):
            raise ProvinceMismatchError(
                f'Cơ sở dữ liệu này thuộc "{province.name}", không phải "{clean(config.name)}". '
                "Dùng một tệp cơ sở dữ liệu khác (--db) cho tỉnh khác."
            )
        else:
            org_id = province.org_id
            conn.execute(update(PROVINCE).values(**_settings(config, keep_empty=False)))
        if config.aliases:
            _store_aliases(conn, config.aliases)
        added, existing = [], []
        for district in config.districts:
            if _find_child(conn, org_id, district.name) is None:
                _insert_org(conn, district.name, "district", org_id, district)
                added.append(clean(district.name))
            else:
                existing.append(clean(district.name))
    return InitResult(clean(config.name), created, added, existing)


def _settings(config: ProvinceConfig, keep_empty: bool = True) -> dict:
    values = {
        "place_name": config.place_name,
        "issuing_body": config.issuing_body,
        "preparer_name": config.preparer_name,
        "signer_title": config.signer_title,
        "signer_name": config.signer_name,
        "rules_file": config.rules_file,
    }
    return values if keep_empty else {k: v for k, v in values.items() if v is not None}


def _insert_org(
    conn: Connection,
    name: str,
    org_type: str,
    parent_id: int | None,
    district: DistrictConfig | None = None,
) -> int:
    kind = None
    if district and district.kind_of_place:
        kind = code_of("kinds_of_place", district.kind_of_place)
        if kind is None:
            raise UserInputError(
                f'Loại hình "{district.kind_of_place}" của "{district.name}" không hợp lệ.'
            )
    org_id = conn.execute(
        insert(ORGANIZATION)
        .values(
            name=clean(name), name_key=key(name), name_fold=fold(name), org_type=org_type,
            kind_of_place=kind, code=district.code if district else None,
        )
        .returning(ORGANIZATION.c.id)
    ).scalar_one()  # fmt: skip
    if parent_id is not None:
        conn.execute(insert(ORGANIZATION_PARENT).values(org_id=org_id, parent_id=parent_id))
    return org_id


def _find_child(conn: Connection, parent_id: int, name: str) -> int | None:
    org, link = ORGANIZATION, ORGANIZATION_PARENT
    return conn.execute(
        select(org.c.id)
        .join(link, link.c.org_id == org.c.id)
        .where(link.c.parent_id == parent_id, org.c.name_fold == fold(name))
    ).scalar()


def load_province(engine: Engine) -> dict:
    """The province row as a dict; refuses a database where `tcxd init` has not run."""
    with engine.connect() as conn:
        row = conn.execute(select(PROVINCE)).mappings().first()
    if row is None:
        raise NotInitializedError('Cơ sở dữ liệu chưa có tỉnh. Hãy chạy "tcxd init" trước.')
    return dict(row)


ALIASES_KEY = "vocab_aliases"


def _store_aliases(conn: Connection, aliases: dict) -> None:
    """The config's vocabulary spellings, kept in the meta table (replaced by a later init)."""
    meta = META
    conn.execute(meta.delete().where(meta.c.key == ALIASES_KEY))
    conn.execute(
        insert(meta).values(key=ALIASES_KEY, value=json.dumps(aliases, ensure_ascii=False))
    )


def province_aliases(engine: Engine) -> dict:
    """The vocabulary spellings the province config added at `tcxd init` ({} when none)."""
    meta = META
    with engine.connect() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == ALIASES_KEY)).scalar()
    return json.loads(value) if value else {}
