# shellcheck shell=bash
# Installs Debian packages for commands the tests need, only when a command is missing.
#
#   ensure_commands sqlite3:sqlite3 python3:python3-minimal
#
# Each argument is COMMAND:PACKAGE. `apt-get update` runs at most once per shell, and only when
# something has to be installed. Fails (returns 1) when a package cannot be had.

PACKAGES_UPDATED=""

ensure_commands() {
    local wanted=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || wanted+=("${pair#*:}")
    done
    [[ ${#wanted[@]} -eq 0 ]] && return 0
    if [[ "$(id -u)" != 0 ]]; then
        echo "packages.sh: missing ${wanted[*]} and not root: install them with apt-get" >&2
        return 1
    fi
    echo "packages.sh: installing ${wanted[*]}" >&2
    if [[ -z "$PACKAGES_UPDATED" ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
        PACKAGES_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >&2
}
