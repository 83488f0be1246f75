"""Without the serve or lsp extra, `coach serve` and `coach lsp` say how to install it, in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCK_AND_RUN = (
    "import sys; sys.modules[{module!r}] = None; "
    "from coach.cli.main import main; sys.exit(main({argv!r}))"
)


@pytest.mark.parametrize("argv, module, extra", [
    (["serve", "--port", "0"], "textual_serve", "serve"),
    (["lsp"], "pygls", "lsp"),
])
def test_missing_extra_is_one_line_and_exit_2(argv, module, extra):
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN.format(module=module, argv=argv)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"coach: coach {argv[0]} needs the {extra} extra ({module} is missing): pip install 'coach[{extra}]'\n"
    )
