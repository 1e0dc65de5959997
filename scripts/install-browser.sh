#!/usr/bin/env bash
# Installs what the browser test (test/e2e/tracking-page.test.ts) drives: Debian's Chromium at /usr/bin/chromium,
# and a CJK font (WenQuanYi Micro Hei, 1.6 MB) so the Chinese names the tracking page shows render as
# characters, not boxes, in its screenshots. Idempotent, and silent when both are already there.
set -euo pipefail

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q 'install ok installed' || packages+=(fonts-wqy-microhei)
[ "${#packages[@]}" -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-browser: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# apt's chatter is kept, and shown only if the install fails.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
