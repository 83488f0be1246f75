"""``python -m coach`` runs the command-line interface."""

import sys

from coach.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
