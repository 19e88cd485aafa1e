#!/usr/bin/env python3
"""Opens an incident with a note and an evidence file on a running `rampart serve`, so that an API
test reaches real records; prints the TOML `[parameters]` naming them (its key and the file's
SHA-256) for schemathesis.

    api_seed.py BASE_URL TOKEN

Standard library only; any refusal is fatal.
"""
import hashlib
import json
import sys
import urllib.request


def call(base, token, method, path, body, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)
    request.add_header("Content-Type", content_type)
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main():
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    opened = call(
        base,
        token,
        "POST",
        "/api/v1/incidents",
        {"title": "Laptop left on a train", "type": "lost_or_stolen_device", "personal_data": True},
    )
    key = opened["key"]
    call(base, token, "POST", f"/api/v1/incidents/{key}/notes", {"text": "Reported by its owner."})
    evidence = b"badge log 08:12 door 3\n"
    call(
        base,
        token,
        "POST",
        f"/api/v1/incidents/{key}/evidence?file_name=badge.log",
        evidence,
        "text/plain",
    )
    print("[parameters]")
    print(f'"path.key" = "{key}"')
    print(f'"path.sha256" = "{hashlib.sha256(evidence).hexdigest()}"')


if __name__ == "__main__":
    main()
