"""Placeholder for a subcommand that is being written."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("rules", help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    print("not yet available")
    return 2
