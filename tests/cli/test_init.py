import os
import stat

from sqlalchemy import create_engine, text

from tcxd.core.settings import sqlite_path

PROVINCE = "Tỉnh ủy Bình Minh"


def _rows(db_url, sql):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).fetchall()
    engine.dispose()
    return rows


def test_init_creates_province_and_districts(tcxd, db_url):
    result = tcxd("init", "--province", PROVINCE, "--district", "Đảng bộ xã Phú An",
                  "--district", "Đảng bộ phường An Lạc", "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Đã tạo cơ sở dữ liệu cho {PROVINCE}" in result.stdout
    assert "Thêm 2 đảng bộ cấp trên cơ sở." in result.stdout
    orgs = _rows(db_url, "SELECT name, org_type FROM organization ORDER BY id")
    assert orgs == [
        (PROVINCE, "province"),
        ("Đảng bộ xã Phú An", "district"),
        ("Đảng bộ phường An Lạc", "district"),
    ]
    path = sqlite_path(db_url)
    if path:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_init_again_is_harmless_and_adds_new_districts(tcxd, db_url):
    tcxd("init", "--province", PROVINCE, "--district", "Đảng bộ xã Phú An", "--db", db_url)
    result = tcxd("init", "--province", "tỉnh ủy bình minh", "--district", "ĐẢNG BỘ XÃ PHÚ AN",
                  "--district", "Đảng bộ xã Mới", "--db", db_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Đã có sẵn cơ sở dữ liệu" in result.stdout
    assert "1 đảng bộ cấp trên cơ sở đã có từ trước." in result.stdout
    assert _rows(db_url, "SELECT COUNT(*) FROM organization")[0][0] == 3


def test_init_with_another_province_is_refused(tcxd, db_url):
    tcxd("init", "--province", PROVINCE, "--db", db_url)
    result = tcxd("init", "--province", "Tỉnh ủy Khác", "--db", db_url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f'Lỗi: Cơ sở dữ liệu này thuộc "{PROVINCE}", không phải')
    assert "Traceback" not in result.output
    assert _rows(db_url, "SELECT name FROM province") == [(PROVINCE,)]


def test_init_from_config_file(tcxd, db_url, tmp_path):
    config = tmp_path / "tinh.yaml"
    config.write_text(
        "province: Tỉnh ủy Bình Minh\nplace: Bình Minh\n"
        "districts:\n  - name: Đảng bộ xã Phú An\n    kind_of_place: Xã\n"
        "signers:\n  preparer: {title: NGƯỜI LẬP BIỂU, name: Nguyễn Văn A}\n"
        "  signer: {title: TRƯỞNG BAN, name: Trần Thị B}\n",
        encoding="utf-8",
    )
    result = tcxd("init", "--config", config, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert _rows(db_url, "SELECT place_name, signer_title, signer_name FROM province") == [
        ("Bình Minh", "TRƯỞNG BAN", "Trần Thị B")
    ]
    assert _rows(db_url, "SELECT kind_of_place FROM organization WHERE org_type='district'") == [
        ("xa",)
    ]


def test_bad_config_key_is_named(tcxd, tmp_path):
    config = tmp_path / "tinh.yaml"
    config.write_text("province: X\nsigners:\n  signer: {boss: Y}\n", encoding="utf-8")
    result = tcxd("init", "--config", config, "--db", tmp_path / "x.db")
    assert result.exit_code == 2
    assert 'khóa không hợp lệ "signers.signer.boss"' in result.stderr


def test_init_without_province_says_what_is_needed(tcxd, tmp_path):
    result = tcxd("init", "--db", tmp_path / "x.db")
    assert result.exit_code == 2
    assert result.stderr == 'Lỗi: Cần --province "Tên tỉnh ủy" hoặc --config tinh.yaml.\n'


def test_debug_shows_a_traceback_only_when_asked(tcxd, tmp_path, monkeypatch):
    from tcxd.db import province as province_module

    def boom(*_args, **_kwargs):
        raise ValueError("secret row data")

    monkeypatch.setattr(province_module, "initialize", boom)
    plain = tcxd("init", "--province", PROVINCE, "--db", tmp_path / "x.db")
    assert plain.exit_code == 1
    assert "Traceback" not in plain.output and "secret row data" not in plain.output
    assert "Lỗi nội bộ của tcxd: ValueError" in plain.stderr
    debug = tcxd("init", "--province", PROVINCE, "--db", tmp_path / "x.db", "--debug")
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr


def test_unknown_option_is_a_usage_error(tcxd):
    result = tcxd("init", "--bogus")
    assert result.exit_code == 2
    assert result.stderr.startswith("Lệnh không đúng:")
