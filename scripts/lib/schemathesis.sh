# shellcheck shell=bash
# Runs schemathesis (PyPI, in a virtual environment under target/, installed once) against the
# OpenAPI document of a fresh `rampart serve` on loopback, with an administrator's API token:
# no 5xx, no response that breaks the document. One incident with a note and an evidence file is
# opened first (scripts/lib/api_seed.py) and its key and file hash are the path parameters, so that
# the incident routes answer with real records and their bodies are checked against the schemas.
#
#   api_fuzz PATH_TO_RAMPART_BINARY

SCHEMATHESIS_VERSION="4.32.5"

api_fuzz() {
    local binary="$1" root venv data log port link token pid status
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    venv="$root/target/tools/schemathesis-$SCHEMATHESIS_VERSION"
    if [[ ! -x "$venv/bin/schemathesis" ]]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
    fi
    data="$(mktemp -d)"
    log="$data/serve.log"
    RAMPART_DATABASE_URL="" "$binary" serve --data-dir "$data/store" --listen 127.0.0.1:0 2>"$log" &
    pid=$!
    for _ in $(seq 1 100); do
        grep -q "setup?token=" "$log" 2>/dev/null && break
        sleep 0.1
    done
    port="$(sed -n 's#.*serving on http://127.0.0.1:\([0-9]*\).*#\1#p' "$log" | head -1)"
    link="$(grep -o 'http://[^ ]*setup?token=[A-Za-z0-9_-]*' "$log" | head -1)"
    if [[ -z "$port" || -z "$link" ]]; then
        echo "schemathesis: the server did not start:" >&2
        cat "$log" >&2
        kill "$pid" 2>/dev/null
        return 1
    fi
    token="$(python3 "$root/scripts/lib/api_token.py" "http://127.0.0.1:$port" "$link")"
    if ! python3 "$root/scripts/lib/api_seed.py" "http://127.0.0.1:$port" "$token" \
        >"$data/schemathesis.toml"; then
        echo "schemathesis: could not open the incident the run works on" >&2
        kill "$pid" 2>/dev/null
        return 1
    fi
    status=0
    # From the throwaway directory: schemathesis keeps its cache in the working directory.
    (cd "$data" && "$venv/bin/schemathesis" --config-file "$data/schemathesis.toml" run "http://127.0.0.1:$port/api/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks not_a_server_error,response_schema_conformance \
        --max-examples 25 --no-color) || status=$?
    kill -TERM "$pid"
    wait "$pid" || true
    rm -rf "$data"
    return "$status"
}
