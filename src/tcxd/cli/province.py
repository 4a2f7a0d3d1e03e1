"""Setting up: `tcxd init` (the province's database) and `tcxd sample` (a made-up province)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tcxd.cli.app import HELP_OPTION, DbOption, app, environment, out
from tcxd.core.settings import ProvinceConfig, database_url, load_province_config

# --------------------------------------------------------------------------- init


@app.command("init", context_settings=HELP_OPTION)
def init_command(
    province: Annotated[
        str | None, typer.Option("--province", help='Tên tỉnh ủy, ví dụ "Tỉnh ủy Bình Minh".')
    ] = None,
    district: Annotated[
        list[str] | None,
        typer.Option(
            "--district", help="Tên một đảng bộ cấp trên cơ sở (lặp lại cho nhiều đơn vị)."
        ),
    ] = None,
    place_name: Annotated[
        str | None,
        typer.Option("--place", help='Địa danh ghi ở dòng ngày tháng, ví dụ "Bình Minh".'),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Tệp cấu hình YAML của tỉnh (tên, đơn vị, người ký…)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Tạo cơ sở dữ liệu với tỉnh và các đảng bộ cấp trên cơ sở. Chạy lại không sao."""
    from tcxd.core.errors import UserInputError
    from tcxd.core.settings import DistrictConfig
    from tcxd.db.province import initialize

    if config is not None:
        settings = load_province_config(config)
    elif province:
        settings = ProvinceConfig(
            name=province,
            place_name=place_name,
            districts=[DistrictConfig(name) for name in district or []],
        )
    else:
        raise UserInputError('Cần --province "Tên tỉnh ủy" hoặc --config tinh.yaml.')
    url = database_url(db)
    result = initialize(url, settings, busy_timeout_ms=environment().busy_timeout_ms)
    verb = "Đã tạo" if result.created else "Đã có sẵn"
    out.print(f"{verb} cơ sở dữ liệu cho [bold]{result.province}[/bold] ({_where(url)}).")
    if result.districts_added:
        out.print(f"Thêm {len(result.districts_added)} đảng bộ cấp trên cơ sở.")
    if result.districts_existing:
        out.print(f"{len(result.districts_existing)} đảng bộ cấp trên cơ sở đã có từ trước.")


def _where(url: str) -> str:
    from tcxd.core.settings import sqlite_path

    path = sqlite_path(url)
    return str(path) if path else url.split("@")[-1]


# --------------------------------------------------------------------------- sample


# = tcxd.sample.world.MIN_MEMBERS (not imported here: it would load pandas for every command;
# tests/cli/test_folder_terminal.py checks that the two agree)
SAMPLE_MIN_MEMBERS = 100


@app.command("sample", context_settings=HELP_OPTION)
def sample_command(
    out_dir: Annotated[Path, typer.Argument(help="Thư mục ghi các tệp mẫu.")],
    members: Annotated[
        int, typer.Option("--members", min=SAMPLE_MIN_MEMBERS, help="Số đảng viên.")
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Hạt giống ngẫu nhiên (cùng hạt → cùng dữ liệu).")
    ] = 1,
    districts: Annotated[
        int | None, typer.Option("--districts", min=1, help="Số đảng bộ cấp trên cơ sở.")
    ] = None,
    mess: Annotated[
        bool,
        typer.Option("--mess/--clean", help="Tệp lộn xộn như thực tế (mặc định) hay tệp sạch."),
    ] = True,
) -> None:
    """Sinh một tỉnh mẫu hư cấu: các tệp đơn vị gửi lên và tệp đáp án truth.json."""
    from tcxd.sample import generate

    summary = generate(out_dir, members=members, seed=seed, districts=districts, mess=mess)
    out.print(
        f"Đã sinh tỉnh mẫu: {summary.districts} đảng bộ cấp trên cơ sở, {summary.tccsd} TCCSĐ, "
        f"{summary.members} đảng viên, {summary.files} tệp trong {out_dir}."
    )
