"""Typer's own words in Vietnamese: help panels, value labels, usage lines and usage errors.

Typer has no setting for most of these; its display functions are replaced here, in one place,
when this module is imported (by `tcxd.cli.app`, before the app is built).
"""

from __future__ import annotations

import typer.rich_utils as rich_utils

# Typer's own help words, in Vietnamese like the rest.
rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
rich_utils.DEFAULT_STRING = "[mặc định: {}]"
rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
rich_utils.ABORTED_TEXT = "Đã dừng."


def _vietnamese_help_words() -> None:
    """Typer hard-codes two English phrases in its vendored Click; say them in Vietnamese."""
    from typer._click import core, formatting

    write_usage = formatting.HelpFormatter.write_usage
    get_help_option = core.Command.get_help_option

    def write_usage_vi(self, prog, args="", prefix=None):
        write_usage(self, prog, args, "Cách dùng: " if prefix is None else prefix)

    def get_help_option_vi(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = "In hướng dẫn này rồi thoát."
        return option

    # Typer offers no hook for these: its methods are replaced, deliberately.
    formatting.HelpFormatter.write_usage = write_usage_vi  # type: ignore[method-assign]
    core.Command.get_help_option = get_help_option_vi  # type: ignore[method-assign]


_vietnamese_help_words()


# What the help shows for an option's value, by option (and, where it differs, by command):
# Typer would print the Python type (<str>, <list[Path]>, <int range> [x>=10]).
_VALUE_LABELS = {
    "paths": "TỆP…", "out_dir": "THƯ MỤC", "config": "TỆP", "rules": "TỆP", "out_file": "TỆP",
    "db": "TỆP", "to": "ĐỊA CHỈ", "province": "TÊN", "district": "TÊN", "place_name": "ĐỊA DANH",
    "unit": "ĐƠN VỊ", "kind": "LOẠI", "as_of": "NGÀY", "birth": "NGÀY", "period": "KỲ",
    "year": "NĂM", "quarter": "QUÝ", "fmt": "DẠNG", "card": "SỐ THẺ", "member": "SỐ THẺ",
    "name": "HỌ TÊN", "row": "DÒNG", "members": "SỐ", "seed": "SỐ", "districts": "SỐ",
}  # fmt: skip
_VALUE_LABELS_OF_COMMAND: dict[tuple[str | None, str | None], str] = {
    ("report", "out_dir"): "THƯ MỤC"
}


def _vietnamese_value_labels() -> None:
    """Help names every option's value in Vietnamese ("TỆP…", "NĂM") and a range as "1–4" or
    "≥ 10"; the usage line says "[TÙY CHỌN]". Typer has no setting for these: its display
    functions are replaced here, in one place."""
    from typer import core
    from typer._click import core as click_core

    def label(param, command: str | None) -> str:
        found = _VALUE_LABELS_OF_COMMAND.get((command, param.name)) or _VALUE_LABELS.get(param.name)
        if found is None:
            annotation = param.type_descriptor.annotation
            found = "SỐ" if annotation in (int, float) else "CHỮ"
        many = getattr(param, "multiple", False) and not found.endswith("…")
        return found + ("…" if many else "")

    def display_type(self, ctx):
        if getattr(self, "is_flag", False) or isinstance(self, core.TyperArgument):
            return None  # a flag takes no value; an argument's name column already says it
        if self.type_descriptor.is_choice:
            return original_display_type(self, ctx)
        return label(self, ctx.info_name if ctx else None)

    def argument_init(self, *args, **kwargs):
        argument_init_of_typer(self, *args, **kwargs)
        if self.metavar is None:  # an argument's name in the help and in error messages
            self.metavar = label(self, None)

    def usage_display_name(self):
        shown = label(self, None)
        return shown if self.required else f"[{shown}]"

    def describe_range(low, high):
        if low is None and high is None:
            return None
        if low is None:
            return f"≤ {high}"
        if high is None:
            return f"≥ {low}"
        return f"{low}–{high}"

    def usage_pieces(self, ctx):
        pieces = collect_usage_pieces(self, ctx)
        return ["[TÙY CHỌN]" if piece == "[OPTIONS]" else piece for piece in pieces]

    def group_usage_pieces(self, ctx):
        pieces = collect_group_usage_pieces(self, ctx)
        return ["LỆNH [THAM SỐ]…" if p == "COMMAND [ARGS]..." else p for p in pieces]

    original_display_type = core._TyperParameter.display_type
    argument_init_of_typer = core.TyperArgument.__init__
    collect_usage_pieces = click_core.Command.collect_usage_pieces
    collect_group_usage_pieces = core.TyperGroup.collect_usage_pieces
    # Typer offers no setting for these: its methods are replaced, deliberately.
    core._TyperParameter.display_type = display_type  # type: ignore[method-assign]
    core.TyperArgument.__init__ = argument_init  # type: ignore[method-assign]
    core.TyperArgument._usage_display_name = usage_display_name  # type: ignore[method-assign]
    core.describe_number_range = describe_range
    click_core.Command.collect_usage_pieces = usage_pieces  # type: ignore[method-assign]
    core.TyperGroup.collect_usage_pieces = group_usage_pieces  # type: ignore[method-assign]


_vietnamese_value_labels()


# Typer's usage errors are English; these are the ones a clerk meets.
_USAGE_WORDS = (
    ("Missing option", "Thiếu tùy chọn"),
    ("Missing argument", "Thiếu tham số"),
    ("No such option:", "Không có tùy chọn"),
    ("No such command", "Không có lệnh"),
    ("Invalid value for", "Giá trị không hợp lệ cho"),
    ("Got unexpected extra arguments", "Thừa các tham số"),
    ("Got unexpected extra argument", "Thừa tham số"),
    ("Option", "Tùy chọn"),
    ("requires an argument", "cần một giá trị"),
    ("is not a valid integer", "không phải số nguyên"),
    ("Input should be a valid integer, unable to parse string as an integer", "cần một số nguyên"),
    ("is not in the range", "nằm ngoài khoảng"),
    ("Input should be greater than or equal to", "cần lớn hơn hoặc bằng"),
    ("Input should be less than or equal to", "cần nhỏ hơn hoặc bằng"),
    ("Did you mean", "Có phải ý bạn là"),
)


def vietnamese_usage(message: str) -> str:
    for english, vietnamese in _USAGE_WORDS:
        message = message.replace(english, vietnamese)
    return message
