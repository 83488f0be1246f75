"""Mail: stream an mbox message by message, and turn the bytes of one mail into a Message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import errors as email_errors
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import parseaddr
from typing import BinaryIO

from coach.screen.html_text import html_to_text
from coach.screen.model import Message, RawItem
from coach.screen.quoting import is_reply, set_aside_quotes

#: A larger mail is reported, not held in memory: real mail servers refuse far smaller ones.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_ESCAPED_FROM = re.compile(rb"^>+From ")
_TRUNCATION_DEFECTS = (
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.StartBoundaryNotFoundDefect,
)
_BASE64_DEFECTS = (
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
    email_errors.InvalidBase64PaddingDefect,
)
_MAIL_HEADER_NAMES = re.compile(
    rb"^(received|return-path|message-id|from|date|subject|mime-version|delivered-to|to|"
    rb"x-[a-z0-9-]+|content-type|reply-to):",
    re.IGNORECASE | re.MULTILINE,
)


class UnreadableMessage(Exception):
    """The bytes are not a mail that can be screened; ``str(e)`` says why."""


def looks_like_mail(head: bytes) -> bool:
    """Does this file start like a single mail (headers, not an mbox)?"""
    first_line = head.split(b"\n", 1)[0]
    return bool(_HEADER_LINE.match(first_line)) and len(_MAIL_HEADER_NAMES.findall(head)) >= 2


def read_mbox(stream: BinaryIO, path: str) -> Iterator[RawItem]:
    """One raw item per message; streams line by line, never holding more than one message.

    A ``From `` line starts a message when it follows a blank line (or opens the file) and the
    next line is a header; other ``From `` lines are body text that a careless writer left
    unescaped. ``>From `` lines are unescaped one level (mboxrd).
    """
    line_number = 0
    lines: list[bytes] = []
    size = 0
    start_line = 0
    too_big = False
    previous_blank = True
    candidate: tuple[bytes, int] | None = None
    preamble_lines = 0
    last_line = b""
    nbytes_since = 0

    def finish(truncated: bool) -> RawItem:
        source = f"{path}:{start_line}"
        nbytes = nbytes_since
        if too_big:
            return RawItem(
                kind="error", source=source, id=source, origin=path, nbytes=nbytes,
                error=f"message is larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MB; not screened",
            )
        body = lines
        if body and body[-1].strip() == b"":
            # The blank line before the next "From " belongs to the separator.
            body = body[:-1]
        return RawItem(
            kind="email", source=source, id=source, origin=path, data=b"".join(body),
            truncated=truncated, nbytes=nbytes,
        )

    for line in stream:
        line_number += 1
        last_line = line
        nbytes_since += len(line)
        if candidate is not None:
            separator_line, separator_number = candidate
            candidate = None
            if _HEADER_LINE.match(line):
                carried = len(separator_line) + len(line)
                nbytes_since -= carried
                if start_line:
                    yield finish(False)
                elif preamble_lines:
                    yield _preamble_error(path, preamble_lines)
                nbytes_since = carried
                lines, size, too_big = [], 0, False
                start_line = separator_number
            elif start_line:
                lines.append(separator_line)
                size += len(separator_line)
            else:
                preamble_lines += 1
        if line.startswith(b"From ") and (previous_blank or not start_line):
            candidate = (line, line_number)
            previous_blank = False
            continue
        previous_blank = line.strip() == b""
        if not start_line:
            if line.strip():
                preamble_lines += 1
            continue
        if too_big:
            continue
        if _ESCAPED_FROM.match(line):
            line = line[1:]
        size += len(line)
        if size > MAX_MESSAGE_BYTES:
            too_big = True
            lines = []
            continue
        lines.append(line)

    if candidate is not None:
        # A "From " line as the very last line: a message cut off right after its separator.
        if start_line:
            yield finish(False)
        start_line = candidate[1]
        lines, too_big = [], False
        yield RawItem(
            kind="error", source=f"{path}:{start_line}", id=f"{path}:{start_line}", origin=path,
            error="truncated: the mbox ends right after a 'From ' line", nbytes=len(candidate[0]),
        )
        return
    if start_line:
        yield finish(truncated=bool(last_line) and not last_line.endswith(b"\n"))
    elif preamble_lines:
        yield _preamble_error(path, preamble_lines)


def _preamble_error(path: str, count: int) -> RawItem:
    return RawItem(
        kind="error", source=f"{path}:1", id=f"{path}:1", origin=path,
        error=f"not mbox data: {count} line(s) before the first 'From ' separator were not screened",
    )


def parse_mail(raw: RawItem) -> Message:
    """Decode one mail: headers, the text (or HTML) body, quotes and signature set aside.

    Raises UnreadableMessage for bytes that are not a complete mail with text to screen.
    """
    data = raw.data or b""
    if not data.strip():
        raise UnreadableMessage("empty message")
    head = data[:65536].split(b"\n\n", 1)[0]
    if b"\x00" in head:
        raise UnreadableMessage("not a mail: binary data in the headers")
    message = BytesParser(policy=default_policy).parsebytes(data)
    if not isinstance(message, EmailMessage) or not list(message.raw_items()):
        raise UnreadableMessage("not a mail: no headers found")
    if raw.truncated:
        raise UnreadableMessage("truncated: the file ends in the middle of this message")
    if b"\n\n" not in data and b"\r\n\r\n" not in data:
        raise UnreadableMessage("truncated: the mail ends inside its headers, before any body")
    if _defects_of(message, _TRUNCATION_DEFECTS):
        raise UnreadableMessage("truncated: a multipart mail without its closing boundary")

    headers = {name.lower(): value for name, value in reversed(list(message.raw_items()))}
    message_id = _header_text(headers.get("message-id")).strip()
    subject = _header_text(headers.get("subject")).strip() or None
    sender = parseaddr(_header_text(headers.get("from")))[1].lower() or None

    part, subtype, charset = _text_part(message, headers.get("content-type"))
    body, warnings = _decode_part(part, charset)
    if subtype == "html":
        body = html_to_text(body)
    clean = set_aside_quotes(body, subject=subject)
    set_aside = clean.set_aside
    text = clean.text
    if subject and is_reply(subject):
        # "Re: <their subject>" quotes the other person's words too.
        set_aside += 1
    elif subject:
        text = f"{subject}\n\n{text}"
    return Message(
        id=message_id or raw.id, source=raw.source, origin=raw.origin, text=text,
        sender=sender, subject=subject, set_aside_lines=set_aside,
        warnings=tuple(warnings),
    )


def _defects_of(message: EmailMessage, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(d, kinds) for part in message.walk() for d in part.defects)


def _header_text(value: str | None) -> str:
    if not value:
        return ""
    if "=?" not in value:
        # No encoded words: only the folding to undo (decoding would cost more than the rest).
        return " ".join(value.split()) if "\n" in value else value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email_errors.HeaderParseError):
        return value


_RAW_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def _text_part(message: EmailMessage, raw_content_type: str | None) -> tuple[EmailMessage, str, str | None]:
    """The part to screen, its subtype (plain or html) and its declared charset."""
    if not message.is_multipart():
        # Most mail is a single part: read its Content-Type once, by hand, instead of letting
        # every accessor parse the header again (that cost more than the rest of the work).
        main_value = (raw_content_type or "text/plain").split(";", 1)[0].strip().lower()
        if main_value in ("text/plain", "text/html", "text"):
            charset = _RAW_CHARSET.search(raw_content_type or "")
            subtype = "html" if main_value == "text/html" else "plain"
            return message, subtype, charset.group(1).strip().lower() if charset else None
        if main_value.startswith("multipart/"):
            raise UnreadableMessage("a multipart mail without any parts (truncated?)")
        raise UnreadableMessage(f"no text part to screen (only: {main_value})")
    part = _multipart_text(message)
    return part, part.get_content_subtype(), part.get_content_charset()


def _multipart_text(message: EmailMessage) -> EmailMessage:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if plain is not None and (html is None or _payload_bytes(plain).strip()):
        return plain
    if html is not None:
        return html
    attachments = [
        part.get_filename() or part.get_content_type()
        for part in message.walk()
        if not part.is_multipart()
    ]
    raise UnreadableMessage(
        "no text part to screen" + (f" (only: {', '.join(attachments)})" if attachments else "")
    )


def _payload_bytes(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _decode_part(part: EmailMessage, charset: str | None) -> tuple[str, list[str]]:
    payload = _payload_bytes(part)
    if any(isinstance(d, _BASE64_DEFECTS) for d in part.defects):
        raise UnreadableMessage("the text part is not valid base64")
    charset = charset or "utf-8"
    if charset in ("us-ascii", "ascii"):
        charset = "utf-8"  # mailers label 8-bit text "us-ascii" all the time
    try:
        return payload.decode(charset), []
    except LookupError:
        return payload.decode("utf-8", "replace"), [f"unknown charset {charset!r}; read as UTF-8"]
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode("utf-8"), [f"text is not {charset}; read as UTF-8"]
    except UnicodeDecodeError:
        return payload.decode(charset, "replace"), [f"invalid {charset} replaced"]
