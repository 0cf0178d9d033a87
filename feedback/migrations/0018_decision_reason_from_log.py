import django.db.models.deletion
from django.db import migrations, models


def reasons_from_log(apps, schema_editor):
    """Earlier rejections logged the chosen reason only as text ("<title>" or
    "<title>: <note>"); link those whose text starts with a reason's title."""
    ModerationAction = apps.get_model("feedback", "ModerationAction")
    RejectionReason = apps.get_model("feedback", "RejectionReason")
    # Longest titles first, so a title that begins another one does not take its rejections.
    for reason in sorted(RejectionReason.objects.all(), key=lambda r: -len(r.title)):
        rejections = ModerationAction.objects.filter(action="reject", decision_reason=None)
        rejections.filter(reason=reason.title).update(decision_reason=reason)
        rejections.filter(reason__startswith=f"{reason.title}: ").update(decision_reason=reason)



class Migration(migrations.Migration):
    """Rejections logged before reasons were stored link the reason their text starts with;
    a reason in use can no longer be deleted (it is retired with "aktiv"), so the public
    moderation record and the author's case page keep its name."""

    dependencies = [
        ("feedback", "0017_moderation_reason_and_appeal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationaction",
            name="decision_reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.rejectionreason",
                verbose_name="Grund",
            ),
        ),
        migrations.RunPython(reasons_from_log, migrations.RunPython.noop),
    ]
