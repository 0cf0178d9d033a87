import re
import time
from datetime import UTC, datetime

import pytest
from captcha.models import CaptchaStore
from django import forms
from django.contrib.auth.models import AnonymousUser

from feedback import captcha
from feedback.captcha import NUMBER_WORDS, challenge_new, challenge_read, normalize_answer
from feedback.forms import SpamProtectionMixin


class ProbeForm(SpamProtectionMixin):
    text = forms.CharField(label="Text")


WORDS = {str(word): number for number, word in enumerate(NUMBER_WORDS)}


def solve(challenge: str) -> int:
    """Work a challenge out the way a reader does: from the words alone."""
    first, operator, second = challenge.split()
    assert operator in {"plus", "minus"}
    if operator == "plus":
        return WORDS[first] + WORDS[second]
    return WORDS[first] - WORDS[second]


def submit(key: str, answer: str | int) -> ProbeForm:
    form = ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": str(answer)})
    form.is_valid()
    return form


def test_questions_are_sums_in_german_words_whose_result_the_key_carries():
    seen = set()
    for _ in range(400):
        challenge = challenge_new()
        question = challenge.question()
        assert re.fullmatch(r"[a-zäöüß]+ (plus|minus) [a-zäöüß]+", question), question
        assert int(challenge.answer) == solve(question) >= 0
        assert challenge_read(challenge.key) == challenge
        seen.add(challenge.numbers)
    assert len(seen) > 100  # of the 200 possible questions


def test_a_key_is_short_ascii_and_its_nonce_fits_the_captcha_table():
    challenge = challenge_new()
    assert re.fullmatch(r"\w{60,70}", challenge.key, re.ASCII)
    assert len(challenge.nonce) <= CaptchaStore._meta.get_field("hashkey").max_length
    timeout = 30 * 60
    assert time.time() + timeout - 2 < challenge.expires <= time.time() + timeout


@pytest.mark.parametrize(
    ("answer", "normalized"),
    [("7", "7"), (" 7 ", "7"), ("sieben", "7"), ("Sieben", "7"), ("ein", "1"), ("null", "0")],
)
def test_answers_in_digits_or_words_count_alike(answer, normalized):
    assert normalize_answer(answer) == normalized


@pytest.mark.django_db
@pytest.mark.parametrize("as_word", [False, True])
def test_a_guest_passes_by_answering_the_question_in_the_page(as_word):
    html = ProbeForm(user=AnonymousUser()).as_div()
    key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
    question = re.search(r"Wie viel ist ([a-zäöüß]+ (?:plus|minus) [a-zäöüß]+)\?", html).group(1)
    result = solve(question)
    answer = str(NUMBER_WORDS[result]) if as_word else str(result)
    form = submit(key, answer)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_question_is_text_tied_to_the_answer_box_and_there_is_no_image():
    html = ProbeForm(user=AnonymousUser()).as_div()
    assert "<img" not in html
    question_id = re.search(r'<p class="captcha-question" id="([^"]+)">Wie viel ist', html).group(1)
    answer_box = re.search(r'<input type="text" name="captcha_1"[^>]*>', html).group(0)
    assert f'aria-describedby="{question_id}' in answer_box
    assert 'inputmode="numeric"' in answer_box


@pytest.mark.django_db
def test_showing_a_form_with_a_question_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(20):
            ProbeForm(user=AnonymousUser()).as_div()
    assert not CaptchaStore.objects.exists()


# --- Checking an answer -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_question_is_used_up_by_its_first_answer_right_or_wrong():
    right, wrong = challenge_new(), challenge_new()
    assert submit(right.key, right.answer).is_valid()
    assert not submit(right.key, right.answer).is_valid()  # replayed
    assert not submit(wrong.key, int(wrong.answer) + 1).is_valid()
    assert not submit(wrong.key, wrong.answer).is_valid()  # no second guess
    assert set(CaptchaStore.objects.values_list("hashkey", flat=True)) == {
        right.nonce,
        wrong.nonce,
    }


@pytest.mark.django_db
def test_an_answered_key_is_kept_until_it_expires():
    challenge = challenge_new()
    assert submit(challenge.key, challenge.answer).is_valid()
    row = CaptchaStore.objects.get()
    assert row.hashkey == challenge.nonce
    assert row.response == challenge.answer
    assert row.expiration == datetime.fromtimestamp(challenge.expires, UTC)


def tampered(key: str) -> list[str]:
    """The key with one character changed in each part, and with parts swapped."""
    nonce, expires, mac = key.split("_")

    def flip(text: str) -> str:
        return ("1" if text[0] == "0" else "0") + text[1:]

    return [
        f"{flip(nonce)}_{expires}_{mac}",
        f"{nonce}_{int(expires) + 3600}_{mac}",
        f"{nonce}_{expires}_{flip(mac)}",
        f"{nonce}_{expires}",
        f"{nonce}_0{expires}_{mac}",
        key + "_",
        key.upper(),
        "",
        "abc",
        nonce,
        "x" * 100_000,
        # The same digit in Arabic-Indic script (the key may hold no zero at all).
        f"{nonce}_{chr(0x0660 + int(expires[0]))}{expires[1:]}_{mac}",
    ]


@pytest.mark.django_db
def test_a_tampered_or_made_up_key_is_refused_and_stores_nothing():
    challenge = challenge_new()
    for key in tampered(challenge.key):
        assert challenge_read(key) is None, key
        assert not submit(key, challenge.answer).is_valid(), key
    assert not CaptchaStore.objects.exists()
    assert submit(challenge.key, challenge.answer).is_valid()  # the genuine one is untouched


@pytest.mark.django_db
def test_a_key_made_under_another_secret_is_refused_unless_it_is_a_fallback(settings):
    settings.SECRET_KEY = "another-" * 8
    old, older = challenge_new(), challenge_new()
    settings.SECRET_KEY = "test-only-" * 8
    assert not submit(old.key, old.answer).is_valid()
    settings.SECRET_KEY_FALLBACKS = ["another-" * 8]
    assert challenge_read(older.key) == older
    assert submit(older.key, older.answer).is_valid()


@pytest.mark.django_db
def test_an_expired_question_is_refused_and_stores_nothing(monkeypatch):
    challenge = challenge_new()
    monkeypatch.setattr(time, "time", lambda: challenge.expires)
    form = submit(challenge.key, challenge.answer)
    assert not form.is_valid()
    assert "captcha" in form.errors
    assert not CaptchaStore.objects.exists()


@pytest.mark.django_db
def test_checking_an_answer_deletes_rows_expired_longer_than_the_grace(monkeypatch):
    challenges = [challenge_new() for _ in range(3)]
    for challenge in challenges:
        assert submit(challenge.key, challenge.answer).is_valid()
    expired = challenges[0].expires
    # Later, with a new question: the old rows are expired, but within the grace.
    monkeypatch.setattr(time, "time", lambda: expired + captcha.SWEEP_GRACE - 1)
    later = challenge_new()
    assert submit(later.key, later.answer).is_valid()
    assert CaptchaStore.objects.count() == 4
    # Past the grace, the next check deletes them.
    monkeypatch.setattr(time, "time", lambda: expired + captcha.SWEEP_GRACE + 1)
    last = challenge_new()
    assert submit(last.key, int(last.answer) + 1).errors  # wrong, and still sweeps
    assert set(CaptchaStore.objects.values_list("hashkey", flat=True)) == {
        later.nonce,
        last.nonce,
    }
    # A replay of a swept key stays refused: it expired before it was swept.
    assert not submit(challenges[1].key, challenges[1].answer).is_valid()


@pytest.mark.django_db
def test_a_form_refused_as_a_whole_leaves_the_captcha_unchecked_and_unused():
    challenge = challenge_new()
    form = ProbeForm(data={"text": "", "captcha_0": challenge.key, "captcha_1": "99"})
    form.refuse("Zu viele.")
    assert "captcha" not in form.errors
    assert form.errors["text"]
    assert form.non_field_errors() == ["Zu viele."]
    assert not CaptchaStore.objects.exists()
    assert submit(challenge.key, challenge.answer).is_valid()
