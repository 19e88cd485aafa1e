#!/usr/bin/env python3
"""Creates the first administrator of a fresh `rampart serve` and prints an API token of theirs.

    api_token.py BASE_URL SETUP_LINK

Takes the one-time setup link the server printed, signs in (session cookie and CSRF token) and
creates an API token; prints the token. Standard library only.
"""
import http.cookiejar
import json
import sys
import urllib.parse
import urllib.request


def call(opener, method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with opener.open(request) as response:
        return json.load(response)


def main():
    base, link = sys.argv[1].rstrip("/"), sys.argv[2]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    password = "schemathesis-admin-password"
    call(opener, "POST", f"{base}/api/v1/setup", {"token": token, "name": "admin", "password": password})
    session = call(opener, "POST", f"{base}/api/v1/session", {"name": "admin", "password": password})
    created = call(
        opener,
        "POST",
        f"{base}/api/v1/tokens",
        {"name": "schemathesis"},
        {"X-CSRF-Token": session["csrf_token"]},
    )
    print(created["token"])


if __name__ == "__main__":
    main()
