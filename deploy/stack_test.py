#!/usr/bin/env python3
"""The production image and the compose stack, run for real: `make stack-test` (as root).

Python's standard library only; runs with the system python3. One line per step with its
time, PASS or FAIL per check; the exit status is 1 when a check failed, 2 when the stack
could not be brought up at all.

1. Docker. Debian's `docker.io`, `docker-compose` (v1, the Python one) and `debootstrap` are
   installed when missing. Docker's own client in /usr/bin (the daemon's version) is used,
   not a newer one earlier on PATH. When no daemon answers, `dockerd` is started in the
   background (log: /var/log/verl-stack-test-dockerd.log) and left running; if it does not
   come up with its defaults, it is tried once more with the vfs storage driver and without
   iptables.
2. Upstream images. No registry may be reachable. Each image the project names
   (python:3.11-slim in the Dockerfile; postgres:15, redis:7, nginx:1.27 in compose.yaml) is
   used if present, else pulled, else replaced by a *stand-in* under the upstream name, built
   from Debian bookworm packages (deploy/standins/<name>/, FROM a minimal Debian made once
   with debootstrap and `docker import`). Stand-ins follow the upstream images' contracts
   (a Python with pip first on PATH; POSTGRES_* and pg_isready; redis-server and redis-cli;
   nginx reading /etc/nginx/conf.d/default.conf) but carry Debian's versions (Python 3.11.2,
   PostgreSQL 15, Redis 7.0, nginx 1.22). They stay cached; one is rebuilt when its folder
   changes (label `org.verl.standin`). The host's CA bundle is copied into the Python
   stand-in, so pip trusts what the host trusts (a proxy in front of PyPI, say); a new
   bundle rebuilds it too.
3. The project's image is built from the Dockerfile as it is (`docker build --network host`,
   the classic builder) and tagged verl-digital:stack-test.
4. The stack is compose.yaml as it is, plus a generated override and env file: the app
   services use the image just built, and the default network is one this run creates with
   `docker network create --internal`: containers reach each other and this machine, nothing
   else (published ports have no effect there, so port 8000 is left alone). Test-only values
   (secret key, database password, the SMTP server, two gunicorn workers per container;
   ALLOWED_HOSTS only the public name, as in production) come from the env file; the
   process's own environment is not passed on (nor a `.env` in the project). The test plays the
   TLS-terminating proxy: its requests carry `X-Forwarded-Proto: https` and `Host:
   localhost`, so the production settings run unchanged (HTTPS redirect, __Host- cookies,
   CSRF origin checks).
5. Checks: the load balancer answers `/`, `/healthz` and a German 404 and spreads requests
   over both web containers (paths unique to the run, found in each container's log); no
   client address or query string appears in the logs; a guest's comment sent to web-1 and
   approved through feedback.comments.services is on the page at once when fetched from web-2 (whose
   cached copy was taken before); the contact form's receipt, sent by the worker, arrives at
   an SMTP server this script runs on the network's gateway address; a web container whose
   main process is killed (SIGKILL from the host) is restarted by its restart policy, answers
   /healthz and gets requests from the load balancer again, also when it comes back at
   another address (stopped, its address taken by a throwaway container, started: nginx must
   look the name up again, not keep the address it saw at start); every long-running service
   runs with `restart: unless-stopped` and without restarts, the web containers pass the image's
   HEALTHCHECK, the other app containers have it switched off (no gunicorn there; fetch-email
   runs although no IMAP_HOST is set); posts through the load balancer that name the same
   visitor after different forged addresses (as a TLS proxy appends) share one rate limit,
   another visitor has their own, and no web container warns about its proxy settings; only
   the load balancer publishes a port. Captcha questions are answered from their words on the
   page, as a visitor does.
6. Teardown, also after a failure, Ctrl-C or SIGTERM: `docker-compose down -v` and the
   network. The stand-ins and the project's image stay (the previous project image is removed
   when a new one replaces it). The compose logs and build logs are kept in a temporary folder
   after a failure. `--keep` leaves the stack running for a look.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANDINS = ROOT / "deploy" / "standins"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
BASE_IMAGE = "verl-standin/bookworm-minbase:latest"
STANDIN_LABEL = "org.verl.standin"
SQUATTER_LABEL = "org.verl.stack-test.squatter"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Upstream image -> folder of its stand-in under deploy/standins/.
UPSTREAM = {
    "python:3.11-slim": "python",
    "postgres:15": "postgres",
    "redis:7": "redis",
    "nginx:1.27": "nginx",
}
APP_IMAGE = "verl-digital:stack-test"
APP_SERVICES = [
    "migrate",
    "web-1",
    "web-2",
    "worker",
    "fetch-email",
    "purge-personal-data",
    "overdue-summary",
    "transparency",
]
OTHER_SERVICES = ["db", "redis", "page-cache", "lb"]
LONG_RUNNING = [s for s in APP_SERVICES + OTHER_SERVICES if s != "migrate"]
DOCKERD_LOG = Path("/var/log/verl-stack-test-dockerd.log")
HOST = "localhost"  # the Host header of every request: in ALLOWED_HOSTS of the test stack
# What the TLS proxy in front of the load balancer adds (README, "Production").
HTTPS = {"X-Forwarded-Proto": "https"}
MAIL_TO = "stack-test@example.org"
# The captcha asks a sum of two numbers from 1 to 10 in words (feedback/captcha.py).
NUMBER_WORDS = [
    "null",
    "eins",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
]

START = time.monotonic()
DOCKER = "docker"


class StackError(Exception):
    """The stack could not be built or started: no point in further checks."""


class CheckFailed(Exception):
    """A check found something wrong."""


def expect(condition: object, message: str) -> None:
    """Like assert, but not dropped under `python -O`."""
    if not condition:
        raise CheckFailed(message)


def say(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {message}", flush=True)


def run(
    args: list[str],
    *,
    timeout: float = 600,
    check: bool = True,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    merge: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run a command; its output is returned (stderr in stdout with `merge`) or goes to `log`."""
    output = log.open("w") if log else None
    try:
        result = subprocess.run(  # noqa: S603 - fixed commands, no shell
            args,
            stdout=output or subprocess.PIPE,
            stderr=subprocess.STDOUT if output or merge else subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise StackError(f"{' '.join(args[:4])} …: no answer in {timeout:.0f}s") from error
    finally:
        if output:
            output.close()
    if check and result.returncode != 0:
        text = log.read_text(errors="replace") if log else (result.stderr or result.stdout)
        tail = "\n".join(text.strip().splitlines()[-25:])
        raise StackError(f"{' '.join(args[:4])} … exited {result.returncode}:\n{tail}")
    return result


def docker(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return run([DOCKER, *args], **kwargs)


# --- 1. Docker ---------------------------------------------------------------------------


def docker_install() -> None:
    global DOCKER
    missing = [c for c in ("dockerd", "docker-compose", "debootstrap") if not shutil.which(c)]
    if not Path("/usr/bin/docker").exists() and not shutil.which("docker"):
        missing.append("docker")
    if missing:
        if os.geteuid() != 0:
            raise StackError(f"missing {', '.join(missing)}; run as root to install them")
        began = time.monotonic()
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = ["-o", "DPkg::Lock::Timeout=300"]
        run(["apt-get", "update", "-qq", *apt], env=env)
        packages = ["docker.io", "docker-compose", "debootstrap"]
        run(["apt-get", "install", "-y", "-qq", *apt, *packages], env=env, timeout=900)
        say(f"installed {' '.join(packages)} ({time.monotonic() - began:.1f}s)")
    # Debian's client has the daemon's version. A newer one earlier on PATH (28.x in
    # /usr/local/bin on the CI machine) talks to it too, but wants buildx to build and warns
    # that its legacy builder is going away.
    DOCKER = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else shutil.which("docker")


def docker_answers() -> bool:
    try:
        return run([DOCKER, "info"], check=False, timeout=30).returncode == 0
    except StackError:  # no answer in time
        return False


def dockerd_start() -> None:
    if docker_answers():
        version = docker("version", "-f", "{{.Server.Version}}").stdout.strip()
        say(f"docker daemon {version} answers")
        return
    if os.geteuid() != 0:
        raise StackError("no docker daemon answers; run as root to start one")
    pidfile = Path("/var/run/docker.pid")
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 0)
        except (ValueError, ProcessLookupError):
            pidfile.unlink()  # left by a daemon that died: dockerd would refuse to start
    # The defaults work on the CI machine (overlay2, iptables); the second try is for hosts
    # without overlayfs or iptables.
    for flags in ([], ["--storage-driver=vfs", "--iptables=false"]):
        began = time.monotonic()
        with DOCKERD_LOG.open("ab") as log:
            daemon = subprocess.Popen(  # noqa: S603 - fixed command
                ["dockerd", *flags],  # noqa: S607 - Debian's, found on PATH
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - began < 60 and daemon.poll() is None:
            if docker_answers():
                say(
                    f"started dockerd {' '.join(flags) or '(defaults)'}, pid {daemon.pid}, "
                    f"log {DOCKERD_LOG} ({time.monotonic() - began:.1f}s)"
                )
                return
            time.sleep(1)
        if daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(20)
            except subprocess.TimeoutExpired:
                daemon.kill()
        say(f"dockerd {' '.join(flags) or '(defaults)'} did not answer; see {DOCKERD_LOG}")
    raise StackError(f"no docker daemon could be started; see {DOCKERD_LOG}")


# --- 2. Upstream images or their stand-ins -------------------------------------------------


def image_labels(name: str) -> dict[str, str] | None:
    """The image's labels ({} for none), or None when there is no such image here."""
    result = docker("image", "inspect", "-f", "{{json .Config.Labels}}", name, check=False)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout) or {}


def standin_digest(folder: Path) -> str:
    """What a stand-in is built from: its folder (and the CA bundle it copies in)."""
    digest = hashlib.sha256()
    files = [(p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file()]
    if folder.name == "python" and CA_BUNDLE.exists():
        files.append(("host-ca/" + CA_BUNDLE.name, CA_BUNDLE))
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def base_image(work: Path) -> None:
    """A minimal Debian bookworm, made once with debootstrap: the stand-ins' base."""
    if image_labels(BASE_IMAGE) is not None:
        return
    began = time.monotonic()
    rootfs = work / "rootfs"
    run(
        ["debootstrap", "--variant=minbase", "bookworm", str(rootfs), DEBIAN_MIRROR],
        timeout=1200,
        log=work / "debootstrap.log",
    )
    (rootfs / "etc/apt/sources.list").write_text(
        "deb http://deb.debian.org/debian bookworm main\n"
        "deb http://deb.debian.org/debian bookworm-updates main\n"
        "deb http://deb.debian.org/debian-security bookworm-security main\n"
    )
    # As Debian's official images: packages never start services while an image is built.
    policy = rootfs / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    for folder in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (rootfs / folder).glob("*"):
            if path.is_file():
                path.unlink()
    archive = ["tar", "-C", str(rootfs), "-c", "."]
    tar = subprocess.Popen(archive, stdout=subprocess.PIPE)  # noqa: S603 - fixed command
    path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    imported = subprocess.run(  # noqa: S603 - fixed command
        [DOCKER, "import", "-c", f"ENV {path}", "-c", 'CMD ["bash"]', "-", BASE_IMAGE],
        stdin=tar.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    tar.stdout.close()
    if tar.wait() != 0 or imported.returncode != 0:
        raise StackError(f"docker import of the Debian base failed: {imported.stderr.strip()}")
    shutil.rmtree(rootfs)
    say(f"built base {BASE_IMAGE} with debootstrap ({time.monotonic() - began:.1f}s)")


def pulled(name: str) -> bool:
    began = time.monotonic()
    try:
        if docker("pull", "-q", name, check=False, timeout=30).returncode != 0:
            return False
    except StackError:  # no answer in time
        return False
    say(f"{name}: pulled ({time.monotonic() - began:.1f}s)")
    return True


def standin_build(name: str, folder: Path, digest: str, work: Path) -> None:
    context = work / f"standin-{folder.name}"
    shutil.copytree(folder, context)
    if folder.name == "python":
        (context / "host-ca").mkdir()
        if CA_BUNDLE.exists():
            shutil.copy(CA_BUNDLE, context / "host-ca" / CA_BUNDLE.name)
    docker(
        "build",
        "--network",
        "host",
        "--build-arg",
        f"BASE={BASE_IMAGE}",
        "--label",
        f"{STANDIN_LABEL}={digest}",
        "-t",
        name,
        str(context),
        env=build_env(),
        timeout=1200,
        log=work / f"build-{folder.name}.log",
    )


def standins(work: Path) -> float:
    """Every upstream image present: pulled if possible, else a stand-in. Returns build seconds."""
    built = 0.0
    for name, folder_name in UPSTREAM.items():
        folder = STANDINS / folder_name
        digest = standin_digest(folder)
        labels = image_labels(name)
        if labels is not None and STANDIN_LABEL not in labels:
            say(f"{name}: upstream image present")
            continue
        if labels is not None and labels[STANDIN_LABEL] == digest:
            say(f"{name}: stand-in cached")
            continue
        if labels is None and pulled(name):
            continue
        began = time.monotonic()
        base_image(work)
        standin_build(name, folder, digest, work)
        seconds = time.monotonic() - began
        built += seconds
        reason = "outdated stand-in" if labels is not None else "cannot be pulled"
        say(f"{name}: {reason}, built a stand-in from Debian packages ({seconds:.1f}s)")
    return built


# --- 3. The project's image ------------------------------------------------------------------


def build_env() -> dict[str, str]:
    return {**os.environ, "DOCKER_BUILDKIT": "0"}


def image_id(name: str) -> str | None:
    result = docker("image", "inspect", "-f", "{{.Id}}", name, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def app_image(work: Path) -> dict[str, str]:
    began = time.monotonic()
    previous = image_id(APP_IMAGE)
    log = work / "build-app.log"
    docker(
        "build", "--network", "host", "-t", APP_IMAGE, ".",
        cwd=ROOT, env=build_env(), timeout=1200, log=log,
    )  # fmt: skip
    seconds = time.monotonic() - began
    sent = re.search(r"Sending build context to Docker daemon\s+(\S+)", log.read_text())
    current = image_id(APP_IMAGE)
    if previous and previous != current:
        docker("rmi", previous, check=False)
    size = int(docker("image", "inspect", "-f", "{{.Size}}", APP_IMAGE).stdout.strip())
    facts = {
        "build": f"{seconds:.1f}s",
        "context": sent.group(1) if sent else "?",
        "size": f"{size / 1e6:.0f} MB",
    }
    say(f"built {APP_IMAGE} ({facts['build']}; context {facts['context']}; {facts['size']})")
    return facts


# --- SMTP server the worker sends to ------------------------------------------------------


class SMTPSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive what Django's SMTP backend sends; keeps every message."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, SMTPHandler)
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    def wait_for(self, predicate, timeout: float):
        with self.arrived:
            deadline = time.monotonic() + timeout
            while True:
                found = next((m for m in self.messages if predicate(m)), None)
                left = deadline - time.monotonic()
                if found or left <= 0:
                    return found
                self.arrived.wait(left)


class SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 60

    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.send("220 stack-test ESMTP")
        while line := self.rfile.readline(65536):
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.send("250 stack-test" if verb in (b"EHLO", b"HELO") else "250 OK")
            elif verb == b"DATA":
                self.send("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline(1 << 20)) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b".") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                with self.server.arrived:
                    self.server.messages.append(message)
                    self.server.arrived.notify_all()
                self.send("250 OK queued")
            elif verb == b"QUIT":
                self.send("221 bye")
                return
            else:
                self.send("502 not implemented")


# --- HTTP and HTML --------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: str) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        pairs = (
            v.split(";")[0].split("=", 1) for k, v in self.headers if k.lower() == "set-cookie"
        )
        return {name.strip(): value.strip() for name, value in pairs}


def request(
    address: tuple[str, int],
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 15,
) -> Response:
    connection = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        body = urllib.parse.urlencode(form) if form is not None else None
        sent = {"Host": HOST, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return Response(response.status, response.getheaders(), text)
    finally:
        connection.close()


def answers(address: tuple[str, int], path: str = "/healthz") -> int | None:
    try:
        return request(address, path, timeout=5).status
    except OSError:
        return None


class Forms(HTMLParser):
    """Every form of a page: its attributes and the fields a browser would send."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"attrs": attributes, "fields": {}, "options": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and attributes.get("name"):
            self.forms[-1]["fields"].setdefault(attributes["name"], attributes.get("value", ""))
        elif tag == "select":
            self._select = attributes.get("name")
            self.forms[-1]["options"][self._select] = []
        elif tag == "option" and self._select:
            self.forms[-1]["options"][self._select].append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def find(self, predicate) -> dict:
        form = next((f for f in self.forms if predicate(f)), None)
        if form is None:
            raise CheckFailed("form not found on the page")
        return form


# --- 4. The stack -----------------------------------------------------------------------------


class Stack:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.name = f"verlst{secrets.token_hex(3)}"  # compose project and network
        self.network = f"{self.name}-net"
        self.smtp: SMTPSink | None = None
        self.network_created = False
        self.failed_checks: list[str] = []
        self.probes = 0
        self.containers: dict[str, str] = {}
        self.killed: dict[str, int] = {}  # restarts this test caused
        self.first_address = ""  # web-1's when the load balancer started

    # compose
    def compose_command(self, *args: str, override: bool = True) -> list[str]:
        command = ["docker-compose", "--ansi", "never", "--project-name", self.name]
        command += ["--project-directory", str(ROOT), "--env-file", str(self.work / "stack.env")]
        command += ["-f", str(ROOT / "compose.yaml")]
        if override:
            command += ["-f", str(self.work / "override.yaml")]
        return [*command, *args]

    def compose(self, *args: str, override: bool = True, **kwargs) -> subprocess.CompletedProcess:
        # Only what docker-compose needs from this process: nothing leaks into the stack.
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DOCKER_HOST")}
        return run(self.compose_command(*args, override=override), env=env, **kwargs)

    def container(self, service: str) -> str:
        """The service's container (the same one across restarts)."""
        if service not in self.containers:
            container = self.compose("ps", "-q", service).stdout.strip()
            if not container:
                raise StackError(f"no container for {service}")
            self.containers[service] = container
        return self.containers[service]

    def inspect(self, service: str) -> dict:
        return json.loads(docker("inspect", self.container(service)).stdout)[0]

    def address(self, service: str, port: int) -> tuple[str, int]:
        networks = self.inspect(service)["NetworkSettings"]["Networks"]
        address = networks.get(self.network, {}).get("IPAddress")
        if not address:
            raise StackError(f"{service} has no address on {self.network}")
        return address, port

    def logs(self, service: str) -> str:
        return docker("logs", self.container(service), merge=True).stdout

    def exec(self, service: str, *command: str) -> str:
        """`docker-compose exec -T`, without starting docker-compose."""
        return docker("exec", self.container(service), *command).stdout

    # up and down
    def up(self) -> None:
        began = time.monotonic()
        docker("network", "create", "--internal", self.network)
        self.network_created = True
        ipam = json.loads(docker("network", "inspect", self.network).stdout)[0]["IPAM"]
        gateway = ipam["Config"][0]["Gateway"]
        self.smtp = SMTPSink((gateway, 0))
        threading.Thread(target=self.smtp.serve_forever, daemon=True).start()
        smtp_port = self.smtp.server_address[1]
        services = set(self.compose_services())
        unknown = services - set(APP_SERVICES) - set(OTHER_SERVICES)
        if unknown:
            raise StackError(f"compose.yaml has services this test does not know: {unknown}")
        override = {
            "services": {
                service: {"image": APP_IMAGE} for service in APP_SERVICES if service in services
            },
            "networks": {"default": {"external": True, "name": self.network}},
        }
        for web in ("web-1", "web-2"):
            override["services"][web]["environment"] = {"WEB_CONCURRENCY": "2"}
        # JSON is YAML.
        (self.work / "override.yaml").write_text(json.dumps(override, indent=2))
        (self.work / "stack.env").write_text(
            f"SECRET_KEY={secrets.token_urlsafe(64)}\n"
            f"POSTGRES_PASSWORD={secrets.token_hex(16)}\n"
            f"ALLOWED_HOSTS={HOST}\n"  # as in production: the public name only
            f"SITE_URL=https://{HOST}\n"
            f"EMAIL_HOST={gateway}\n"
            f"EMAIL_PORT={smtp_port}\n"
        )
        self.compose("up", "-d", "--no-build", timeout=900, log=self.work / "up.log")
        lb = self.address("lb", 80)
        deadline = time.monotonic() + 180
        while answers(lb) != 200:
            if time.monotonic() > deadline:
                raise StackError("the load balancer's /healthz did not answer 200 in 180s")
            time.sleep(1)
        self.first_address = self.address("web-1", 8000)[0]
        say(
            f"stack {self.name} up on network {self.network} ({ipam['Config'][0]['Subnet']}), "
            f"SMTP on {gateway}:{smtp_port} ({time.monotonic() - began:.1f}s)"
        )

    def compose_services(self) -> list[str]:
        (self.work / "stack.env").write_text("SECRET_KEY=unused\n")
        return self.compose("config", "--services", override=False).stdout.split()

    def down(self) -> None:
        began = time.monotonic()
        try:
            if (self.work / "override.yaml").exists():
                (self.work / "compose.log").write_text(
                    self.compose("logs", "--no-color", check=False, timeout=120).stdout or ""
                )
                self.compose("down", "-v", "--remove-orphans", "-t", "10", check=False)
        finally:
            if self.network_created:
                squatters = docker("ps", "-aq", "--filter", f"label={SQUATTER_LABEL}={self.name}")
                if squatters.stdout.split():
                    docker("rm", "-f", *squatters.stdout.split(), check=False)
                docker("network", "rm", self.network, check=False)
            if self.smtp:
                self.smtp.shutdown()
                self.smtp.server_close()
        say(
            f"stack {self.name} removed: containers, volumes, network ({time.monotonic() - began:.1f}s)"
        )

    # checks
    def check(self, name: str, test) -> None:
        began = time.monotonic()
        try:
            detail = test()
        except (CheckFailed, StackError, OSError, KeyError, ValueError) as error:
            self.failed_checks.append(name)
            say(f"FAIL {name}: {error or type(error).__name__}")
        else:
            say(f"PASS {name}{f': {detail}' if detail else ''} ({time.monotonic() - began:.1f}s)")

    def probe_path(self) -> str:
        self.probes += 1
        return f"/{self.name}-probe-{self.probes}/"

    def served_by(self, service: str, path: str) -> bool:
        return f'"GET {path}"' in self.logs(service)

    def check_lb_pages(self) -> str:
        lb = self.address("lb", 80)
        home = request(lb, "/", headers=HTTPS)
        expect(home.status == 200, f"/ answered {home.status}")
        expect('lang="de"' in home.body, "/ is not German")
        health = request(lb, "/healthz")
        expect(health.status == 200, f"/healthz answered {health.status}")
        expect(json.loads(health.body) == {"status": "ok", "database": "ok"}, health.body)
        missing = request(lb, f"/{self.name}/gibt-es-nicht/", headers=HTTPS)
        expect(missing.status == 404, f"a made-up URL answered {missing.status}")
        expect("Seite nicht gefunden" in missing.body, "the 404 page is not the German one")
        plain = request(lb, "/")
        expect(plain.status == 301, f"plain HTTP / answered {plain.status}, not 301")
        expect(plain.header("Location") == f"https://{HOST}/", plain.header("Location"))
        return "/ 200, /healthz 200, German 404, plain HTTP redirected to HTTPS"

    def check_lb_spreads(self) -> str:
        lb = self.address("lb", 80)
        statuses = {request(lb, "/healthz").status for _ in range(20)}
        expect(statuses == {200}, f"/healthz through the load balancer answered {statuses}")
        paths = [self.probe_path() for _ in range(20)]
        for path in paths:
            request(lb, f"{path}?stack=probe", headers=HTTPS)
        logs = {web: self.logs(web) for web in ("web-1", "web-2")}
        counts = {web: sum(f'"GET {p}"' in log for p in paths) for web, log in logs.items()}
        expect(all(counts.values()), f"requests per container: {counts}")
        expect(sum(counts.values()) == len(paths), f"requests per container: {counts}")
        return f"20 × /healthz 200; of 20 requests web-1 answered {counts['web-1']}, web-2 {counts['web-2']}"

    def check_logs_private(self) -> str:
        gateway = self.smtp.server_address[0]
        for service in ("lb", "web-1", "web-2"):
            log = self.logs(service)
            expect(gateway not in log, f"{service}'s log names the client address {gateway}")
            expect("stack=probe" not in log, f"{service}'s log holds a query string")
        line = next(li for li in self.logs("lb").splitlines() if f'"GET /{self.name}-probe' in li)
        return f"lb logs: {line.split('|', 1)[-1].strip()}"

    def captcha_answer(self, page: Response) -> str:
        """Work the question out from its words on the page, as a visitor does."""
        found = re.search(
            r'class="captcha-question"[^>]*>Wie viel ist (\w+) (plus|minus) (\w+)\?', page.body
        )
        expect(found, "no captcha question on the page")
        first, operator, second = (
            NUMBER_WORDS.index(found[1]),
            found[2],
            NUMBER_WORDS.index(found[3]),
        )
        return str(first + second if operator == "plus" else first - second)

    def post(self, address, path: str, page: Response, form: dict, values: dict) -> Response:
        cookie = "; ".join(f"{k}={v}" for k, v in page.cookies().items())
        expect("__Host-csrftoken" in page.cookies(), f"no CSRF cookie: {page.cookies()}")
        data = {**form["fields"], **values, "captcha_1": self.captcha_answer(page)}
        headers = {**HTTPS, "Cookie": cookie, "Origin": f"https://{HOST}"}
        headers["Referer"] = f"https://{HOST}{path}"
        return request(address, form["attrs"]["action"], method="POST", headers=headers, form=data)

    def check_comment_across(self) -> str:
        web1, web2 = self.address("web-1", 8000), self.address("web-2", 8000)
        text = f"Kommentar aus dem Stack-Test {self.name}"
        # web-2 renders the page (and caches it) before the comment exists.
        before = request(web2, "/", headers=HTTPS)
        expect(before.status == 200, f"web-2 answered {before.status}")
        expect(text not in before.body, "the comment is on the page before it was sent")
        page = request(web1, "/", headers=HTTPS)
        form = Forms(page.body).find(lambda f: "comment-form" in f["attrs"].get("class", ""))
        values = {"author_name": "Stack-Test", "text": text, "privacy_consent": "on"}
        values.update(author_email="", homepage="")
        sent = self.post(web1, "/", page, form, values)
        expect(sent.status == 302, f"the comment form answered {sent.status}")
        pending = request(web2, "/", headers=HTTPS)
        expect(text not in pending.body, "the comment is public before it was approved")
        approve = (
            "from feedback.models import Comment; from feedback.comments.services import comment_approve; "
            f"comment_approve(comment=Comment.objects.get(text={text!r}), moderator=None)"
        )
        self.exec("web-1", "python", "manage.py", "shell", "-c", approve)
        after = request(web2, "/", headers=HTTPS)
        expect(after.status == 200, f"web-2 answered {after.status}")
        expect(text in after.body, "web-2 does not show the approved comment")
        return "sent to web-1, approved there, shown by web-2 at once"

    def check_mail(self) -> str:
        lb = self.address("lb", 80)
        page = request(lb, "/kontakt/", headers=HTTPS)
        expect(page.status == 200, f"/kontakt/ answered {page.status}")
        form = Forms(page.body).find(lambda f: f["attrs"].get("action") == "/kontakt/")
        values = {"name": "Stack-Test", "email": MAIL_TO, "subject": f"Test {self.name}"}
        values.update(text="Eine Nachricht aus dem Stack-Test.", consent="on", homepage="")
        topics = [v for v in form["options"].get("topic", []) if v]
        if topics:
            values["topic"] = topics[0]
        began = time.monotonic()
        sent = self.post(lb, "/kontakt/", page, form, values)
        expect(sent.status == 302, f"the contact form answered {sent.status}")
        expect("/kontakt/gesendet/" in sent.header("Location"), sent.header("Location"))
        mail = self.smtp.wait_for(lambda m: MAIL_TO in str(m["To"]), timeout=120)
        expect(mail is not None, "no mail to the sender arrived within 120 s")
        return f"receipt „{mail['Subject'].strip()}“ arrived {time.monotonic() - began:.1f}s after sending"

    def check_visitor_address(self) -> str:
        """README, "Behind a proxy": the visitor's address, as the TLS proxy appended it, keys
        the rate limit; what the visitor wrote to the left of it does not."""
        lb = self.address("lb", 80)
        page = request(lb, "/", headers=HTTPS)
        form = Forms(page.body).find(lambda f: "comment-form" in f["attrs"].get("class", ""))
        cookie = "; ".join(f"{k}={v}" for k, v in page.cookies().items())
        headers = {**HTTPS, "Cookie": cookie, "Origin": f"https://{HOST}"}
        headers["Referer"] = f"https://{HOST}/"
        # A wrong captcha: the post counts against the limit, then the form comes back (400).
        data = {**form["fields"], "captcha_1": "falsch", "text": "", "privacy_consent": "on"}

        def post(forwarded: str) -> int:
            sent = {**headers, "X-Forwarded-For": forwarded}
            action = form["attrs"]["action"]
            return request(lb, action, method="POST", headers=sent, form=data).status

        visitor, other = "198.51.100.7", "198.51.100.8"  # RFC 5737 documentation addresses
        # Five comments per ten minutes (COMMENT_RATE_LIMIT); each forges another address.
        statuses = [post(f"192.0.2.{n}, {visitor}") for n in range(1, 7)]
        expect(statuses == [400] * 5 + [429], f"forged addresses in front: {statuses}")
        expect(post(f"192.0.2.1, {other}") == 400, "another visitor shares the limit")
        for web in ("web-1", "web-2"):
            expect("feedback.ratelimit" not in self.logs(web), f"{web} warns about proxies")
        return "6 posts, each with another forged address: 5 × 400, then 429; another visitor 400"

    def check_ports(self) -> str:
        """Only the load balancer publishes a port; gunicorn is reached through it alone."""
        published = {}
        for service in ("web-1", "web-2", "lb"):
            bindings = self.inspect(service)["HostConfig"].get("PortBindings") or {}
            published[service] = sorted(bindings)
        expect(not published["web-1"] and not published["web-2"], f"published: {published}")
        expect(published["lb"] == ["80/tcp"], f"published: {published}")
        return "web-1, web-2: none; lb: 80/tcp"

    def lb_reaches(self, service: str, seconds: float = 60) -> None:
        """Requests through the load balancer arrive at `service` within `seconds`."""
        lb, began = self.address("lb", 80), time.monotonic()
        while time.monotonic() - began < seconds:
            path = self.probe_path()
            request(lb, path, headers=HTTPS)
            if self.served_by(service, path):
                return
        raise CheckFailed(f"the load balancer sent nothing to {service} within {seconds:.0f}s")

    def web1_back(self, began: float, restarts: int = -1) -> tuple[str, int]:
        """Wait until web-1 runs (restarted more than `restarts` times) and answers /healthz."""
        while True:
            expect(time.monotonic() - began < 120, "web-1 did not come back within 120 s")
            time.sleep(0.5)
            state = self.inspect("web-1")
            if state["RestartCount"] > restarts and state["State"]["Running"]:
                with contextlib.suppress(StackError):
                    address = self.address("web-1", 8000)
                    if answers(address) == 200:
                        return address

    def check_restart(self) -> str:
        state = self.inspect("web-1")
        restarts, pid = state["RestartCount"], state["State"]["Pid"]
        os.kill(pid, signal.SIGKILL)
        self.killed["web-1"] = 1
        began = time.monotonic()
        self.web1_back(began, restarts)
        back = time.monotonic() - began
        self.lb_reaches("web-1")
        return f"pid {pid} killed; restarted and answering /healthz after {back:.1f}s, lb uses it again"

    def check_new_address(self) -> str:
        """web-1 comes back at another address than the one the lb saw at its start."""
        first = self.first_address
        squatters = []
        try:
            for attempt in range(3):
                docker("stop", "-t", "10", self.container("web-1"))
                # Another container takes the lowest free address: the one web-1 just left.
                squatters.append(f"{self.name}-squatter-{attempt}")
                docker(
                    "run", "-d", "--name", squatters[-1], "--label", f"{SQUATTER_LABEL}={self.name}",
                    "--network", self.network, APP_IMAGE, "sleep", "600",
                )  # fmt: skip
                docker("start", self.container("web-1"))
                new = self.web1_back(time.monotonic())[0]
                if new != first:
                    break
            expect(new != first, f"web-1 keeps coming back at {first}: nothing shown")
            self.lb_reaches("web-1")
        finally:
            docker("rm", "-f", *squatters, check=False)
        return f"web-1 stopped, started at {new} (the lb started with {first}): the lb finds it"

    def check_services(self) -> str:
        problems = []
        deadline = time.monotonic() + 90
        for service in LONG_RUNNING:
            web = service.startswith("web-")
            state = self.inspect(service)
            health = state["State"].get("Health", {}).get("Status")
            # The image's health check runs every 30 s: wait for the web containers' first.
            while web and health == "starting" and time.monotonic() < deadline:
                time.sleep(1)
                state = self.inspect(service)
                health = state["State"].get("Health", {}).get("Status")
            if web and health != "healthy":
                problems.append(f"{service} is {health}, not healthy")
            elif health == "unhealthy":
                problems.append(f"{service} is unhealthy")
            # No gunicorn in the other app containers: the image's HTTP check would fail there.
            checked = state["Config"].get("Healthcheck", {}).get("Test")
            if service in APP_SERVICES and not web and checked != ["NONE"]:
                problems.append(f"{service} has the image's HTTP health check")
            policy = state["HostConfig"]["RestartPolicy"]["Name"]
            if policy != "unless-stopped":
                problems.append(f"{service} has restart policy {policy!r}")
            restarts = state["RestartCount"] - self.killed.get(service, 0)
            if not state["State"]["Running"] or state["State"]["Restarting"] or restarts:
                problems.append(f"{service} {state['State']['Status']}, restarted {restarts} times")
        migrate = self.inspect("migrate")["State"]
        if migrate["Running"] or migrate["ExitCode"] != 0:
            problems.append(f"migrate {migrate['Status']}, exit code {migrate['ExitCode']}")
        expect(not problems, "; ".join(problems))
        return "running, restart policy unless-stopped, web-1 and web-2 healthy; migrate exited 0"


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    options = parser.parse_args()
    os.environ["PATH"] = os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
    # SIGTERM (CI cancelling the job) tears down as Ctrl-C does.
    signal.signal(signal.SIGTERM, interrupt)
    work = Path(tempfile.mkdtemp(prefix="verl-stack-test-"))
    facts: dict[str, str] = {}
    stack = None
    try:
        docker_install()
        dockerd_start()
        facts["stand-ins"] = f"{standins(work):.1f}s"
        facts.update(app_image(work))
        stack = Stack(work)
        stack.up()
        stack.check("load balancer: /, /healthz, German 404, HTTPS redirect", stack.check_lb_pages)
        stack.check("load balancer spreads over web-1 and web-2", stack.check_lb_spreads)
        stack.check("no client address or query string in the logs", stack.check_logs_private)
        stack.check("comment approved via web-1 is on web-2 at once", stack.check_comment_across)
        stack.check("the worker's mail reaches the SMTP server", stack.check_mail)
        stack.check("forged addresses share the visitor's rate limit", stack.check_visitor_address)
        stack.check("only the load balancer publishes a port", stack.check_ports)
        stack.check("long-running services up, web containers healthy", stack.check_services)
        stack.check("a killed web container restarts and serves again", stack.check_restart)
        stack.check("the lb finds a web container at a new address", stack.check_new_address)
    except StackError as error:
        say(f"FAIL {error}")
        status = 2
    except KeyboardInterrupt:
        say("interrupted")
        status = 130
    else:
        status = 1 if stack.failed_checks else 0
    finally:
        if stack is not None:
            if options.keep:
                command = " ".join(stack.compose_command("down", "-v"))
                say(
                    f"stack left running; to remove it: {command}; docker network rm {stack.network}"
                )
            else:
                stack.down()
    if status == 0 and not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    elif not options.keep:
        say(f"logs kept in {work} (compose.log, build-*.log)")
    summary = ", ".join(f"{k} {v}" for k, v in facts.items())
    verdict = "PASSED" if status == 0 else "FAILED"
    say(f"stack test {verdict} in {time.monotonic() - START:.1f}s ({summary})")
    return status


if __name__ == "__main__":
    sys.exit(main())
