"""A report a board can read, in Markdown or HTML: totals, then every message that needs a look."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from typing import IO, Literal

from coach.screen.model import ScreenResult, ScreenVerdict
from coach.screen.summary import Summary
from coach.screen.writers import AtomicFile

BoardFormat = Literal["markdown", "html"]
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.75rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.verdict-block { color: #a40000; font-weight: bold; }
.verdict-review { color: #8a5a00; font-weight: bold; }
.verdict-error { color: #555; font-weight: bold; }
blockquote { margin: 0.25rem 0; padding-left: 0.75rem; border-left: 3px solid #ccc; }
""".strip()


def board_format(path: str) -> BoardFormat:
    return "html" if Path(path).suffix.lower() in (".html", ".htm") else "markdown"


def _md(text: object) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _h(text: object) -> str:
    return html.escape(str(text))


OBFUSCATED_NOTE = ("Obfuscated: {count:,} message(s) hid flagged words with invisible characters, "
                   "look-alike letters, digits or spaced-out letters.")
OBFUSCATED_ENTRY = "yes: flagged words were written to slip past a filter"

#: The count tables of the board report: (heading, summary key, first column).
_COUNT_SECTIONS = (
    ("Flags per category", "categories", "Category"),
    ("Flags per rule", "rules", "Rule"),
    ("Top senders by flags", "top_senders", "Sender"),
    ("Top sources by flags", "top_sources", "Source"),
)

class BoardReport:
    """Collects the messages needing attention while the run goes, writes the file at the end."""

    def __init__(self, target: str):
        self.target = target
        self.format = board_format(target)
        # Opened now, so that an unwritable target is known before any message is screened.
        self._file = AtomicFile(target)
        try:
            # Entries are kept on disk, not in memory: a big mailbox can have many of them.
            self._attention: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
            self._errors: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        except BaseException:
            self._file.discard()
            raise
        self._attention_count = 0
        self._error_count = 0

    def add(self, result: ScreenResult) -> None:
        if result.verdict is ScreenVerdict.ERROR:
            self._error_count += 1
            self._errors.write(self._error_entry(result))
        elif result.verdict.needs_attention:
            self._attention_count += 1
            self._attention.write(self._attention_entry(result, self._attention_count))

    def discard(self) -> None:
        self._attention.close()
        self._errors.close()
        self._file.discard()

    def finish(self, summary: Summary) -> None:
        try:
            if self.format == "html":
                self._write_html(self._file.stream, summary)
            else:
                self._write_markdown(self._file.stream, summary)
        except BaseException:
            self.discard()
            raise
        self._file.commit()
        self.discard()

    # -- entries
    def _attention_entry(self, result: ScreenResult, number: int) -> str:
        first = result.first
        if self.format == "html":
            rows = [("Source", result.source), ("Sender", result.sender), ("Subject", result.subject),
                    ("Categories", ", ".join(result.categories)), ("Why", result.reason),
                    ("Obfuscated", OBFUSCATED_ENTRY if result.obfuscated else None)]
            body = "".join(f"<tr><th>{k}</th><td>{_h(v)}</td></tr>" for k, v in rows if v)
            found = ""
            if first:
                found = (f"<blockquote>{_h(first.text)}</blockquote><p>{_h(first.message)} "
                         f"<small>({_h(first.rule)}, {_h(first.category)}, {_h(first.severity)}, "
                         f"line {first.line})</small></p>")
            verdict = result.verdict.value
            return (f'<h3>{number}. <span class="verdict-{verdict}">{verdict.upper()}</span> '
                    f"<code>{_h(result.id)}</code></h3>\n<table>{body}</table>{found}\n")
        lines = [f"### {number}. {result.verdict.value.upper()}: `{result.id.replace('`', chr(39))}`", ""]
        for label, value in (("Source", result.source), ("Sender", result.sender),
                             ("Subject", result.subject), ("Categories", ", ".join(result.categories)),
                             ("Why", result.reason),
                             ("Obfuscated", OBFUSCATED_ENTRY if result.obfuscated else None)):
            if value:
                lines.append(f"- **{label}:** {_md(value)}")
        if first:
            lines.append(f"- **Found:** “{_md(first.text)}”: {_md(first.message)} "
                         f"({_md(first.rule)}, {first.severity}, line {first.line})")
        return "\n".join(lines) + "\n\n"

    def _error_entry(self, result: ScreenResult) -> str:
        if self.format == "html":
            return f"<tr><td><code>{_h(result.source)}</code></td><td>{_h(result.reason)}</td></tr>\n"
        return f"| {_md(result.source)} | {_md(result.reason)} |\n"

    # -- documents
    def _write_markdown(self, out: IO[str], summary: Summary) -> None:
        data = summary.to_dict()
        out.write("# Screening report\n\n")
        if summary.interrupted:
            out.write("**The run was interrupted: these are partial results.**\n\n")
        out.write(f"{data['messages']:,} messages from {data['sources']:,} source(s), screened with "
                  f"{_md(summary.policy or 'the built-in defaults')}.\n\n")
        out.write("## Messages per verdict\n\n| Verdict | Messages |\n| --- | ---: |\n")
        for verdict, count in data["verdicts"].items():
            out.write(f"| {verdict} | {count:,} |\n")
        for title, key, what in _COUNT_SECTIONS:
            out.write(f"\n## {title}\n\n")
            if not data[key]:
                out.write("None.\n")
                continue
            out.write(f"| {what} | Flags |\n| --- | ---: |\n")
            for name, count in data[key].items():
                out.write(f"| {_md(name)} | {count:,} |\n")
        if data["set_aside_lines"]:
            out.write(f"\nQuoted replies and signatures set aside: {data['set_aside_lines']:,} lines in "
                      f"{data['set_aside_messages']:,} message(s).\n")
        if data["obfuscated"]:
            out.write(f"\n**{OBFUSCATED_NOTE.format(count=data['obfuscated'])}**\n")
        out.write(f"\n## Messages needing attention ({self._attention_count:,})\n\n")
        if not self._attention_count:
            out.write("None.\n\n")
        _copy(self._attention, out)
        out.write(f"## Messages that could not be read ({self._error_count:,})\n\n")
        if self._error_count:
            out.write("| Source | Reason |\n| --- | --- |\n")
            _copy(self._errors, out)
        else:
            out.write("None.\n")

    def _write_html(self, out: IO[str], summary: Summary) -> None:
        data = summary.to_dict()
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  f"<title>Screening report</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
                  "<h1>Screening report</h1>\n")
        if summary.interrupted:
            out.write("<p><strong>The run was interrupted: these are partial results.</strong></p>\n")
        out.write(f"<p>{data['messages']:,} messages from {data['sources']:,} source(s), screened with "
                  f"{_h(summary.policy or 'the built-in defaults')}.</p>\n")
        out.write("<h2>Messages per verdict</h2>\n<table><tr><th>Verdict</th><th>Messages</th></tr>\n")
        for verdict, count in data["verdicts"].items():
            out.write(f'<tr><td class="verdict-{verdict}">{verdict}</td><td class="n">{count:,}</td></tr>\n')
        out.write("</table>\n")
        for title, key, what in _COUNT_SECTIONS:
            out.write(f"<h2>{title}</h2>\n")
            if not data[key]:
                out.write("<p>None.</p>\n")
                continue
            out.write(f"<table><tr><th>{what}</th><th>Flags</th></tr>\n")
            for name, count in data[key].items():
                out.write(f'<tr><td>{_h(name)}</td><td class="n">{count:,}</td></tr>\n')
            out.write("</table>\n")
        if data["set_aside_lines"]:
            out.write(f"<p>Quoted replies and signatures set aside: {data['set_aside_lines']:,} lines in "
                      f"{data['set_aside_messages']:,} message(s).</p>\n")
        if data["obfuscated"]:
            out.write(f"<p><strong>{_h(OBFUSCATED_NOTE.format(count=data['obfuscated']))}</strong></p>\n")
        out.write(f"<h2>Messages needing attention ({self._attention_count:,})</h2>\n")
        if not self._attention_count:
            out.write("<p>None.</p>\n")
        _copy(self._attention, out)
        out.write(f"<h2>Messages that could not be read ({self._error_count:,})</h2>\n")
        if self._error_count:
            out.write("<table><tr><th>Source</th><th>Reason</th></tr>\n")
            _copy(self._errors, out)
            out.write("</table>\n")
        else:
            out.write("<p>None.</p>\n")
        out.write("</body>\n</html>\n")


def _copy(spool: IO[str], out: IO[str]) -> None:
    spool.flush()
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        out.write(chunk)
