"""The prose of an editor's document: markup and mail headers blanked out, every offset kept.

Findings must land where the words are, so nothing is removed: what is not prose (a code block, a
link's address, a header line) becomes spaces, line breaks stay. Plain text passes unchanged, so a
``.txt`` file gets exactly the findings ``coach check`` prints for it.
"""

from __future__ import annotations

import re

MARKDOWN_IDS = frozenset({"markdown", "md", "mdx"})
MAIL_IDS = frozenset({"mail", "email", "eml"})

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?\2[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?^(?:---|\.\.\.)[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)[^`\n](?:.*?[^`\n])?\1(?!`)")
_LINK_TARGET = re.compile(r"(?<=\])\([^)\n]*\)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[^\n]*$", re.MULTILINE)
_AUTOLINK_OR_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*|/?[a-zA-Z][^>\n]*)>|<!--.*?-->", re.DOTALL)
_BARE_URL = re.compile(r"\bhttps?://\S+")

_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_SUBJECT = re.compile(r"^subject:[ \t]*", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)


def prose_of(text: str, language_id: str | None) -> str:
    """The text to analyse for a document of this LSP language id: same length, same line breaks."""
    kind = (language_id or "").lower()
    if kind in MARKDOWN_IDS:
        return markdown_prose(text)
    if kind in MAIL_IDS:
        return mail_prose(text)
    return text


def markdown_prose(text: str) -> str:
    chars = list(text)
    for pattern in (_FRONT_MATTER, _FENCE, _REFERENCE_DEFINITION, _AUTOLINK_OR_TAG, _INLINE_CODE, _LINK_TARGET, _BARE_URL):
        for match in pattern.finditer(text):
            _blank(chars, match.start(), match.end())
    return "".join(chars)


def mail_prose(text: str) -> str:
    """A mail draft: the header block at the top (but the subject's words) and the signature go."""
    chars = list(text)
    offset = 0
    if _HEADER_LINE.match(text):
        in_subject = False
        for line in text.splitlines(keepends=True):
            if not line.strip():
                break
            if line[:1] in " \t":
                # A folded header line continues the one above: words only when that is the subject.
                if not in_subject:
                    _blank(chars, offset, offset + len(line))
            else:
                subject = _SUBJECT.match(line)
                in_subject = subject is not None
                _blank(chars, offset, offset + (subject.end() if subject else len(line)))
            offset += len(line)
    signature = _SIGNATURE.search(text, offset)
    if signature:
        _blank(chars, signature.start(), len(text))
    return "".join(chars)


def _blank(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if chars[index] not in "\r\n":
            chars[index] = " "
