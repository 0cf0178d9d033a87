"""Realistic inbound e-mail, built by the tests: what citizens' mail programs really send."""

from __future__ import annotations

import io
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone
from PIL import Image

CDO = "digitalisierung@verl.de"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 88, 124)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


def build(
    *,
    subject: str = "Frage zum Bürger-WLAN",
    sender: str = "Erika Mustermann <erika@example.org>",
    to: str = CDO,
    text: str | None = "Guten Tag,\n\nwann kommt das freie WLAN am Rathaus?\n\nViele Grüße\nErika",
    html: str | None = None,
    message_id: str | None = "auto",
    date: bool = True,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A message as a mail program would send it (RFC 5322, CRLF line ends)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if date:
        message["Date"] = format_datetime(timezone.now())
    if message_id == "auto":
        message["Message-ID"] = make_msgid(domain="mail.example.org")
    elif message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def latin1_with_encoded_words() -> bytes:
    """An old mail program: ISO-8859-1 body, quoted-printable, encoded-word headers."""
    return (
        b"From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen.mueller@example.de>\r\n"
        b"To: digitalisierung@verl.de\r\n"
        b"Subject: =?ISO-8859-1?Q?Stra=DFenbeleuchtung_in_der_S=FCdstra=DFe?=\r\n"
        b"Date: Tue, 03 Mar 2026 09:15:00 +0100\r\n"
        b"Message-ID: <latin1-0001@example.de>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=ISO-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"Sehr geehrte Damen und Herren,\r\n\r\n"
        b"die Stra=DFenlaternen in der S=FCdstra=DFe sind seit Tagen aus. Gr=FC=DFe\r\n"
    )


def raw_8bit_headers() -> bytes:
    """Headers with raw Latin-1 bytes (no encoded words) and a broken encoded word."""
    return (
        b"From: Bj\xf6rn K\xf6hler <bjoern@example.de>\r\n"
        b"To: digitalisierung@verl.de\r\n"
        b"Subject: Anfrage zur \xd6ffnungszeit =?utf-8?q?kaputt\r\n"
        b"Date: not a date at all\r\n"
        b"Message-ID: <8bit-0001@example.de>\r\n"
        b"X-Broken-Header-Without-Value:\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n"
        b"\r\n"
        b"Wann hat das B\xfcrgerb\xfcro ge\xf6ffnet?\r\n"
    )


def bounce(to_message_id: str = "answer@verl.de") -> bytes:
    """A delivery status notification from a mail server (multipart/report)."""
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        b"To: digitalisierung@verl.de\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Date: Tue, 03 Mar 2026 10:00:00 +0100\r\n"
        b"Message-ID: <bounce-0001@mx.example.org>\r\n"
        b"Auto-Submitted: auto-replied\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        b"\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; x@example.org\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n--b1--\r\n"
    )
