"""Placeholder for the `coach screen` command (being written)."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("screen", help="(not yet available)")


def run(args: argparse.Namespace) -> int:
    print("coach screen: not yet available")
    return 2
