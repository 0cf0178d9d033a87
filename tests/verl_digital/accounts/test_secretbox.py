"""Second-factor secrets encrypted under SECRET_KEY, readable through a key rotation."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.test import override_settings

from tests.feedback.factories import TOTP_SECRET, UserFactory, staff_ready, totp_code
from verl_digital.accounts.secretbox import (
    ENCRYPTED_PREFIX,
    is_current,
    secret_decrypt,
    secret_encrypt,
)

OLD_KEY = "old-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"
NEW_KEY = "new-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"


def test_a_secret_is_stored_encrypted_and_read_back():
    stored = secret_encrypt("JBSWY3DPEHPK3PXP")
    assert stored.startswith(ENCRYPTED_PREFIX)
    assert "JBSWY3DPEHPK3PXP" not in stored
    assert secret_encrypt("JBSWY3DPEHPK3PXP") != stored  # a fresh nonce each time
    assert secret_decrypt(stored) == "JBSWY3DPEHPK3PXP"
    assert is_current(stored)


def test_clear_text_from_before_the_encryption_is_read_as_it_is():
    assert secret_decrypt("JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"
    assert not is_current("JBSWY3DPEHPK3PXP")


def test_a_rotated_key_reads_old_secrets_only_while_the_old_key_is_a_fallback():
    with override_settings(SECRET_KEY=OLD_KEY):
        stored = secret_encrypt("geheim")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert secret_decrypt(stored) == "geheim"
        assert not is_current(stored)
    with (
        override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(InvalidToken),
    ):
        secret_decrypt(stored)


@pytest.mark.django_db
def test_second_factors_work_with_encrypted_secrets():
    user = UserFactory(is_staff=True)
    staff_ready(user)
    codes = RecoveryCodes.activate(user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP_SECRET not in totp.data["secret"]
    assert TOTP(totp).validate_code(totp_code())
    seed = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert seed.data["seed"].startswith(ENCRYPTED_PREFIX)
    assert RecoveryCodes(seed).validate_code(codes.get_unused_codes()[0])


def encrypt_command(*args: str) -> str:
    out = StringIO()
    call_command("encrypt_mfa_secrets", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_encrypts_clear_and_old_secrets_under_the_current_key():
    clear, rotated, current = UserFactory.create_batch(3, is_staff=True)
    Authenticator.objects.create(
        user=clear, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    Authenticator.objects.create(
        user=clear,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "abc", "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    with override_settings(SECRET_KEY=OLD_KEY):
        staff_ready(rotated)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        staff_ready(current)
        before = dict(Authenticator.objects.values_list("pk", "data"))

        assert "3 authenticator(s) would be re-encrypted" in encrypt_command("--dry-run")
        assert dict(Authenticator.objects.values_list("pk", "data")) == before
        assert "3 authenticator(s) re-encrypted" in encrypt_command()
        assert "under the current key" in encrypt_command()  # nothing left to do

        for authenticator in Authenticator.objects.all():
            assert is_current(authenticator.data.get("secret") or authenticator.data["seed"])
        unchanged = Authenticator.objects.get(user=current)
        assert unchanged.data == before[unchanged.pk]
        codes = Authenticator.objects.get(user=clear, type=Authenticator.Type.RECOVERY_CODES)
        assert [secret_decrypt(code) for code in codes.data["migrated_codes"]] == ["12345678"]
    # The old key can go now: every secret is readable under the new one alone.
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        for user in (clear, rotated, current):
            totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
            assert TOTP(totp).validate_code(totp_code())
