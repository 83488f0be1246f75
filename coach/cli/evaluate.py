"""``coach eval``: score coach against labelled messages (JSONL), per language and category."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from coach.cli.options import error_line
from coach.errors import CoachError
from coach.report import FLAG_CATEGORIES

if TYPE_CHECKING:
    from coach.evaluation import Evaluation


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="measure precision and recall on labelled messages (JSONL)",
        description=(
            "Analyse every labelled message and print, per language and category, document-level "
            "precision/recall/F1 (does the report carry a flag of that category), span-overlap F1 "
            "and the false-positive rate on clean messages. Flags are findings at warning or above; "
            "info notes do not count. The corpus format is described in the README."
        ),
    )
    parser.add_argument("corpus", nargs="+", metavar="CORPUS.jsonl", help="labelled messages, one JSON object per line")
    parser.add_argument("--split", help="only items whose 'split' field has this value (e.g. dev, test)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--show-errors", action="store_true", help="list every miss and false alarm with its id")


def run(args: argparse.Namespace) -> int:
    from coach.engine import default_engine  # spaCy loads only when a command needs it
    from coach.evaluation import evaluate, read_corpus

    try:
        items = list(read_corpus(args.corpus, args.split))
    except CoachError as exc:
        error_line(str(exc))
        return 2
    if not items:
        error_line(f"no items{' in split ' + repr(args.split) if args.split else ''} in {', '.join(args.corpus)}")
        return 2
    console = Console(stderr=True)
    with console.status(f"analysing {len(items)} labelled messages…", spinner="dots"):
        result = evaluate(items, default_engine())
    if args.format == "json":
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(result, Console(highlight=False), args.show_errors)
    return 0


def print_table(result: "Evaluation", console: Console, show_errors: bool) -> None:
    table = Table(title="coach eval — documents (P, R, F1) and span overlap", show_lines=False)
    table.add_column("lang")
    table.add_column("category", no_wrap=True, min_width=17)
    for column in ("P", "R", "F1", "span F1", "tp", "fp", "fn"):
        table.add_column(column, justify="right", no_wrap=True)
    for lang in result.languages():
        for category in FLAG_CATEGORIES:
            doc = result.documents[(lang, category.value)]
            span = result.spans[(lang, category.value)]
            table.add_row(lang, category.value, f"{doc.precision:.3f}", f"{doc.recall:.3f}", f"{doc.f1:.3f}",
                          f"{span.f1:.3f}", str(doc.tp), str(doc.fp), str(doc.fn))
    console.print(table)
    for lang in result.languages():
        total, flagged = result.clean.get(lang, [0, 0])
        console.print(
            f"{lang}: {result.items[lang]} items; false-positive rate on clean texts "
            f"{result.fp_rate(lang):.1%} ({flagged} of {total})"
        )
    if show_errors:
        for case in result.errors:
            console.print(f"  {case.kind:11} {case.id:10} {case.category:18} {case.detail}")
    elif result.errors:
        console.print(f"[dim]{len(result.errors)} misses and false alarms; --show-errors lists them[/]")
