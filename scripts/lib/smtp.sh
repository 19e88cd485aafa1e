# shellcheck shell=bash
# A real SMTP server for tests: aiosmtpd from PyPI, in a virtual environment kept under target/.
#
# Source this file, then:
#   smtp_ensure_installed   create the venv and install aiosmtpd when missing (idempotent);
#                           sets and exports RAMPART_TEST_SMTP_PYTHON (the venv's python)
#
# The tests start aiosmtpd themselves (`python -m aiosmtpd`), each on a free loopback port with
# a certificate they make, so this only provides the interpreter. Every failure is fatal.

SMTP_AIOSMTPD_VERSION="1.4.6"

smtp_fail() {
    echo "smtp.sh: $*" >&2
    return 1
}

smtp_ensure_installed() {
    local root venv python
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    venv="$root/target/test-venv/aiosmtpd-$SMTP_AIOSMTPD_VERSION"
    python="$venv/bin/python"
    if [[ ! -x "$python" ]] || ! "$python" -c 'import aiosmtpd' >/dev/null 2>&1; then
        command -v python3 >/dev/null 2>&1 || smtp_fail "python3 is missing" || return 1
        rm -rf "$venv"
        if ! python3 -m venv "$venv" >/dev/null 2>&1; then
            # Debian ships venv support (ensurepip) in a package of its own.
            [[ "$(id -u)" == 0 ]] ||
                smtp_fail "python3 -m venv failed and not root: install Debian's python3-venv" || return 1
            echo "smtp.sh: installing python3-venv" >&2
            if [[ -z "${PACKAGES_UPDATED:-}" ]]; then
                DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || smtp_fail "apt-get update failed" || return 1
                PACKAGES_UPDATED=1
            fi
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2 ||
                smtp_fail "apt-get install python3-venv failed" || return 1
            rm -rf "$venv"
            python3 -m venv "$venv" || smtp_fail "cannot create a venv at $venv" || return 1
        fi
        echo "smtp.sh: installing aiosmtpd $SMTP_AIOSMTPD_VERSION into $venv" >&2
        "$python" -m pip install --quiet --disable-pip-version-check \
            "aiosmtpd==$SMTP_AIOSMTPD_VERSION" >&2 || smtp_fail "pip install aiosmtpd failed" || return 1
        "$python" -c 'import aiosmtpd' || smtp_fail "aiosmtpd installed but cannot be imported" || return 1
    fi
    export RAMPART_TEST_SMTP_PYTHON="$python"
}
