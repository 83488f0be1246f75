"""``coach eval``: score coach against labelled messages (JSONL), per language, category and group."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from coach.cli import exitcodes
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
    parser.add_argument("corpus", nargs="*", metavar="CORPUS.jsonl", help="labelled messages, one JSON object per line")
    parser.add_argument("--split", help="only items whose 'split' field has this value (e.g. dev, test)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--by", choices=("kind", "source"),
                        help="also print a table per kind of text or per source page: pooled P/R/F1 and false alarms")
    parser.add_argument("--ablate", action="store_true",
                        help="score the rules alone, the trained model alone, and both together")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE.json", "AFTER.json"),
                        help="show the change between two saved runs of 'coach eval --format json' (no corpus needed)")
    parser.add_argument("--show-errors", action="store_true", help="list every miss and false alarm with its id")


def run(args: argparse.Namespace) -> int:
    if args.compare:
        return _compare(*args.compare)
    if not args.corpus:
        error_line("eval needs a labelled corpus (CORPUS.jsonl ...) or --compare BEFORE.json AFTER.json")
        return exitcodes.USAGE
    from coach.engine import default_engine  # spaCy loads only when a command needs it
    from coach.evaluation import SOURCES, evaluate, read_corpus

    try:
        items = list(read_corpus(args.corpus, args.split))
    except CoachError as exc:
        error_line(str(exc))
        return exitcodes.USAGE
    if not items:
        error_line(f"no items{' in split ' + repr(args.split) if args.split else ''} in {', '.join(args.corpus)}")
        return exitcodes.USAGE
    console = Console(stderr=True)
    sources = SOURCES if args.ablate else ("both",)
    results = {}
    with console.status(f"analysing {len(items)} labelled messages…", spinner="dots"):
        for source in sources:
            results[source] = evaluate(items, default_engine(), by=args.by, source=source)
    if args.format == "json":
        payload = results["both"].as_dict()
        if args.ablate:
            payload["ablation"] = {s: {k: v for k, v in r.as_dict().items() if k != "errors"} for s, r in results.items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return exitcodes.OK
    out = Console(highlight=False)
    print_table(results["both"], out, args.show_errors)
    if args.by:
        print_groups(results["both"], out)
    if args.ablate:
        print_ablation(results, out)
    return exitcodes.OK


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
            span_f1 = f"{span.f1:.3f}" if span.tp + span.fp + span.fn else "—"
            table.add_row(lang, category.value, f"{doc.precision:.3f}", f"{doc.recall:.3f}", f"{doc.f1:.3f}",
                          span_f1, str(doc.tp), str(doc.fp), str(doc.fn))
    console.print(table)
    for lang in result.languages():
        total, flagged = result.clean.get(lang, [0, 0])
        console.print(
            f"{lang}: {result.items[lang]} items; macro-F1 {result.macro_f1(lang):.3f}; false-positive rate "
            f"on clean texts {result.fp_rate(lang):.1%} ({flagged} of {total})"
        )
    if show_errors:
        for case in result.errors:
            console.print(f"  {case.kind:11} {case.id:10} {case.category:18} {case.detail}")
    elif result.errors:
        console.print(f"[dim]{len(result.errors)} misses and false alarms; --show-errors lists them[/]")


def print_groups(result: "Evaluation", console: Console) -> None:
    table = Table(title=f"by {result.by} — the three categories pooled")
    table.add_column(result.by, overflow="fold", max_width=60)
    for column in ("items", "P", "R", "F1", "clean", "false alarms"):
        table.add_column(column, justify="right", no_wrap=True)
    for key, group in sorted(result.groups.items()):
        counts = group.counts
        labelled = counts.tp + counts.fn
        table.add_row(
            key, str(group.items), f"{counts.precision:.3f}" if counts.tp + counts.fp else "—",
            f"{counts.recall:.3f}" if labelled else "—", f"{counts.f1:.3f}" if labelled else "—",
            str(group.clean), f"{group.false_alarms} ({group.false_alarms / group.clean:.0%})" if group.clean else "—",
        )
    console.print(table)


def print_ablation(results: "dict[str, Evaluation]", console: Console) -> None:
    table = Table(title="ablation — document F1 per category, macro-F1 and false-positive rate")
    table.add_column("lang")
    table.add_column("findings from")
    for category in FLAG_CATEGORIES:
        table.add_column(category.value, justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_column("FP rate", justify="right")
    first = next(iter(results.values()))
    for lang in first.languages():
        for source, result in results.items():
            table.add_row(
                lang, {"both": "rules + model"}.get(source, source),
                *(f"{result.documents[(lang, c.value)].f1:.3f}" for c in FLAG_CATEGORIES),
                f"{result.macro_f1(lang):.3f}", f"{result.fp_rate(lang):.1%}",
            )
    console.print(table)


def _compare(before_path: str, after_path: str) -> int:
    from coach.evaluation import compare

    runs = []
    for path in (before_path, after_path):
        try:
            runs.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            error_line(f"{path}: cannot be read ({exc.strerror or exc})")
            return exitcodes.USAGE
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            error_line(f"{path}: not a saved 'coach eval --format json' run ({exc})")
            return exitcodes.USAGE
        if not isinstance(runs[-1], dict) or "languages" not in runs[-1]:
            error_line(f"{path}: not a saved 'coach eval --format json' run (no 'languages' key)")
            return exitcodes.USAGE
    table = Table(title=f"change from {before_path} to {after_path}")
    for column in ("lang", "category", "P", "R", "F1", "false alarms"):
        table.add_column(column, justify="left" if column in ("lang", "category") else "right")

    def change(pair, digits=3, percent=False):
        a, b = pair
        if percent:
            return f"{a:.1%} → {b:.1%} ({(b - a) * 100:+.1f} pt)"
        if digits == 0:
            return f"{a} → {b} ({b - a:+d})"
        return f"{a:.{digits}f} → {b:.{digits}f} ({b - a:+.{digits}f})"

    for row in compare(*runs):
        if "rate" in row:
            table.add_row(row["lang"], row["category"], "", "", "", change(row["rate"], percent=True))
        elif "f1" in row:
            table.add_row(row["lang"], row["category"], change(row["precision"]), change(row["recall"]),
                          change(row["f1"]), change(row["fp"], digits=0))
        else:
            table.add_row(row["lang"], row["category"], "", "", "", "")
    Console(highlight=False).print(table)
    return exitcodes.OK
