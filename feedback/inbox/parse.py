"""Read real-world e-mail into plain values: any structure, any charset, broken headers.

`parse_message` never lets a parser error escape: a header it cannot parse is read raw, a body
it cannot decode is decoded leniently, and a message that is no usable e-mail raises
`InvalidMail` with a one-line reason. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from inscriptis import get_text
from inscriptis.model.config import ParserConfig
from PIL import Image

# Message-IDs longer than this are treated as missing (the database column holds 500).
MAX_ID_LENGTH = 500
_ID_PATTERN = re.compile(r"<([^<>\s]{1,500})>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_CONFIG = ParserConfig(display_links=True)

BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
BULK_PRECEDENCE = {"bulk", "junk", "auto_reply"}


class InvalidMail(ValueError):
    """The input is no e-mail we can store; the message is a one-line reason."""


@dataclass
class InboundAttachment:
    filename: str
    declared_type: str
    payload: bytes


@dataclass
class ParsedMail:
    from_name: str = ""
    from_address: str = ""
    reply_address: str = ""  # where answers go: Reply-To if usable, otherwise From
    to: str = ""
    subject: str = ""
    date: datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    auto_reply: str = ""  # why the message counts as automatic, or "" for a person's mail
    content_hash: str = ""


def storable_text(value: str) -> str:
    """Text PostgreSQL can store: no NUL characters, no lone surrogates from undecodable bytes."""
    if any("\udc80" <= char <= "\udcff" for char in value):
        raw = value.encode("utf-8", "surrogateescape")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("cp1252", "replace")
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def one_line(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", storable_text(value)).split())


def _decode_words(raw: str) -> str:
    """Decode RFC 2047 encoded words by hand, leniently, for headers the policy cannot parse."""
    try:
        parts = decode_header(raw)
    except Exception:  # the header is beyond repair: keep what is there
        return raw
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
        else:
            decoded.append(decode_bytes(chunk, charset))
    return "".join(decoded)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset; fall back to UTF-8, then Windows-1252."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, ValueError):  # unknown or malformed charset name, wrong bytes
            continue
    return data.decode("cp1252", "replace")


def _raw_header(message: EmailMessage, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return storable_text(_decode_words(str(value)))
    return ""


def header(message: EmailMessage, name: str) -> str:
    """A header as one line of text; a header the parser chokes on is decoded leniently.

    Raw 8-bit headers (no encoded words, common from old mailers) are decoded here as UTF-8
    or Windows-1252; the policy would turn their non-ASCII letters into replacement marks.
    """
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if not raw.isascii():
        return one_line(_raw_header(message, name))
    try:
        value = message.get(name)
        return one_line(str(value)) if value is not None else ""
    except Exception:  # malformed header: the policy's parser raises many kinds of errors
        return one_line(_raw_header(message, name))


def _usable_address(address: str) -> str:
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address if len(address) <= 254 else ""


def addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header, usable addresses only."""
    try:
        value = message.get(name)
        pairs = [] if value is None else [(a.display_name, a.addr_spec) for a in value.addresses]
    except Exception:  # malformed header: parse the raw text the lenient, old way
        raw = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), "")
        pairs = [(_decode_words(display), addr) for display, addr in getaddresses([raw])]
    result = []
    for display, addr in pairs:
        usable = _usable_address(storable_text(addr))
        if usable:
            result.append((one_line(display)[:200], usable))
    return result


def message_ids(value: str) -> list[str]:
    return [found for found in _ID_PATTERN.findall(value) if found.isascii()]


def _date(message: EmailMessage) -> datetime | None:
    raw = header(message, "Date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: scripts and styles dropped, links kept as text."""
    return get_text(html, _HTML_CONFIG).strip()


def _part_text(part: EmailMessage) -> str:
    payload = _payload(part)
    try:
        charset = part.get_content_charset()
    except Exception:  # a broken Content-Type parameter: guess the charset instead
        charset = None
    text = storable_text(decode_bytes(payload, charset))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _content_type(part: EmailMessage) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a broken Content-Type header: RFC 2045's default applies
        return "text/plain"


def _disposition(part: EmailMessage) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:  # a broken Content-Disposition counts as none
        return ""


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a broken filename parameter: the file is kept under a neutral name
        name = ""
    name = one_line(name)
    # Only the last path component, whatever the sender's system used as separator.
    name = PureWindowsPath(PurePosixPath(name).name).name.strip(". ")
    return name[:200] or "anhang"


def _payload(part: EmailMessage) -> bytes:
    try:
        if _content_type(part) == "message/rfc822":
            return part.as_bytes()
        payload = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: nothing usable to keep
        return b""
    return payload if isinstance(payload, bytes) else b""


def _leaf_parts(message: EmailMessage) -> list[EmailMessage]:
    """Non-multipart parts in order; an attached e-mail counts as one part, not opened."""
    if _content_type(message).startswith("multipart/"):
        payload = message.get_payload()
        if isinstance(payload, list):
            return [leaf for part in payload for leaf in _leaf_parts(part)]
    return [message]  # a multipart without parts (no boundary) is read as text


def _body_and_attachments(message: EmailMessage) -> tuple[str, list[InboundAttachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[InboundAttachment] = []
    for part in _leaf_parts(message):
        content_type = _content_type(part)
        if content_type.startswith("multipart/"):
            content_type = "text/plain"
        disposition = _disposition(part)
        if content_type in ("text/plain", "text/html") and disposition != "attachment":
            (plain if content_type == "text/plain" else html).append(_part_text(part))
            continue
        attachments.append(InboundAttachment(_filename(part), content_type, _payload(part)))
    text = "\n\n".join(chunk.strip() for chunk in plain if chunk.strip())
    if not text and html:
        text = "\n\n".join(html_to_text(chunk) for chunk in html)
    return storable_text(text), attachments


def _auto_reply(message: EmailMessage, from_address: str) -> str:
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"auto-reply (Auto-Submitted: {auto_submitted})"
    precedence = header(message, "Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"auto-reply (Precedence: {precedence})"
    for name in ("X-Autoreply", "X-Autorespond"):
        value = header(message, name).lower()
        if value and value != "no":
            return f"auto-reply ({name}: {value})"
    if from_address.split("@")[0].lower() in BOUNCE_SENDERS:
        return f"bounce (from {from_address})"
    if header(message, "Return-Path").replace(" ", "") == "<>":
        return "bounce (empty Return-Path)"
    if _content_type(message) == "multipart/report":
        return "bounce (delivery or read report)"
    return ""


def _content_hash(raw: bytes, message: EmailMessage) -> str:
    """What identifies a mail without Message-ID: sender, recipients, subject, date and body.

    Transport headers (Received, Delivered-To …) differ between copies of one mail, so they
    are left out; line endings are normalised because IMAP and files differ there too.
    """
    separator = re.search(rb"\r?\n\r?\n", raw)
    body = raw[separator.end() :] if separator else b""
    digest = hashlib.sha256()
    for name in ("From", "To", "Cc", "Subject", "Date"):
        digest.update(header(message, name).encode() + b"\n")
    digest.update(body.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def parse_message(raw: bytes) -> ParsedMail:
    """Parse one RFC 5322 message. Raises `InvalidMail` when it cannot be stored usefully."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser itself is lenient; this is a last line of defence
        raise InvalidMail(f"unreadable message ({type(error).__name__})") from error
    if not message.keys():
        raise InvalidMail("not an e-mail message (no headers)")

    senders = addresses(message, "From")
    if not senders:
        raise InvalidMail("no usable sender address (From)")
    from_name, from_address = senders[0]
    reply_to = addresses(message, "Reply-To")
    auto_reply = _auto_reply(message, from_address)

    ids = message_ids(header(message, "Message-ID"))
    reply_ids = message_ids(header(message, "In-Reply-To"))
    try:
        text, attachments = _body_and_attachments(message)
    except Exception as error:  # a structure even the lenient walk cannot follow
        raise InvalidMail(f"unreadable message body ({type(error).__name__})") from error
    return ParsedMail(
        from_name=from_name,
        from_address=from_address,
        reply_address=reply_to[0][1] if reply_to else from_address,
        to=", ".join(addr for _, addr in addresses(message, "To") + addresses(message, "Cc")),
        subject=header(message, "Subject"),
        date=_date(message),
        message_id=ids[0] if ids else "",
        in_reply_to=reply_ids[0] if reply_ids else "",
        references=message_ids(header(message, "References")),
        text=text,
        attachments=attachments,
        auto_reply=auto_reply,
        content_hash=_content_hash(raw, message),
    )


# --- Attachments: the type is what the content is, not what the sender declared -----------
# Control bytes that never occur in text, in any of the charsets mail uses.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def sniff_content_type(payload: bytes, declared_type: str) -> str:
    """The content type found in the bytes, or "" when it is none we can recognise.

    PDF by its header, images by letting Pillow read them, plain text by being text.
    """
    if payload.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(payload)) as image:
                image_format = image.format
                image.verify()
        return _IMAGE_TYPES.get(image_format or "", "")
    except Exception:  # noqa: S110 - not an image Pillow can read; try the remaining types
        pass
    if declared_type == "text/plain" and not _BINARY.search(payload):
        return "text/plain"
    return ""
