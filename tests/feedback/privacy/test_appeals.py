"""An appeal's text is its author's personal data: exported, erased and purged with the
comment it is about."""

import pytest

from feedback.appeals.services import appeal_decide, appeal_submit
from feedback.models import Appeal, AppealStatus, Comment
from feedback.privacy import erasure, export, lookup
from tests.feedback.appeals.helpers import AUTHOR, decision_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(moderator):
    from django.contrib.auth.models import Permission

    moderator.user_permissions.add(Permission.objects.get(codename="manage_personal_data"))
    return moderator


def test_the_export_holds_the_appeal_and_the_reason(rejected, staff, decision_reason):
    appeal_submit(decision=rejected, text="Mein Widerspruch.")
    assert lookup.personal_data_find(email=AUTHOR).counts()["appeals"] == 1
    data = export.personal_data_export(email=AUTHOR, actor=staff)
    [comment] = data["comments"]
    reject = next(step for step in comment["moderation"] if step["step"] == "reject")
    assert reject["reason_from_list"] == decision_reason.title
    assert reject["appeal"]["text"] == "Mein Widerspruch."
    assert reject["appeal"]["status"] == AppealStatus.OPEN


def test_erasure_blanks_the_appeal_of_a_public_comment_and_deletes_the_others(
    rejected, staff, second_moderator, page, moderator, decision_reason
):
    from feedback.comments import services as comments
    from tests.feedback.appeals.helpers import submitted

    appeal = appeal_submit(decision=rejected, text="Bitte veröffentlichen.")
    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=True, reason="Ok.")
    other = submitted(page, text="Noch ein Kommentar.")
    comments.comment_reject(comment=other, moderator=moderator, reason=decision_reason)
    appeal_submit(decision=decision_of(other, "reject"), text="Auch diesen bitte.")

    erasure.personal_data_erase(email=AUTHOR, actor=staff)

    public = Comment.objects.get(pk=rejected.comment_id)
    assert public.author_email == ""
    appeal.refresh_from_db()
    assert appeal.text == ""
    assert appeal.review_reason == "Ok."  # the staff's review, nothing of the author
    assert not Comment.objects.filter(pk=other.pk).exists()
    assert list(Appeal.objects.all()) == [appeal]
