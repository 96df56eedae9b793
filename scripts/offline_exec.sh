#!/bin/sh
# Run a command with no network but loopback: inside a new network namespace where the platform
# allows one (Linux with user namespaces: `unshare -rn`), else as it is (the Python offline guard in
# tools/offline.py still refuses every non-loopback connection, DNS look-up and download tool).
#   scripts/offline_exec.sh make-free command args...
if [ "${COMPANION_NETNS:-}" != "1" ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
   && unshare -rn ip link set lo up >/dev/null 2>&1; then
  exec unshare -rn sh -c 'ip link set lo up && COMPANION_NETNS=1 exec "$@"' offline_exec "$@"
fi
exec "$@"
