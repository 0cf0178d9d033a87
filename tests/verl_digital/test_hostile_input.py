"""Hostile input on every public form: never a 500; a 4xx always speaks German.

Property-based (hypothesis): arbitrary Unicode, control characters, NUL bytes, huge values,
missing and repeated fields, undecodable bytes. Each form starts from a valid submission and
has some fields replaced, dropped or repeated, so the fuzzing reaches past the first check
(half of the guests' examples solve the captcha, the rest are signed in or fail it).
"""

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from feedback.models import Comment
from strategy.models import Page
from tests.feedback.factories import (
    PASSWORD,
    ApprovedCommentFactory,
    TopicFactory,
    UserFactory,
    solved_captcha,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Nasty values beside arbitrary text: NUL, controls, bidi overrides, BOM, markup, huge.
SPECIALS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\r\n",
    "\x1b[31m\x07\x08\x7f",
    "\u202egnp.exe",
    "\ufeff\u200b\u2028\u2029",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00%ff%fe",
    "🏛️" * 300,
    "x" * 20_000,
    "a@b",
    "@",
    "on",
    "0",
    "-1",
    "99999999999999999999999",
]
VALUES = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(max_codepoint=0x1F), max_size=50),
    st.sampled_from(SPECIALS),
)
# Messages Django or allauth would show in English if a translation were missing.
ENGLISH = re.compile(
    r"This field|Enter a valid|Select a valid|Ensure this|Null characters|is required|"
    r"Too many|Please|Invalid|must be|Bad Request|Forbidden"
)
GERMAN = re.compile(
    r"Bitte|nicht|ungültig|Ungültig|höchstens|mindestens|erforderlich|Zu viele|falsch|"
    r"Nullzeichen|muss|darf|zu lang|zu kurz|Anfrage|bereits|enthält|Wert"
)


def alerts(html: str) -> str:
    """The text of what the page flags as an error: alerts, error lists and the heading."""
    parts = re.findall(
        r'<(?:div|p|ul)[^>]*(?:role="alert"|class="errorlist[^"]*")[^>]*>(.*?)</(?:div|p|ul)>',
        html,
        re.S,
    )
    parts += re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", " ".join(parts)))


def assert_answered_cleanly(response) -> None:
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        html = response.content.decode()
        assert '<html lang="de">' in html
        message = alerts(html)
        assert GERMAN.search(message), message[:500]
        assert not ENGLISH.search(message), message[:500]


# Mostly kept, so that many examples are valid enough to reach the services and the database.
MUTATIONS = ["keep"] * 7 + ["replace", "replace", "drop", "repeat"]


def mutated(valid: dict[str, str], data) -> list[tuple[str, str]]:
    """The valid form with some fields replaced by hostile values, dropped or repeated."""
    pairs: list[tuple[str, str]] = []
    for name, value in valid.items():
        action = data.draw(st.sampled_from(MUTATIONS))
        if action == "keep":
            pairs.append((name, value))
        elif action == "replace":
            pairs.append((name, data.draw(VALUES)))
        elif action == "repeat":
            pairs += [(name, data.draw(VALUES)) for _ in range(data.draw(st.integers(2, 4)))]
    for _extra in range(data.draw(st.integers(0, 2))):
        pairs.append((data.draw(st.text(min_size=1, max_size=20)), data.draw(VALUES)))
    return pairs


def post(client: Client, url: str, pairs: list[tuple[str, str]]):
    return client.post(
        url, urlencode(pairs), content_type="application/x-www-form-urlencoded; charset=utf-8"
    )


def submit_fuzzed(url: str, valid: dict[str, str], data, *, captcha: bool = True):
    """Post a mutated form as a guest (captcha solved or not) or as a signed-in citizen."""
    cache.clear()  # rate limits would answer 429 before the form is even read
    client = Client()
    who = data.draw(st.sampled_from(["guest", "solver", "citizen"]))
    form = dict(valid)
    if who == "solver" and captcha:
        form |= solved_captcha()
    elif who == "citizen":
        client.force_login(CITIZEN[0])
    elif captcha:
        form |= {"captcha_0": "abc", "captcha_1": "abc"}
    response = post(client, url, mutated(form, data))
    event(f"{who}: {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert_answered_cleanly(response)
    return response


CITIZEN: list = []


@pytest.fixture(autouse=True)
def citizen():
    CITIZEN[:] = [UserFactory(username="buergerin")]


@pytest.fixture
def home(verl_content) -> Page:
    return Page.objects.get(slug=Page.HOME)


COMMENT = {
    "author_name": "Anna",
    "author_email": "anna@example.org",
    "notify": "on",
    "text": "Mehr Online-Termine, bitte.",
    "privacy_consent": "on",
    "homepage": "",
}


@FUZZ
@given(data=st.data())
def test_comment_form(home, data):
    content_type = ContentType.objects.get_for_model(home)
    url = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    submit_fuzzed(url, COMMENT, data)


@FUZZ
@given(data=st.data())
def test_reply_form(home, data):
    parent = ApprovedCommentFactory(target=home)
    submit_fuzzed(reverse("feedback:comment_reply", args=[parent.pk]), COMMENT, data)


@FUZZ
@given(data=st.data())
def test_report_form(home, data):
    comment = ApprovedCommentFactory(target=home)
    valid = {"reason": "spam", "note": "Werbung", "homepage": ""}
    submit_fuzzed(reverse("feedback:comment_report", args=[comment.pk]), valid, data)


@FUZZ
@given(data=st.data())
def test_appeal_form(home, data):
    from feedback.cases.links import appeal_url
    from feedback.models import ModerationAction
    from tests.feedback.factories import CommentFactory, RejectionReasonFactory

    comment = CommentFactory(target=home, status="rejected")
    decision = ModerationAction.objects.create(
        comment=comment,
        action="reject",
        actor_name="Moderatorin",
        decision_reason=RejectionReasonFactory(),
    )
    submit_fuzzed(appeal_url(decision), {"text": "Bitte prüfen."}, data, captcha=False)


@FUZZ
@given(data=st.data())
def test_contact_form(data):
    topic = TopicFactory()
    valid = {
        "name": "Erika",
        "email": "erika@example.org",
        "topic": str(topic.pk),
        "subject": "Frage",
        "text": "Guten Tag",
        "consent": "on",
        "homepage": "",
    }
    submit_fuzzed(reverse("feedback:contact"), valid, data)


@FUZZ
@given(data=st.data())
def test_sign_in_sign_up_and_password_reset(data):
    user = UserFactory(email="konto@example.org")
    forms = {
        reverse("account_login"): {"login": user.email, "password": PASSWORD, "remember": "on"},
        reverse("account_signup"): {
            "email": "neu@example.org",
            "username": "Neu",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
            "homepage": "",
        },
        reverse("account_reset_password"): {"email": user.email},
    }
    url = data.draw(st.sampled_from(sorted(forms)))
    submit_fuzzed(url, forms[url], data, captcha=False)


@FUZZ
@given(data=st.data())
def test_second_factor_code(data):
    from allauth.account.models import EmailAddress

    from tests.feedback.factories import staff_ready

    cache.clear()
    user = UserFactory(is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    staff_ready(user)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = post(client, reverse("mfa_authenticate"), mutated({"code": "123456"}, data))
    assert_answered_cleanly(response)


CREDENTIAL_KEYS = [
    "id", "rawId", "type", "response", "clientDataJSON", "authenticatorData", "signature",
    "userHandle", "attestationObject", "clientExtensionResults", "authenticatorAttachment",
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40) | st.just("public-key"),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(CREDENTIAL_KEYS) | st.text(max_size=8), inner, max_size=8)
    ),
    max_leaves=25,
)


@FUZZ
@given(credential=JSON, data=st.data())
def test_passkey_credentials(credential, data):
    """What the passkey login and the second-factor page accept from the browser's script."""
    from allauth.account.models import EmailAddress

    from tests.feedback.factories import staff_ready

    cache.clear()
    client = Client()
    if data.draw(st.booleans()):
        client.get(reverse("account_login"))  # the login page starts a WebAuthn ceremony
        url = reverse("mfa_login_webauthn")
    else:
        user = UserFactory(is_staff=True)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        staff_ready(user)
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        url = reverse("mfa_authenticate")
    response = post(client, url, [("credential", json.dumps(credential))])
    assert_answered_cleanly(response)


LISTS = {
    "strategy:search": ["q", "seite"],
    "strategy:measure_list": ["handlungsfeld", "stand", "sortierung", "seite"],
    "strategy:project_list": ["stand", "smart_city", "seite"],
    "strategy:bestpractice_list": ["stand", "seite"],
    "strategy:network_list": ["art", "seite"],
    "strategy:news_list": ["seite"],
    "strategy:event_archive": ["seite"],
    "strategy:home": ["kommentare"],
}


@FUZZ
@given(data=st.data())
def test_search_filters_and_pagination(verl_demo_content, data):
    name = data.draw(st.sampled_from(sorted(LISTS)))
    params = [
        (data.draw(st.sampled_from([*LISTS[name], "x"])), data.draw(VALUES))
        for _ in range(data.draw(st.integers(1, 4)))
    ]
    response = Client().get(f"{reverse(name)}?{urlencode(params)}")
    assert_answered_cleanly(response)


@FUZZ
@given(token=st.text(max_size=200))
def test_links_from_mails_with_any_token(token):
    for name in ("feedback:address_confirm", "feedback:unsubscribe", "feedback:appeal"):
        url = reverse(name, args=["x"]).replace("/x/", f"/{quote(token, safe='')}/")
        for method in ("get", "post"):
            assert_answered_cleanly(getattr(Client(), method)(url))


@FUZZ
@given(body=st.binary(max_size=2000), data=st.data())
def test_undecodable_bytes_as_a_form_body(home, body, data):
    cache.clear()
    content_type = ContentType.objects.get_for_model(home)
    url = data.draw(
        st.sampled_from(
            [
                reverse("feedback:comment_create", args=[content_type.pk, home.pk]),
                reverse("feedback:contact"),
                reverse("account_login"),
            ]
        )
    )
    response = Client().post(url, body, content_type="application/x-www-form-urlencoded")
    assert_answered_cleanly(response)


def test_a_request_larger_than_the_limit_is_refused_unread(home, settings):
    content_type = ContentType.objects.get_for_model(home)
    url = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    body = urlencode({**COMMENT, "text": "x" * (settings.REQUEST_MAX_BYTES + 1)})
    response = Client().post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Anfrage zu groß" in response.content.decode()
    assert response["Content-Security-Policy"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", ["/", "/kontakt/", "/suche/?q=x"])
def test_a_host_outside_allowed_hosts_gets_the_german_400_page(home, path):
    response = Client().get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ungültige Anfrage" in html
    assert "evil.example" not in html
    assert_answered_cleanly(response)


def test_a_host_outside_allowed_hosts_gets_the_english_400_page_under_en(home):
    response = Client().get("/en/strategie/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()
    assert "Invalid request" in response.content.decode()


def test_too_many_fields_get_the_german_400_page(home):
    content_type = ContentType.objects.get_for_model(home)
    url = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    body = "&".join(f"f{number}=1" for number in range(1100))
    response = Client().post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()
    assert_answered_cleanly(response)


def test_line_breaks_in_a_contact_subject_never_reach_a_mail_header(
    smtp_server, run_tasks, superuser, django_capture_on_commit_callbacks
):
    from feedback.inbox.services import conversation_answer
    from feedback.models import Conversation

    valid = {
        "name": "Erika\r\nBcc: opfer@example.org",
        "email": "erika@example.org",
        "subject": "Frage\r\nBcc: opfer@example.org",
        "text": "Guten Tag",
        "consent": "on",
        "topic": "",
    }
    client = Client()
    client.force_login(CITIZEN[0])
    valid["topic"] = str(TopicFactory().pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, reverse("feedback:contact"), list(valid.items()))
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.subject == "Frage Bcc: opfer@example.org"
    assert conversation.contact_name == "Erika Bcc: opfer@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        conversation_answer(conversation=conversation, author=superuser, text="Antwort")
    run_tasks()
    recipients = [message["To"] for message in smtp_server.messages]
    assert recipients == ["erika@example.org", "erika@example.org"]
    assert all(message["Bcc"] is None for message in smtp_server.messages)
