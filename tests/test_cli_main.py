"""The top-level guard: an unexpected error is one line on stderr, never a traceback."""
from __future__ import annotations

import sys

import pytest

import rasd.cli as cli


def test_unexpected_error_is_one_line(monkeypatch, capsys):
    def boom() -> None:
        raise ValueError("something broke")

    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.setattr(sys, "argv", ["rasd"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == cli.EXIT_SERVICE
    err = capsys.readouterr().err
    assert "internal error: ValueError: something broke" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
