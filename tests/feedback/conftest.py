import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from imap_tools import MailBoxUnencrypted


@pytest.fixture
def roles(db: None) -> None:
    call_command("setup_roles", verbosity=0)


@pytest.fixture
def moderator(roles):
    from tests.feedback.factories import UserFactory

    return UserFactory(
        username="moderatorin", email="moderation@verl.example", groups=["Moderation"]
    )


@pytest.fixture
def second_moderator(roles):
    """Another moderator: the second review of an appeal is never the first one's."""
    from tests.feedback.factories import UserFactory

    return UserFactory(
        username="moderator2", email="moderation2@verl.example", groups=["Moderation"]
    )


@pytest.fixture
def moderator_client(moderator):
    from tests.feedback.factories import signed_in

    return signed_in(moderator)


@pytest.fixture
def editor(roles):
    from tests.feedback.factories import UserFactory

    return UserFactory(username="redakteur", email="redaktion@verl.example", groups=["Redaktion"])


@pytest.fixture
def decision_reason(db: None):
    """A reason from the list, which rejecting, marking as spam and hiding require."""
    from tests.feedback.factories import RejectionReasonFactory

    return RejectionReasonFactory(title="Werbung", text="Ihr Beitrag enthält Werbung.")


@pytest.fixture
def author_address(db: None):
    """The confirmed address of the author in tests/feedback/appeals (wants updates)."""
    from tests.feedback.appeals.helpers import AUTHOR
    from tests.feedback.factories import ConfirmedAddressFactory

    return ConfirmedAddressFactory(email=AUTHOR)


@pytest.fixture
def rejected(page, moderator, decision_reason, author_address):
    """A guest's comment the first moderator rejected: the decision an appeal is about."""
    from feedback.comments import services as comments
    from tests.feedback.appeals.helpers import decision_of, submitted

    comment = submitted(page)
    comments.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
    return decision_of(comment, "reject")


@pytest.fixture
def page(db: None):
    from tests.strategy.factories import PageFactory

    return PageFactory(title="Smarte Verwaltung", slug="smarte-verwaltung")


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = verl-test-{port}
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={base}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    """A real Dovecot on a free local port; every user name logs in with `password`."""

    host: str
    port: int
    password: str

    def connect(self, user: str) -> MailBoxUnencrypted:
        return MailBoxUnencrypted(self.host, self.port, timeout=10).login(user, self.password)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Start a private Dovecot (Debian's dovecot-imapd, installed by .ci/run) for the session.

    Its configuration, sockets and mail live in a temporary folder; mail belongs to the
    `dovecot` system user, since Dovecot refuses to serve mail as root.
    """
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        pytest.fail("Dovecot is missing: apt-get install dovecot-imapd (see .ci/run)")
    if os.geteuid() != 0:
        pytest.fail("The IMAP tests start Dovecot, which needs root (as CI runs).")
    base = Path(tempfile.mkdtemp(prefix="verl-dovecot-"))
    base.chmod(0o755)  # the dovecot user must reach its mail below
    (base / "home").mkdir()
    mail_user = pwd.getpwnam("dovecot")
    os.chown(base / "home", mail_user.pw_uid, mail_user.pw_gid)
    server = ImapServer(host="127.0.0.1", port=_free_port(), password=uuid.uuid4().hex)
    config = base / "dovecot.conf"
    config.write_text(
        DOVECOT_CONF.format(
            base=base, port=server.port, password=server.password, mail_user="dovecot"
        )
    )
    process = subprocess.Popen(  # noqa: S603
        [binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection((server.host, server.port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (base / "dovecot.log").read_text()
                        if (base / "dovecot.log").exists()
                        else ""
                    )
                    pytest.fail(f"Dovecot did not start: {process.stdout.read()!r} {log}")
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class ImapAccount:
    server: ImapServer
    user: str

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.server.connect(self.user) as box:
            box.append(raw, folder)

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        """The flags of each message in the folder, oldest first."""
        with self.server.connect(self.user) as box:
            box.folder.set(folder)
            return [set(m.flags) for m in box.fetch(headers_only=True, mark_seen=False)]

    def raw_messages(self, folder: str = "INBOX") -> list[bytes]:
        with self.server.connect(self.user) as box:
            box.folder.set(folder)
            result = []
            for uid in box.uids():
                response = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
                result.append(next(item[1] for item in response[1] if isinstance(item, tuple)))
            return result

    def create_folder(self, folder: str) -> None:
        with self.server.connect(self.user) as box:
            box.folder.create(folder)


@pytest.fixture
def imap_account(imap_server: ImapServer, settings) -> ImapAccount:
    """A fresh, empty mailbox on the test Dovecot, and Django pointed at it.

    The test server speaks plain IMAP on localhost, so TLS is switched off by configuration.
    """
    account = ImapAccount(server=imap_server, user=f"cdo-{uuid.uuid4().hex[:10]}")
    settings.IMAP_HOST = imap_server.host
    settings.IMAP_PORT = imap_server.port
    settings.IMAP_USER = account.user
    settings.IMAP_PASSWORD = imap_server.password
    settings.IMAP_SSL = False
    settings.IMAP_STARTTLS = False
    settings.IMAP_FOLDER = "INBOX"
    settings.IMAP_PROCESSED_FOLDER = ""
    return account
