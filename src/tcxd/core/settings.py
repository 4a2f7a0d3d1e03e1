"""Where the database is, and the province config file (`tcxd init --config tinh.yaml`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tcxd.core.errors import ConfigError
from tcxd.core.vocab import parse_aliases

DEFAULT_DB = "tcxd.db"
DB_ENV = "TCXD_DB"


def database_url(db: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`--db`, else `TCXD_DB` of `environ`, else ./tcxd.db; a path becomes a SQLite URL. The CLI's
    `--db` option already falls back on the process's TCXD_DB (Typer's envvar)."""
    environ = {} if environ is None else environ
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
    except yaml.YAMLError as exc:
        raise ConfigError(f'Tệp cấu hình "{path}"{yaml_error_text(exc)}') from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f'Tệp cấu hình "{path}" không đọc được (cần lưu với mã UTF-8).') from exc
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
    except ConfigError as exc:  # add the file to the vocabulary's words
        raise ConfigError(f'Tệp cấu hình "{path}": "aliases" {exc.message}.') from None
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


# What PyYAML's usual complaints mean to someone editing tinh.yaml in Notepad.
_YAML_PROBLEMS = (
    ("found character '\\t'", "có ký tự Tab; YAML chỉ thụt đầu dòng bằng dấu cách"),
    ("mapping values are not allowed", "dấu hai chấm không đúng chỗ (giá trị có dấu “:” thì để "
     "trong ngoặc kép)"),
    ("could not find expected ':'", "thiếu dấu hai chấm sau tên khóa"),
    ("expected <block end>", "thụt đầu dòng không khớp với các dòng trên"),
    ("found unexpected end of stream", "thiếu dấu ngoặc kép đóng"),
    ("found duplicate anchor", "trùng nhãn YAML (&)"),
    ("found undefined alias", "dùng nhãn YAML (*) chưa khai báo"),
)  # fmt: skip


def yaml_error_text(error: yaml.YAMLError) -> str:
    """Where and what, in Vietnamese: ", dòng 3, cột 1: có ký tự Tab; …" (1-based, as editors
    count), for a message that starts with the file's name."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f", dòng {mark.line + 1}, cột {mark.column + 1}" if mark is not None else ""
    problem = str(getattr(error, "problem", "") or error)
    what = next(
        (vietnamese for english, vietnamese in _YAML_PROBLEMS if english in problem),
        "sai cú pháp YAML (xem lại dấu hai chấm, dấu cách đầu dòng, dấu ngoặc kép)",
    )
    return f"{where}: {what}."
