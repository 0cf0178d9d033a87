import re

import pytest
from captcha.models import CaptchaStore
from django import forms
from django.contrib.auth.models import AnonymousUser

from feedback.captcha import NUMBER_WORDS, arithmetic_challenge, normalize_answer
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
