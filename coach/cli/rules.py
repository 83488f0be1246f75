"""``coach rules``: list the rules in force, the guidelines, and counts per category."""

from __future__ import annotations

import argparse
from collections import Counter

from rich.console import Console
from rich.table import Table

from coach.cli import exitcodes
from coach.cli.options import error_line
from coach.text import plural
from coach.errors import CoachError
from coach.rules.guidelines import load_catalogue
from coach.rules.rulepack import load_rules


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list the rules and the guideline catalogue",
        description="List the rules in force per language (loading, and so validating, every pack), "
                    "or the guideline catalogue with --guidelines.",
    )
    parser.add_argument("--lang", choices=("nl", "en"), action="append",
                        help="only this language (repeatable; default: both)")
    parser.add_argument("--pack", action="append", default=[], metavar="FILE",
                        help="also load this extra rule pack (repeatable)")
    parser.add_argument("--guidelines", action="store_true", help="list the guideline catalogue instead")
    parser.add_argument("--counts", action="store_true", help="only the number of rules per category")
    parser.add_argument(
        "--lint", action="store_true",
        help="check the word classes and packs for notation that loads but does not mean what it looks "
             "like: alternatives that are one lemma (client|clients) and options the tokenizer reads "
             "as several words (follow-up); exit 1 when there are problems",
    )


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    try:
        if args.guidelines:
            _print_guidelines(console, (args.lang or ["en"])[0])
            return exitcodes.OK
        if args.lint:
            return _lint(console, args.lang or ["nl", "en"], args.pack)
        for lang in args.lang or ["nl", "en"]:
            rules = load_rules(lang, args.pack).rules
            counts = Counter(r.category.value for r in rules)
            summary = ", ".join(f"{c} {n}" for c, n in sorted(counts.items()))
            if args.counts:
                console.print(f"{lang}: {len(rules)} rules ({summary})")
                continue
            table = Table(title=f"{lang}: {len(rules)} rules ({summary})")
            for column in ("id", "kind", "category", "severity", "guidelines"):
                table.add_column(column, no_wrap=column != "guidelines")
            for rule in rules:
                table.add_row(rule.id, rule.kind, rule.category.value, rule.severity.value, " ".join(rule.guidelines))
            console.print(table)
    except CoachError as exc:
        error_line(str(exc))
        return exitcodes.USAGE
    return exitcodes.OK


def _lint(console: Console, langs: list[str], packs: list[str]) -> int:
    from coach.rules.lint import lint_language

    problems = [problem for lang in langs for problem in lint_language(lang, packs)]
    for problem in problems:
        console.print(str(problem), markup=False, soft_wrap=True)
    console.print(f"{plural(len(problems), 'problem')} in {', '.join(langs)}")
    return exitcodes.FINDINGS if problems else exitcodes.OK


def _print_guidelines(console: Console, lang: str) -> None:
    table = Table(title="guidelines", show_lines=True)
    for column in ("id", "family", "title", "explanation"):
        table.add_column(column)
    for guideline in load_catalogue().entries:
        table.add_row(guideline.id, guideline.family, guideline.title[lang], guideline.explanation[lang])
    console.print(table)
