"""load_verl_content --demo adds approved demo comments, the town's answers and measure links."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import Comment, CommentStatus, MeasureLink
from strategy.models import Measure
from strategy.packs import pack_read

pytestmark = pytest.mark.django_db

DEMO_COMMENTS = pack_read("verl").demo["comments"]
ANSWERS = sum(1 for entry in DEMO_COMMENTS if entry.get("answer"))
LINKS = sum(len(entry.get("measures", [])) for entry in DEMO_COMMENTS)


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_verl_content", "--demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Comment.objects.order_by("pk").values_list("pk", "parent_id", "text", "updated_at")
    ) + list(MeasureLink.objects.order_by("pk").values_list("pk", "measure_id", "comment_id"))


def test_demo_comments_answers_and_links_are_loaded_once():
    run()
    comments = Comment.objects.filter(is_official=False)
    assert comments.count() == len(DEMO_COMMENTS)
    assert Comment.objects.filter(is_official=True).count() == ANSWERS
    assert MeasureLink.objects.count() == LINKS
    assert not Comment.objects.filter(is_demo=False).exists()
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.APPROVED}
    assert Comment.objects.public().count() == len(DEMO_COMMENTS) + ANSWERS
    answer = Comment.objects.get(is_official=True, text__startswith="Das bleibt so")
    assert answer.parent.author_name == "Heinz W."
    assert answer.target == answer.parent.target
    assert answer.author_name == "Stadt Verl"

    before = snapshot()
    assert "created 0, updated 0" in run()
    assert snapshot() == before


def test_the_demo_feedback_shows_on_a_demo_measure(client):
    run()
    measure = Measure.objects.get(slug="online-terminvergabe")
    html = client.get(measure.get_absolute_url()).content.decode()
    assert "Dieser Maßnahme sind 2 Rückmeldungen aus der Bürgerschaft zugeordnet" in html
    assert "Sofa aus gebucht" in html
    assert "Antwort der Stadt Verl" in html  # in the comments below the article
    assert "Beispiel" in html


def test_a_dry_run_writes_no_feedback():
    output = run("--dry-run", "--verbosity", "2")
    assert "created: feedback.comment:" in output
    assert "created: feedback.measurelink:" in output
    assert not Comment.objects.exists()
    assert not MeasureLink.objects.exists()


def test_what_an_editor_deleted_or_changed_stays_so():
    run()
    deleted = Comment.objects.get(author_name="Heinz W.")
    deleted.delete()  # its answer and links go with it
    changed = Comment.objects.get(author_name="Sabine K.")
    changed.text = "Von der Moderation gekürzt."
    changed.save()

    output = run()
    assert "created 0, updated 0" in output
    assert not Comment.objects.filter(author_name="Heinz W.").exists()
    assert not Comment.objects.filter(text__startswith="Das bleibt so").exists()
    assert Comment.objects.get(pk=changed.pk).text == "Von der Moderation gekürzt."


def test_the_search_finds_demo_comments_marked_as_such(client):
    run()
    html = client.get("/suche/", {"q": "Schaukel"}).content.decode()
    assert "Kommentar von Lena M." in html
    assert "badge-demo" in html
