"""``python -m coach`` runs the command-line interface."""

import sys

from coach.cli.main import main

sys.exit(main())
