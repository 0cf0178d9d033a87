"""The project package's own table: which staff enrolment links were used
(`verl_digital.accounts.second_factor`). The apps' data lives in the apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UsedEnrolmentLink(models.Model):
    """A staff enrolment link that was followed: it works once.

    Holds no personal data, only the link's random number; rows older than a link's lifetime
    are removed when the next link is used.
    """

    nonce = models.CharField(_("Kennung des Links"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("verwendet am"), db_index=True)

    class Meta:
        verbose_name = _("verwendeter Einrichtungslink")
        verbose_name_plural = _("verwendete Einrichtungslinks")

    def __str__(self) -> str:
        return f"{self.nonce[:8]}… {self.used_at:%Y-%m-%d %H:%M}"
