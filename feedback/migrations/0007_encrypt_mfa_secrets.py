from django.db import migrations


def encrypt(apps, schema_editor):
    from verl_digital.accounts.services import mfa_secrets_encrypt

    mfa_secrets_encrypt(model=apps.get_model("mfa", "Authenticator"))


def decrypt(apps, schema_editor):
    """Back to clear text, which a release before the encryption can read."""
    from verl_digital.accounts.secretbox import authenticator_secrets_map, secret_decrypt

    authenticators = apps.get_model("mfa", "Authenticator").objects
    for authenticator in authenticators.filter(type__in=["totp", "recovery_codes"]):
        authenticator.data = authenticator_secrets_map(authenticator.data, secret_decrypt)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    """Second-factor secrets stored in the clear before `verl_digital.accounts.adapters.MFAAdapter`
    encrypted them are encrypted now."""

    dependencies = [
        ("mfa", "0003_authenticator_type_uniq"),
        ("feedback", "0006_captcha_expiration_index"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
