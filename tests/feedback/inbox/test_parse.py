import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.inbox.parse import InvalidMail, parse_message, sniff_content_type
from tests.feedback import mailcorpus


def test_plain_message():
    mail = parse_message(mailcorpus.build(message_id="<abc.123@mail.example.org>"))
    assert mail.from_name == "Erika Mustermann"
    assert mail.from_address == "erika@example.org"
    assert mail.reply_address == "erika@example.org"
    assert mail.to == mailcorpus.CDO
    assert mail.subject == "Frage zum Bürger-WLAN"
    assert mail.message_id == "abc.123@mail.example.org"
    assert mail.date is not None
    assert mail.text.startswith("Guten Tag,\n\nwann kommt das freie WLAN")
    assert mail.auto_reply == ""


def test_multipart_alternative_prefers_the_plain_text():
    mail = parse_message(
        mailcorpus.build(text="Nur der Text.", html="<p>Die <b>HTML</b>-Fassung</p>")
    )
    assert mail.text == "Nur der Text."


def test_html_only_becomes_safe_plain_text():
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>Guten Tag,</p><p>die Seite <a href='https://verl.de/x'>hier</a> "
        "ist kaputt &amp; langsam.</p><img src=x onerror=alert(1)></body></html>"
    )
    mail = parse_message(mailcorpus.build(text=None, html=html))
    assert "Guten Tag," in mail.text
    assert "die Seite [hier](https://verl.de/x) ist kaputt & langsam." in mail.text
    assert "<" not in mail.text
    assert "alert" not in mail.text
    assert "color" not in mail.text


def test_latin1_body_and_encoded_word_headers():
    mail = parse_message(mailcorpus.latin1_with_encoded_words())
    assert mail.from_name == "Jürgen Müller"
    assert mail.subject == "Straßenbeleuchtung in der Südstraße"
    assert "Straßenlaternen in der Südstraße" in mail.text
    assert "Grüße" in mail.text


def test_raw_8bit_headers_unknown_charset_and_a_broken_date():
    mail = parse_message(mailcorpus.raw_8bit_headers())
    assert mail.from_name == "Björn Köhler"
    assert mail.subject.startswith("Anfrage zur Öffnungszeit")
    assert mail.date is None
    assert mail.text == "Wann hat das Bürgerbüro geöffnet?"


def test_encoded_word_display_name_with_a_comma_stays_one_address():
    raw = mailcorpus.build(sender='"=?utf-8?q?M=C3=BCller=2C_Hans?=" <hans@example.org>')
    mail = parse_message(raw)
    assert (mail.from_name, mail.from_address) == ("Müller, Hans", "hans@example.org")


def test_reply_to_is_where_answers_go():
    raw = mailcorpus.build(headers={"Reply-To": "Büro <buero@example.org>"})
    assert parse_message(raw).reply_address == "buero@example.org"


def test_threading_headers_are_read():
    raw = mailcorpus.build(
        headers={
            "In-Reply-To": "<answer.1@verl.de>",
            "References": "<first@example.org> <answer.1@verl.de>",
        }
    )
    mail = parse_message(raw)
    assert mail.in_reply_to == "answer.1@verl.de"
    assert mail.references == ["first@example.org", "answer.1@verl.de"]


def test_attachments_are_collected_with_a_safe_name():
    raw = mailcorpus.build(
        attachments=[
            ("../../etc/Plan.pdf", "application/pdf", mailcorpus.PDF),
            ("C:\\Users\\x\\foto.png", "image/png", mailcorpus.png_bytes()),
        ]
    )
    mail = parse_message(raw)
    assert [(a.filename, a.declared_type) for a in mail.attachments] == [
        ("Plan.pdf", "application/pdf"),
        ("foto.png", "image/png"),
    ]
    assert mail.attachments[0].payload == mailcorpus.PDF


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "junk"}, None),
        ({"Precedence": "auto_reply"}, None),
        ({"X-Autoreply": "yes"}, None),
        ({"X-Autorespond": "Abwesenheitsnotiz"}, None),
        ({"Return-Path": "<>"}, None),
        ({}, "MAILER-DAEMON@mx.example.org"),
        ({}, "Postmaster <postmaster@example.org>"),
    ],
)
def test_auto_replies_and_bounces_are_recognised(headers, sender):
    raw = mailcorpus.build(headers=headers, sender=sender or "erika@example.org")
    assert parse_message(raw).auto_reply


def test_auto_submitted_no_is_a_person():
    raw = mailcorpus.build(headers={"Auto-Submitted": "no"})
    assert parse_message(raw).auto_reply == ""


def test_a_delivery_report_is_a_bounce():
    assert parse_message(mailcorpus.bounce()).auto_reply


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "no headers"),
        (b"\x89PNG\r\n\x1a\n\x00\x00 binary garbage", "no headers"),
        (b"Subject: Hallo\r\n\r\nOhne Absender", "no usable sender"),
        (b"From: nobody\r\nSubject: x\r\n\r\nkein @", "no usable sender"),
    ],
)
def test_no_usable_mail_is_invalid_with_a_reason(raw, reason):
    with pytest.raises(InvalidMail, match=reason):
        parse_message(raw)


def test_content_hash_ignores_transport_headers_and_line_endings():
    raw = mailcorpus.build(message_id=None)
    relayed = b"Received: from mx by mx2; Tue, 3 Mar 2026\r\n" + raw.replace(b"\r\n", b"\n")
    assert parse_message(raw).content_hash == parse_message(relayed).content_hash
    other = mailcorpus.build(message_id=None, text="Etwas anderes.")
    assert parse_message(other).content_hash != parse_message(raw).content_hash


@pytest.mark.parametrize(
    ("payload", "declared", "expected"),
    [
        (mailcorpus.PDF, "application/octet-stream", "application/pdf"),
        (mailcorpus.png_bytes(), "image/png", "image/png"),
        (mailcorpus.EXE, "application/pdf", ""),
        (b"Nur Text\r\nmit Zeilen", "text/plain", "text/plain"),
        (b"\x00\x01binary", "text/plain", ""),
        (b"\x89PNG\r\n\x1a\nbut broken", "image/png", ""),
    ],
)
def test_attachment_type_comes_from_the_content(payload, declared, expected):
    assert sniff_content_type(payload, declared) == expected


MESSAGE = mailcorpus.build(
    text="Hallo", html="<p>Hallo</p>", attachments=[("a.pdf", "application/pdf", b"%PDF-1.4")]
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_invalid_mail(raw):
    with contextlib.suppress(InvalidMail):
        parse_message(raw)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(MESSAGE) - 1), st.binary(min_size=1, max_size=40))
def test_damaged_messages_never_raise_anything_but_invalid_mail(position, junk):
    try:
        mail = parse_message(MESSAGE[:position] + junk + MESSAGE[position:])
    except InvalidMail:
        return
    assert "\x00" not in mail.text + mail.subject + mail.from_name
    mail.text.encode("utf-8")  # storable: no lone surrogates


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["From", "Subject", "Date", "Content-Type", "Message-ID", "Reply-To", "References"]
    ),
    st.text(max_size=80) | st.binary(max_size=80),
)
def test_any_header_value_is_survived(name, value):
    header = re.compile(rb"(?im)^" + name.encode() + rb":.*\r\n(?:[ \t].*\r\n)*")
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    raw = name.encode() + b": " + value + b"\r\n" + header.sub(b"", MESSAGE, count=1)
    try:
        mail = parse_message(raw)
    except InvalidMail:
        return
    (mail.subject + mail.from_name + mail.text + mail.message_id).encode("utf-8")
