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

from coach.errors import InputError
from coach.inputs import decode_bytes, western
from coach.screen.html_text import html_to_text
from coach.screen.model import Message, RawItem
from coach.screen.quoting import is_reply, set_aside_quotes

#: A larger mail is reported, not held in memory: real mail servers refuse far smaller ones.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_ESCAPED_FROM = re.compile(rb"^>+From ")
#: A separator as mail programs write it: "From <sender> <weekday> <month> <day> <time> <year>".
_POSTMARK = re.compile(rb"^From \S+ .*\b\d{1,2}:\d{2}(?::\d{2})?\b.*\b\d{4}\s*$")
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
    next line is a header. When the next line is no header but the ``From `` line is a full
    separator (sender, time and year), the headers were lost: what follows is a message of its
    own, screened as plain text with a warning, rather than merged into the one before. Other
    ``From `` lines are body text that a careless writer left unescaped. ``>From `` lines are
    unescaped one level (mboxrd).
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
    headerless = False

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
        if headerless:
            return _headerless_item(source, path, b"".join(body), nbytes)
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
            lost_headers = not _HEADER_LINE.match(line) and bool(_POSTMARK.match(separator_line))
            if _HEADER_LINE.match(line) or lost_headers:
                carried = len(separator_line) + len(line)
                nbytes_since -= carried
                if start_line:
                    yield finish(False)
                elif preamble_lines:
                    yield _preamble_error(path, preamble_lines)
                nbytes_since = carried
                lines, size, too_big = [], 0, False
                start_line = separator_number
                headerless = lost_headers
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


def _headerless_item(source: str, path: str, body: bytes, nbytes: int) -> RawItem:
    warning = "the 'From ' line that starts this message is not followed by mail headers; screened as plain text"
    try:
        decoded = decode_bytes(source, body)
    except InputError as exc:
        return RawItem(kind="error", source=source, id=source, origin=path, nbytes=nbytes,
                       error=f"{warning.split(';')[0]}, and {str(exc).split(': ', 1)[-1]}")
    extra = (decoded.warning.split(": ", 1)[-1],) if decoded.warning else ()
    return RawItem(kind="text", source=source, id=source, origin=path, text=decoded.text,
                   warnings=(warning,) + extra, nbytes=nbytes)


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

    parts = _text_parts(message, headers.get("content-type"))
    warnings: list[str] = []
    texts: list[str] = []
    set_aside = 0
    for number, (part, subtype, charset, flowed) in enumerate(parts):
        body, part_warnings = _decode_part(part, charset)
        warnings += [w for w in part_warnings if w not in warnings]
        if flowed is not None:
            body = unflow(body, delsp=flowed)
        if subtype == "html":
            body = html_to_text(body)
        clean = set_aside_quotes(body, subject=subject)
        if number == 0:
            set_aside = clean.set_aside
        if number and _squash(clean.text) in {_squash(t) for t in texts}:
            continue  # the HTML twin of the plain text says nothing new
        texts.append(clean.text)
    text = texts[0]
    if subject and is_reply(subject):
        # "Re: <their subject>" quotes the other person's words too.
        set_aside += 1
    elif subject:
        text = f"{subject}\n\n{text}"
    return Message(
        id=message_id or raw.id, source=raw.source, origin=raw.origin, text=text,
        other_parts=tuple(t for t in texts[1:] if t.strip()),
        sender=sender, subject=subject, set_aside_lines=set_aside,
        warnings=tuple(warnings),
    )


def _squash(text: str) -> str:
    return " ".join(text.replace("- ", " ").replace("* ", " ").split()).casefold()


def unflow(text: str, *, delsp: bool = False) -> str:
    """Undo ``format=flowed`` (RFC 3676): lines ending in a space continue on the next line
    of the same quote depth; space-stuffing is removed."""
    out: list[str] = []
    pending: tuple[int, str] | None = None
    for line in text.split("\n"):
        line = line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if pending is not None and pending[0] == depth:
            content = pending[1] + content
        elif pending is not None:
            out.append(_quoted(*pending))
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending = (depth, content[:-1] if delsp else content)
        else:
            out.append(_quoted(depth, content))
    if pending is not None:
        out.append(_quoted(*pending))
    return "\n".join(out)


def _quoted(depth: int, content: str) -> str:
    return (">" * depth + " " + content) if depth else content


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


#: (part, subtype "plain" or "html", declared charset, None or the DelSp of format=flowed)
TextPart = tuple[EmailMessage, str, "str | None", "bool | None"]
_FLOWED = re.compile(r"format\s*=\s*[\"']?flowed", re.IGNORECASE)
_DELSP = re.compile(r"delsp\s*=\s*[\"']?yes", re.IGNORECASE)


def _flowed(content_type: str | None) -> bool | None:
    if not content_type or not _FLOWED.search(content_type):
        return None
    return bool(_DELSP.search(content_type))


def _text_parts(message: EmailMessage, raw_content_type: str | None) -> list[TextPart]:
    """Every part to screen, the one a reader sees first (plain, else HTML) first."""
    if not message.is_multipart():
        # Most mail is a single part: read its Content-Type once, by hand, instead of letting
        # every accessor parse the header again (that cost more than the rest of the work).
        main_value = (raw_content_type or "text/plain").split(";", 1)[0].strip().lower()
        if main_value in ("text/plain", "text/html", "text"):
            charset = _RAW_CHARSET.search(raw_content_type or "")
            subtype = "html" if main_value == "text/html" else "plain"
            return [(message, subtype, charset.group(1).strip().lower() if charset else None,
                     _flowed(raw_content_type) if subtype == "plain" else None)]
        if main_value.startswith("multipart/"):
            raise UnreadableMessage("a multipart mail without any parts (truncated?)")
        raise UnreadableMessage(f"no text part to screen (only: {main_value})")
    first = _multipart_text(message)
    parts = [first] + [
        part for part in message.walk()
        if part is not first and not part.is_multipart()
        and part.get_content_type() in ("text/plain", "text/html") and _payload_bytes(part).strip()
    ]
    return [(part, part.get_content_subtype(), part.get_content_charset(),
             _flowed(part.get("content-type")) if part.get_content_subtype() == "plain" else None)
            for part in parts]


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
        problem = f"unknown charset {charset!r}"
        charset = "utf-8"
    except UnicodeDecodeError:
        problem = f"text is not {charset}"
    try:
        return payload.decode("utf-8"), [f"{problem}; read as UTF-8"]
    except UnicodeDecodeError:
        pass
    text = western(payload)
    if text is not None:
        return text, [f"{problem}; read as Windows-1252"]
    return payload.decode(charset, "replace"), [f"invalid {charset} replaced"]
