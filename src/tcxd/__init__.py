"""tcxd: import, classify and report party membership data for a Ban Tổ chức."""

__version__ = "0.1.0"
