"""The engine is headless: analysing a text never imports the TUI toolkit."""

import subprocess
import sys


def test_engine_imports_no_textual():
    code = (
        "import sys, coach; coach.analyze('Bel me voor een offerte, 20% korting!');"
        "import coach.cli.check, coach.render;"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
