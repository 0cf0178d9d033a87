from django.db import migrations


class Migration(migrations.Migration):
    """An index on django-simple-captcha's expiry column.

    Expired rows are deleted as new ones are written (when written, by the stock of
    questions that `feedback.captcha` kept then; now by the check of an answer); without this
    index each of those deletes scans the whole table, which a wave of spam bots can make large.
    """

    dependencies = [
        ("captcha", "0002_alter_captchastore_id"),
        ("feedback", "0005_admin_list_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS feedback_captcha_expiration_idx "
            "ON captcha_captchastore (expiration)",
            reverse_sql="DROP INDEX IF EXISTS feedback_captcha_expiration_idx",
        ),
    ]
