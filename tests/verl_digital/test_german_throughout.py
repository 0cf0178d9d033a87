"""German throughout: every admin page, every public page and every mail, in formal German.

Each page is reduced to what a person sees (text, and the attributes a browser shows or reads
out) and searched for English interface words, for "du" and its forms outside quotations,
and for Python's None, True and False shown as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from feedback.cases.links import appeal_url
from feedback.inbox.services import conversation_open_from_form
from feedback.models import (
    AlertDelivery,
    AlertPreference,
    Appeal,
    CommentReport,
    ModerationAction,
    PrivacyRequest,
    ReportReason,
)
from feedback.outbox import send_email
from feedback.subscriptions.services import AddressPurposes
from strategy.models import Measure
from tests.feedback.factories import (
    AnswerTemplateFactory,
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    MessageFactory,
    RejectionReasonFactory,
    TopicFactory,
    UserFactory,
)
from tests.pages import public_pages
from tests.strategy.factories import SignLanguageVideoFactory
from tests.verl_digital.catalogue import ROOT

pytestmark = pytest.mark.django_db

# Interface words of the libraries' English that a German page must not show. Matched as
# whole words (a hyphen counts as part of a word: "Authenticator-App" is German usage).
ENGLISH = [
    "Authenticators?",
    "authenticators?",
    "Task Results?",
    "Tasks Database Backend",
    "Database",
    "Backend",
    "CHANGES",
    "Changes?",
    "Changed",
    "changed",
    "Delete",
    "Save",
    "Add",
    "Search",
    "Action",
    "History",
    "Home",
    "Revert",
    "Object",
    "Date/time",
    "entry",
    "entries",
    "View",
    "Recovery codes?",
    "Yes",
    "type",
    "user",
    "data",
    "created at",
    "last used at",
    "Queue",
    "Priority",
    "Enqueued",
    "Finished",
    "Started",
    "Result",
    "Exception",
    "Traceback",
    "Run after",
    "Please",
    "Confirm",
    "Email",
    "email address",
    "Password",
    "Sign In",
    "Sign Up",
    "None",
    "True",
    "False",
]
ENGLISH_RE = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH) + r")(?![\w-])")
# The informal address, as words (case-insensitive: "Du" starts a sentence).
INFORMAL_RE = re.compile(
    r"(?<![\w-])(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)(?![\w-])", re.IGNORECASE
)
# Quotations may say anything: „…“, "…", »…«.
QUOTATION_RE = re.compile(r"„[^“]*“|\"[^\"]*\"|»[^«]*«")

# Left out of the list as German words too: "Filter", "Status", "Start", "Name".
# Passages that may hold a listed word, each with its reason; a new entry needs a reason a
# reviewer accepts.
ALLOWED = [
    # The seed's record keys name the fields they were loaded by ("is_demo=True"): an
    # identifier the admin shows read-only, not a sentence.
    (re.compile(r"\w+=(True|False|None)\b"), "identifier of a loaded seed record"),
]

SHOWN_ATTRIBUTES = ".//@title | .//@aria-label | .//@alt | .//@placeholder"


def visible_text(html: str) -> str:
    """What a person sees or hears: text outside scripts and styles, the title, labels a
    screen reader reads, and the captions of submit buttons."""
    document = lxml.html.fromstring(html)
    for element in document.xpath("//script | //style | //template | //*[@hidden]"):
        element.drop_tree()
    # The English variants of content (`title_en`, `body_en`, …) are English on purpose: text
    # editors wrote, not the admin's interface.
    for element in document.xpath("//textarea[substring(@name, string-length(@name) - 2) = '_en']"):
        element.drop_tree()
    buttons = document.xpath("//input[@type='submit' or @type='button' or @type='reset']/@value")
    return " ".join([document.text_content(), *document.xpath(SHOWN_ATTRIBUTES), *buttons])


def problems(text: str) -> list[str]:
    """English words, the informal address outside quotations, and None/True/False."""
    text = " ".join(text.split())
    for pattern, _reason in ALLOWED:
        text = pattern.sub(" ", text)
    found = []
    for match in ENGLISH_RE.finditer(text):
        found.append(text[max(0, match.start() - 40) : match.end() + 40])
    for match in INFORMAL_RE.finditer(QUOTATION_RE.sub("", text)):
        found.append(f"informal {match.group()!r}")
    return found


def test_the_check_finds_what_it_is_meant_to_find():
    assert problems("0 authenticators, Nach type") != []
    assert problems("Änderungsgrund: None")
    assert problems("Bitte bestätige, dass dies deine Adresse ist.")
    assert problems("Er schrieb: „Kannst du mir helfen?“") == []
    assert problems("Die Authenticator-App öffnen") == []
    assert visible_text('<p title="Delete">x<script>Save()</script></p>') == "x Delete"


# --- Admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_objects(verl_demo_content, superuser, run_tasks) -> None:
    """At least one object of every model the admin shows, with history."""
    call_command("setup_roles", verbosity=0)
    call_command("load_rejection_reasons", verbosity=0)
    comment = ApprovedCommentFactory(
        target=Measure.objects.first(), author_email="leser@example.org", notify=True
    )
    ModerationAction.objects.create(comment=comment, action="approve", actor_name="admin")
    hidden = ModerationAction.objects.create(
        comment=comment, action="hide", actor_name="admin", reason="Beleidigung"
    )
    Appeal.objects.create(decision=hidden, text="Das war keine Beleidigung.")
    CommentReport.objects.create(comment=comment, reason=ReportReason.values[0])
    RejectionReasonFactory()
    TopicFactory()
    AnswerTemplateFactory()
    conversation_open_from_form(
        name="Erika",
        email="erika@example.org",
        subject="Frage",
        topic=None,
        text="Text",
        consent_version="1",
    )
    ConfirmedAddressFactory()
    SignLanguageVideoFactory()
    PrivacyRequest.objects.create(kind="export", email_hash="0" * 64, actor_name="admin")
    AlertPreference.objects.create(user=UserFactory(), delivery=AlertDelivery.DAILY)
    send_email.enqueue(subject="Test", body="Test", to=["a@example.org"])
    measure = Measure.objects.first()
    measure.title = f"{measure.title} (geändert)"
    measure.save()


def admin_urls() -> list[str]:
    """Every admin page: the index, each app's index, and each model's list, add form,
    change form, history, version (simple-history) and delete confirmation."""
    request = SimpleNamespace(user=_superuser(), method="GET", GET={}, POST={})
    urls = [reverse("admin:index")]
    apps = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(apps)]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} to show"
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        if model_admin.has_delete_permission(request, obj):
            urls.append(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]))
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            record = history.filter(id=obj.pk).order_by("-history_id").first() or history.first()
            urls.append(
                reverse(f"admin:{info[0]}_{info[1]}_simple_history", args=[record.id, record.pk])
            )
    return urls


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first()


def test_every_admin_page_is_german(admin_client, admin_objects):
    left = {}
    for url in admin_urls():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        found = problems(visible_text(response.content.decode()))
        if found:
            left[url] = found
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


# --- Public pages ---------------------------------------------------------------------------


def test_every_public_page_is_german_and_formal(client, verl_demo_content):
    comment = ApprovedCommentFactory(target=Measure.objects.first(), text="Gute Idee.")
    address = ConfirmedAddressFactory()
    rejected = CommentFactory(target=comment.target, status="rejected")
    decision = ModerationAction.objects.create(
        comment=rejected,
        action="reject",
        actor_name="admin",
        decision_reason=RejectionReasonFactory(),
    )
    pages = {
        **public_pages(),
        "Widerspruch einlegen": appeal_url(decision),
        "Adresse bestätigen (ungültig)": "/kommentare/adresse-bestaetigen/ungueltig/",
        "Abmelden": reverse("feedback:unsubscribe", args=[address.unsubscribe_token]),
    }
    left = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        found = problems(visible_text(response.content.decode()))
        if found:
            left[f"{name} {url}"] = found
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


def test_account_pages_are_german_and_formal(client):
    """allauth's pages, among them the page behind the link in the sign-up mail."""
    user = UserFactory(username="erika", first_name="Erika", last_name="Mustermann")
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    from allauth.account.models import EmailConfirmationHMAC

    key = EmailConfirmationHMAC(address).key
    pages = [
        reverse("account_confirm_email", args=[key]),
        reverse("account_email_verification_sent"),
    ]
    client.force_login(user)
    pages += [reverse("account_email"), reverse("account_change_password"), "/konto/loeschen/"]
    left = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        found = problems(text)
        if found:
            left[url] = found
        assert "erika" not in text.split(), url  # a username is no way to address a person
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


# --- Mails ----------------------------------------------------------------------------------

TEMPLATES = ROOT / "templates"


def feedback_mail_contexts() -> dict[str, dict]:
    """Each of the site's own mails with what its service passes in."""
    measure = Measure.objects.first()
    comment = ApprovedCommentFactory(target=measure, author_name="Erika", text="Gute Idee.")
    answer = ApprovedCommentFactory(target=measure, parent=comment, is_official=True)
    report = CommentReport.objects.create(comment=comment, reason=ReportReason.values[0])
    url = "https://verl.example/link/"
    footer = {"unsubscribe_url": url, "cdo_email": "digital@verl.example"}
    conversation = MessageFactory().conversation
    case_line = {
        "reference": "VERL-2026-000002",
        "due_date": timezone.localdate(),
        "topic": "Barriere melden",
        "subject": "Formular",
        "comment": False,
        "url": url,
    }
    return {
        "address_confirm": {
            "confirm_url": url,
            "purposes": AddressPurposes(comments=True, contact=True),
        },
        "answer": {
            "text": "Guten Tag,\n\nvielen Dank.",
            "reference": "VERL-2026-000001",
            "subject": "Re: Anliegen",
        },
        "comment_answered": {"comment": comment, "answer": answer, "comment_url": url, **footer},
        "duplicate_answered": {
            "subject": "Antwort der Stadt Verl auf Ihre Rückmeldung",
            "text": "Guten Tag,\n\nvielen Dank.",
            "reference": "VERL-2026-000002",
            "merged_into": "VERL-2026-000001",
            "case_url": url,
            **footer,
        },
        "comment_approved": {"comment": comment, "comment_url": url, **footer},
        "comment_rejected": {
            "comment": comment,
            "reason_text": "Werbung.",
            "appeal_url": url,
            "appeal_days": 14,
            **footer,
        },
        "appeal_decided": {
            "comment": comment,
            "overturned": True,
            "review_reason": "Kein Werbebeitrag.",
            "comment_url": url,
            **footer,
        },
        "contact_confirmation": {"reference": "VERL-2026-000001"},
        "measure_status_changed": {
            "measure": measure,
            "old_status": "geplant",
            "new_status": "in Umsetzung",
            "measure_url": url,
            **footer,
        },
        "comment_received": {"comment": comment, "case_url": url, **footer},
        "staff_alerts": {
            "items": [
                {"kind": "Neue Nachricht", "conversation": conversation, "url": url, "count": 2}
            ],
            "more": 3,
            "count": 4,
            "daily": True,
            "settings_url": url,
        },
        "overdue_summary": {
            "day": timezone.localdate(),
            "overdue": [case_line],
            "soon": [{**case_line, "comment": True}],
            "settings_url": url,
        },
        "moderators_digest": {
            "comments": [(comment, url)],
            "reports": [(report, url)],
            "more_comments": 2,
            "more_reports": 0,
            "comment_count": 3,
            "report_count": 1,
            "queue_url": url,
        },
    }


def allauth_mail_prefixes() -> list[str]:
    """Every mail allauth can send (its templates and ours that replace them)."""
    import allauth

    roots = [Path(allauth.__file__).parent / "templates", TEMPLATES]
    prefixes = set()
    for root in roots:
        for folder in ("account/email", "mfa/email"):
            for subject in (root / folder).glob("*_subject.txt"):
                prefixes.add(f"{folder.split('/')[0]}/email/{subject.name[: -len('_subject.txt')]}")
    return sorted(prefixes)


def test_every_mail_is_german_and_formal(verl_demo_content, rf):
    from allauth.account.adapter import get_adapter

    contexts = feedback_mail_contexts()
    own = {
        path.name[: -len("_subject.txt")]
        for path in (TEMPLATES / "feedback/email").glob("*_subject.txt")
    }
    assert set(contexts) == own, "a new mail needs an entry here"
    mails = {}
    for template, context in contexts.items():
        subject = render_to_string(f"feedback/email/{template}_subject.txt", context)
        mails[template] = (
            subject + "\n" + render_to_string(f"feedback/email/{template}_body.txt", context)
        )
    mails["accounts/enrolment_link"] = render_to_string(
        "accounts/email/enrolment_link_subject.txt"
    ) + render_to_string(
        "accounts/email/enrolment_link_body.txt", {"link": "https://x/", "minutes": 30}
    )
    user = UserFactory(username="erika")
    request = rf.get("/")
    request.user = user
    url = "https://verl.example/link/"
    context = {
        "user": user,
        "email": user.email,
        "activate_url": url,
        "password_reset_url": url,
        "code": "A1B2C3",
        "username": user.username,
        "signup_url": url,
        "request": request,
        "ip": "",
        "user_agent": "",
        "timestamp": timezone.now(),
        "from_email": user.email,
        "to_email": user.email,
        "current_site": SimpleNamespace(name="Verl", domain="verl.example"),
    }
    adapter = get_adapter()
    for prefix in allauth_mail_prefixes():
        message = adapter.render_mail(prefix, user.email, context)
        mails[prefix] = f"{message.subject}\n{message.body}"
    left = {name: found for name, text in mails.items() if (found := problems(text))}
    assert left == {}, "\n".join(f"{name}: {found}" for name, found in left.items())
