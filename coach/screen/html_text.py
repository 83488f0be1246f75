"""Turn the HTML part of a mail into plain text with the standard library; quotes keep a "> " mark."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
})
# These start a new paragraph (a blank line); other blocks (div, li, tr) just a new line.
_PARAGRAPH_TAGS = frozenset({
    "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul",
})
_SKIPPED_TAGS = frozenset({"head", "script", "style", "title", "template", "noscript"})
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base"})
# Mailers wrap the quoted original in these instead of (or around) a <blockquote>.
_QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self._quote_depth = 0
        self._pre_depth = 0
        # For each open element: did it open a quote? (closing tags pop it)
        self._open: list[tuple[str, bool]] = []

    # -- structure
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
            return
        if tag == "br":
            self._break()
            return
        if tag in _VOID_TAGS:
            if tag == "hr":
                self._break()
            return
        if tag in _BLOCK_TAGS:
            self._break(paragraph=tag in _PARAGRAPH_TAGS)
        classes = " ".join(value or "" for name, value in attrs if name == "class")
        quotes = tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES)
        if quotes:
            self._quote_depth += 1
        if tag == "pre":
            self._pre_depth += 1
        if tag == "li":
            self._current.append("- ")
        self._open.append((tag, quotes))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag in _VOID_TAGS:
            return
        # Close up to the matching open tag; sloppy mail HTML leaves tags unclosed.
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position][0] == tag:
                for open_tag, quoted in reversed(self._open[position:]):
                    if open_tag in _BLOCK_TAGS or quoted:
                        self._break(paragraph=open_tag in _PARAGRAPH_TAGS)
                    if quoted:
                        self._quote_depth -= 1
                    if open_tag == "pre":
                        self._pre_depth -= 1
                del self._open[position:]
                break
        if tag in ("td", "th"):
            self._current.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            parts = data.split("\n")
            for part in parts[:-1]:
                self._current.append(part)
                self._break(force=True)
            self._current.append(parts[-1])
        else:
            self._current.append(_SPACES.sub(" ", data))

    # -- lines
    def _break(self, force: bool = False, paragraph: bool = False) -> None:
        text = "".join(self._current).strip() if not self._pre_depth else "".join(self._current)
        self._current = []
        if text or force:
            self.lines.append("> " * self._quote_depth + text)
        if paragraph and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        self._break()
        lines: list[str] = []
        for line in self.lines:
            if line == "" and (not lines or lines[-1] == ""):
                continue
            lines.append(line)
        return "\n".join(lines).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text of an HTML document: blocks become lines, quoted blocks start with "> "."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.text()
