#!/bin/sh
# As the upstream redis image: run as the user redis; without a configuration file,
# protected mode is off, so other containers on the network may connect.
set -eu
if [ "${1:-}" = redis-server ]; then
    if [ "$(id -u)" = 0 ]; then
        exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
    fi
    case "${2:-}" in
        ""|-*) set -- "$@" --protected-mode no ;;
    esac
fi
exec "$@"
