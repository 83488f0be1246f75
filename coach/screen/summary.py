"""Totals of a screening run and their plain-text rendering for the terminal."""

from __future__ import annotations

from collections import Counter
from typing import Any

from coach.screen.model import ScreenResult, ScreenVerdict

TOP = 10


class Summary:
    """Running totals: messages per verdict, flags per category, rule, sender and source."""

    def __init__(self, *, policy: str | None = None):
        self.policy = policy
        self.verdicts: Counter[str] = Counter({v.value: 0 for v in ScreenVerdict})
        self.categories: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.sender_flags: Counter[str] = Counter()
        self.sender_attention: Counter[str] = Counter()
        self.source_flags: Counter[str] = Counter()
        self.source_messages: Counter[str] = Counter()
        self.set_aside_lines = 0
        self.set_aside_messages = 0
        self.allowed = 0
        self.with_warnings = 0
        self.obfuscated = 0
        self.messages = 0
        self.interrupted = False

    def add(self, result: ScreenResult) -> None:
        self.messages += 1
        self.verdicts[result.verdict.value] += 1
        self.categories.update(result.category_counts)
        self.rules.update(result.rule_counts)
        self.source_messages[result.origin] += 1
        if result.flags:
            self.source_flags[result.origin] += result.flags
            if result.sender:
                self.sender_flags[result.sender] += result.flags
        if result.sender and result.verdict in (ScreenVerdict.REVIEW, ScreenVerdict.BLOCK):
            self.sender_attention[result.sender] += 1
        if result.set_aside_lines:
            self.set_aside_lines += result.set_aside_lines
            self.set_aside_messages += 1
        if result.allowed_by:
            self.allowed += 1
        if result.warnings:
            self.with_warnings += 1
        if result.obfuscated:
            self.obfuscated += 1

    @property
    def errors(self) -> int:
        return self.verdicts[ScreenVerdict.ERROR.value]

    @property
    def attention(self) -> int:
        return self.verdicts[ScreenVerdict.REVIEW.value] + self.verdicts[ScreenVerdict.BLOCK.value]

    def exit_code(self) -> int:
        """0 all ok, 1 some review or block, 2 some message could not be read (as ``coach check``)."""
        if self.errors:
            return 2
        return 1 if self.attention else 0

    def to_dict(self) -> dict[str, Any]:
        """A deterministic, JSON-ready copy of the totals."""
        return {
            "messages": self.messages,
            "complete": not self.interrupted,
            "verdicts": {v.value: self.verdicts[v.value] for v in ScreenVerdict},
            "categories": _ranked(self.categories),
            "rules": _ranked(self.rules),
            "top_senders": _ranked(self.sender_flags, TOP),
            "top_sources": _ranked(self.source_flags, TOP),
            "sources": len(self.source_messages),
            "set_aside_lines": self.set_aside_lines,
            "set_aside_messages": self.set_aside_messages,
            "allowed": self.allowed,
            "with_warnings": self.with_warnings,
            "obfuscated": self.obfuscated,
        }


def _ranked(counter: Counter[str], limit: int | None = None) -> dict[str, int]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(items[:limit] if limit else items)


def _table(rows: list[tuple[str, str]], indent: str = "  ") -> list[str]:
    if not rows:
        return [indent + "(none)"]
    width = max(len(label) for label, _ in rows)
    return [f"{indent}{label.ljust(width)}  {value}" for label, value in rows]


def render_summary(summary: Summary) -> list[str]:
    """The summary for the terminal, as plain lines."""
    data = summary.to_dict()
    head = "Screening interrupted" if summary.interrupted else "Screened"
    policy = summary.policy or "built-in defaults (the engine's verdicts)"
    lines = [
        f"{head}: {_count(summary.messages, 'message')} from {_count(data['sources'], 'source')}; policy: {policy}",
        "",
        "Messages per verdict:",
    ]
    width = max(len(f"{n:,}") for n in data["verdicts"].values())
    lines += [f"  {verdict:<7} {count:>{width},}" for verdict, count in data["verdicts"].items()]
    if summary.allowed:
        lines.append(f"  ({summary.allowed:,} let through by the policy's allowlist)")
    lines += ["", "Flags per category:"]
    lines += _table([(k, f"{v:,}") for k, v in data["categories"].items()])
    lines += ["", "Flags per rule:"]
    lines += _table([(k, f"{v:,}") for k, v in list(data["rules"].items())[:TOP * 2]])
    if len(data["rules"]) > TOP * 2:
        lines.append(f"  ... and {len(data['rules']) - TOP * 2} more rules (see the report)")
    lines += ["", "Top senders by flags:"]
    lines += _table([
        (sender, f"{_count(flags, 'flag')}, {_count(summary.sender_attention[sender], 'message')} to look at")
        for sender, flags in data["top_senders"].items()
    ])
    lines += ["", "Top sources by flags:"]
    lines += _table([
        (source, f"{_count(flags, 'flag')} in {_count(summary.source_messages[source], 'message')}")
        for source, flags in data["top_sources"].items()
    ])
    if summary.set_aside_lines:
        lines += ["", f"Quoted replies and signatures set aside: {summary.set_aside_lines:,} lines "
                      f"in {summary.set_aside_messages:,} message(s)"]
    if summary.obfuscated:
        lines += ["", f"Obfuscated: {_count(summary.obfuscated, 'message')} hid flagged words with invisible "
                      "characters, look-alike letters, digits or spaced-out letters (coach check --explain shows how)"]
    if summary.with_warnings:
        lines += [f"Read with a warning (e.g. invalid UTF-8 replaced): {summary.with_warnings:,} message(s)"]
    if summary.errors:
        lines += [f"Could not be read or screened: {summary.errors:,} message(s), listed as 'error'"]
    return lines


def attention_line(result: ScreenResult) -> str:
    """One line for a message that needs a look: verdict, where, what."""
    where = result.source if result.id == result.source else f"{result.source}  {result.id}"
    if result.verdict is ScreenVerdict.ERROR:
        return f"ERROR   {where}  {result.reason}"
    parts = [f"{result.verdict.value.upper():<7} {where}"]
    if result.sender:
        parts.append(f"from {result.sender}")
    what = ", ".join(result.categories) or "-"
    if result.first:
        excerpt = _excerpt(result.first.text)
        what += f': "{excerpt}" ({result.first.rule}, {result.first.severity}, line {result.first.line})'
    if result.obfuscated:
        what += "  [obfuscated]"
    parts.append(what)
    return "  ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _excerpt(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
