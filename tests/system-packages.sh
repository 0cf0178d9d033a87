#!/usr/bin/env bash
# The Debian packages the suite drives for real: Chromium (browser tests), Dovecot (IMAP),
# Redis (the version mirror and the two-instance test), gettext (untranslated strings).
# As root, installs the missing ones; otherwise names them and the command, and fails.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v xgettext >/dev/null || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$EUID" -ne 0 ]; then
  echo "make test needs Debian packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages the tests drive: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=300
apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
