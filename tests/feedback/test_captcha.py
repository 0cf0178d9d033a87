import re
import time
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.captcha import (
    NUMBER_WORDS,
    ChallengeStock,
    arithmetic_challenge,
    normalize_answer,
)
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


def test_challenges_are_sums_in_german_words_with_their_result():
    for _ in range(200):
        challenge, response = arithmetic_challenge()
        assert re.fullmatch(r"[a-zäöüß]+ (plus|minus) [a-zäöüß]+", challenge), challenge
        assert len(challenge) <= 32  # django-simple-captcha's column
        assert int(response) == solve(challenge) >= 0


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
    form = ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": answer})
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
def test_a_wrong_answer_uses_up_the_question():
    key = CaptchaStore.generate_key()
    right = CaptchaStore.objects.get(hashkey=key).response
    wrong = str(int(right) + 1)
    assert not ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": wrong}).is_valid()
    # One attempt per question: guessing through the results does not work.
    assert not ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": right}).is_valid()


# --- Challenges stored ahead for pages served from the cache ----------------------------


@pytest.mark.django_db
def test_the_stock_stores_many_challenges_in_one_insert_and_hands_each_out_once(
    django_assert_num_queries,
):
    stock = ChallengeStock(size=5, max_size=5)
    with CaptureQueriesContext(connection) as captured:
        taken = [stock.take()]
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert [s for s in statements if s in ("INSERT", "DELETE", "SELECT")] == ["DELETE", "INSERT"]
    with django_assert_num_queries(0):
        taken += [stock.take() for _ in range(4)]
    taken.append(stock.take())  # the sixth needs a new batch

    assert len({item.hashkey for item in taken}) == 6
    assert CaptchaStore.objects.count() == 10
    for item in taken:
        store = CaptchaStore.objects.get(hashkey=item.hashkey)
        first, operator, second = item.numbers
        assert store.response == str(
            solve(f"{NUMBER_WORDS[first]} {operator} {NUMBER_WORDS[second]}")
        )
        assert store.expiration > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_the_stock_hands_out_no_challenge_older_than_its_maximum_age():
    stock = ChallengeStock(size=3, max_age=0.0)
    first, second = stock.take(), stock.take()
    assert first.hashkey != second.hashkey
    assert CaptchaStore.objects.count() == 6  # the first batch's rest was not handed out


@pytest.mark.django_db
def test_the_stock_grows_while_its_batches_are_used_up_and_shrinks_when_they_are_not(
    monkeypatch,
):
    stock = ChallengeStock(size=2, max_size=8, max_age=60.0)
    sizes, stored = [], 0
    for _ in range(2 + 4 + 8 + 7):  # one of the last batch is left
        stock.take()
        if (count := CaptchaStore.objects.count()) > stored:
            sizes.append(count - stored)
            stored = count
    assert sizes == [2, 4, 8, 8]
    assert CaptchaStore.objects.count() == 22

    later = time.monotonic() + 61  # the last one grew too old unused
    monkeypatch.setattr(time, "monotonic", lambda: later)
    stock.take()
    assert CaptchaStore.objects.count() == 22 + 4


@pytest.mark.django_db
def test_storing_a_batch_deletes_expired_challenges():
    expired = CaptchaStore.objects.create(
        challenge="eins plus eins", response="2", expiration=timezone.now() - timedelta(minutes=1)
    )
    ChallengeStock(size=2).take()
    assert not CaptchaStore.objects.filter(pk=expired.pk).exists()
    assert CaptchaStore.objects.count() == 2


@pytest.mark.django_db
def test_a_stocked_challenge_is_answered_like_any_other():
    item = ChallengeStock(size=1).take()
    answer = CaptchaStore.objects.get(hashkey=item.hashkey).response
    form = ProbeForm(data={"text": "x", "captcha_0": item.hashkey, "captcha_1": answer})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_question_is_used_up_by_its_first_answer_right_or_wrong():
    right, wrong = ChallengeStock(size=2).take(), ChallengeStock(size=2).take()
    answers = {
        item.hashkey: CaptchaStore.objects.get(hashkey=item.hashkey).response
        for item in (right, wrong)
    }

    def form(key: str, answer: str) -> ProbeForm:
        return ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": answer})

    assert form(right.hashkey, answers[right.hashkey]).is_valid()
    assert not form(right.hashkey, answers[right.hashkey]).is_valid()  # replayed
    assert not form(wrong.hashkey, "99").is_valid()
    assert not form(wrong.hashkey, answers[wrong.hashkey]).is_valid()  # no second guess
    assert not CaptchaStore.objects.filter(hashkey__in=answers).exists()


@pytest.mark.django_db
def test_an_expired_question_is_refused():
    item = ChallengeStock(size=1).take()
    store = CaptchaStore.objects.get(hashkey=item.hashkey)
    CaptchaStore.objects.filter(pk=store.pk).update(expiration=timezone.now())
    form = ProbeForm(data={"text": "x", "captcha_0": item.hashkey, "captcha_1": store.response})
    assert not form.is_valid()
    assert "captcha" in form.errors
