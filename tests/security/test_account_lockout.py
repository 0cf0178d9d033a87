"""Finding 8: anyone could lock out any account. Five wrong passwords, from anywhere, blocked
the right one for 15 minutes. The lockout stays (it stops password guessing), but the
account's owner still signs in with a code mailed to the account's address, then the
second factor, so an attacker cannot keep a moderator out."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.feedback.factories import PASSWORD, UserFactory, staff_ready, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def mailed_code() -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)


def test_a_locked_out_moderator_signs_in_with_a_mailed_code_and_the_second_factor(run_tasks, roles):
    moderator = UserFactory(email="moderatorin@example.org", groups=["Moderation"])  # with TOTP
    for attempt in range(5):
        Client().post("/konto/login/", {"login": moderator.email, "password": f"falsch-{attempt}"})
    browser = Client()
    locked = browser.post("/konto/login/", {"login": moderator.email, "password": PASSWORD})
    assert locked.status_code == 200  # refused, the password alone no longer helps
    assert "_auth_user_id" not in browser.session

    assert browser.post("/konto/login/code/", {"email": moderator.email}).status_code == 302
    run_tasks()
    code = mailed_code()
    asked = browser.post("/konto/login/code/confirm/", {"code": code})
    assert asked["Location"].startswith("/konto/2fa/authenticate/")
    assert "_auth_user_id" not in browser.session  # not without the second factor
    browser.post("/konto/2fa/authenticate/", {"code": totp_code()})
    assert browser.get("/admin/").status_code == 200


def test_a_code_alone_does_not_pass_the_second_factor(run_tasks):
    moderator = UserFactory(email="moderator2@example.org", is_staff=True)
    staff_ready(moderator)
    browser = Client()
    browser.post("/konto/login/code/", {"email": moderator.email})
    run_tasks()
    code = mailed_code()
    browser.post("/konto/login/code/confirm/", {"code": code})
    assert browser.get("/admin/").status_code == 302
