"""postcheck: a pre-posting compliance checker for NHS staff."""

__version__ = "0.1.0"
