#!/usr/bin/env bash
# Installs the system programs the tests need, from Debian's packages, when they are missing:
# Chromium for Playwright (it cannot download its own browser here), and on request curl and
# redis-server (the Redis store's tests start their own server). Runs as root with apt;
# otherwise it stops and says what to install.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
for extra in "$@"; do
  case "$extra" in
    redis) command -v redis-server >/dev/null 2>&1 || need+=(redis-server) ;;
    curl) command -v curl >/dev/null 2>&1 || need+=(curl) ;;
  esac
done

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages the tests need: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi

echo "The tests need these Debian packages, which are not installed: ${need[*]}" >&2
echo "Install them (e.g. 'sudo apt-get install ${need[*]}') and run the tests again." >&2
exit 1
