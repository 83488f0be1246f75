"""Placeholder for the `coach studio` command (being written)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("studio", help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    print("coach studio: not yet available")
    return 2
