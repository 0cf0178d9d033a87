"""Finding 3: a mail whose In-Reply-To was the citizen's own incoming Message-ID joined the
citizen's conversation; the staff answer then carried the attacker's Message-ID and the
attacker's message appeared in the citizen's data export. Only the site's own Message-IDs
thread a mail now."""

import pytest

from feedback.inbox.ingest import IngestOutcome, message_ingest
from feedback.privacy.export import personal_data_export
from tests.feedback import mailcorpus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("header", ["In-Reply-To", "References"])
def test_a_citizens_own_message_id_does_not_thread_a_strangers_mail(header, superuser):
    citizen = message_ingest(raw=mailcorpus.build(message_id="<frage.1@erika.example>"))
    attack = mailcorpus.build(
        subject="Re: Frage zum Bürger-WLAN",
        sender="Mallory <mallory@evil.example>",
        text="Bitte senden Sie die Antwort auch an mich.",
        headers={header: "<frage.1@erika.example>"},
    )
    result = message_ingest(raw=attack)
    assert result.outcome == IngestOutcome.STORED
    assert result.conversation != citizen.conversation
    assert citizen.conversation.messages.count() == 1
    assert "Mallory" not in str(personal_data_export(email="erika@example.org", actor=superuser))
