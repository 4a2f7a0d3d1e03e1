"""Where the database is, and the province config file (`tcxd init --config tinh.yaml`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tcxd.errors import ConfigError
from tcxd.vocab import parse_aliases

DEFAULT_DB = "tcxd.db"
DB_ENV = "TCXD_DB"


def database_url(db: str | None = None, environ: dict[str, str] | None = None) -> str:
    """`--db`, else `TCXD_DB`, else ./tcxd.db; a path becomes a SQLite URL."""
    environ = os.environ if environ is None else environ
    value = db or environ.get(DB_ENV) or DEFAULT_DB
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) else None


@dataclass
class DistrictConfig:
    name: str
    kind_of_place: str | None = None
    code: str | None = None


@dataclass
class ProvinceConfig:
    name: str
    place_name: str | None = None
    districts: list[DistrictConfig] = field(default_factory=list)
    issuing_body: str = "BAN TỔ CHỨC"
    preparer_name: str | None = None
    signer_title: str = "T/M BAN THƯỜNG VỤ"
    signer_name: str | None = None
    rules_file: str | None = None
    aliases: dict = field(default_factory=dict)  # vocabulary spellings (vocab.parse_aliases)


_KNOWN_KEYS = {"province", "place", "districts", "issuing_body", "signers", "rules_file", "aliases"}
_SIGNER_KEYS = {"preparer": {"title", "name"}, "signer": {"title", "role", "name"}}


def load_province_config(path: Path) -> ProvinceConfig:
    """Read a province config (YAML, see docs/config.md); every problem names the file and key."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f'Không tìm thấy tệp cấu hình "{path}".') from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f'Tệp cấu hình "{path}" không đọc được (cần YAML, mã UTF-8).') from exc
    if not isinstance(data, dict):
        raise ConfigError(f'Tệp cấu hình "{path}" phải là một bảng khóa: giá trị (YAML).')
    _check_keys(path, data, _KNOWN_KEYS, "")
    name = data.get("province")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'Tệp cấu hình "{path}": thiếu khóa "province" (tên tỉnh ủy).')
    districts = []
    for index, entry in enumerate(data.get("districts") or [], start=1):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise ConfigError(f'Tệp cấu hình "{path}": "districts" mục {index} thiếu "name".')
        districts.append(
            DistrictConfig(entry["name"], entry.get("kind_of_place"), entry.get("code"))
        )
    signers = data.get("signers") or {}
    _check_keys(path, signers, set(_SIGNER_KEYS), "signers.")
    for role, keys in _SIGNER_KEYS.items():
        _check_keys(path, signers.get(role) or {}, keys, f"signers.{role}.")
    preparer, signer = signers.get("preparer") or {}, signers.get("signer") or {}
    title = signer.get("title") or "T/M BAN THƯỜNG VỤ"
    if signer.get("role"):
        title = f"{title}\n{signer['role']}"
    try:
        aliases = parse_aliases(data.get("aliases") or {})
    except ValueError as exc:
        raise ConfigError(f'Tệp cấu hình "{path}": "aliases" {exc}.') from None
    return ProvinceConfig(
        aliases=aliases,
        name=name.strip(),
        place_name=data.get("place"),
        districts=districts,
        issuing_body=data.get("issuing_body") or "BAN TỔ CHỨC",
        preparer_name=preparer.get("name"),
        signer_title=title,
        signer_name=signer.get("name"),
        rules_file=data.get("rules_file"),
    )


def _check_keys(path: Path, data, allowed: set[str], prefix: str) -> None:
    if not isinstance(data, dict):
        raise ConfigError(f'Tệp cấu hình "{path}": "{prefix.rstrip(".")}" phải là một bảng khóa.')
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f'Tệp cấu hình "{path}": khóa không hợp lệ "{prefix}{unknown[0]}".')
