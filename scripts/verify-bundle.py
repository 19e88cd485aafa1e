#!/usr/bin/env python3
"""Verify the log in a Rampart export bundle, following docs/log-format.md (standard library only).

Usage: verify-bundle.py BUNDLE.json
Exit status: 0 the log verifies; 1 a bad entry (named on stderr); 2 the file cannot be read as a bundle.
"""
import datetime, decimal, hashlib, json, re, struct, sys, uuid

ENTRY_TAG, GLOBAL_TAG = b"rampart.log-entry.v1\0", b"rampart.global-link.v1\0"
GENESIS = "0" * 64
TIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z\Z")
EPOCH = datetime.datetime(1970, 1, 1)

def digest(text):  # lowercase hex only, as the format says
    if not isinstance(text, str) or not re.fullmatch(r"[0-9a-f]{64}", text):
        raise ValueError(f"not a digest: {text!r}")
    return bytes.fromhex(text)

def micros(text):
    m = TIME.match(text)
    if not m:
        raise ValueError(f"not a UTC timestamp: {text!r}")
    seconds = (datetime.datetime.strptime(m[1], "%Y-%m-%dT%H:%M:%S") - EPOCH) // datetime.timedelta(seconds=1)
    return seconds * 1_000_000 + int((m[2] or "").ljust(6, "0")[:6])

def check_integers(v):
    if isinstance(v, (float, decimal.Decimal)) or (type(v) is int and not -2**63 <= v < 2**64):
        raise ValueError(f"payload number {v} is not a 64-bit integer")
    for item in v.values() if isinstance(v, dict) else v if isinstance(v, list) else ():
        check_integers(item)

def canonical_json(value):
    check_integers(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

def content_hash(e):
    out = [ENTRY_TAG, uuid.UUID(e["incident"]).bytes, struct.pack(">QQq", e["seq"], e["global_seq"], micros(e["at"]))]
    for field in (e["actor"].encode(), e["kind"].encode(), canonical_json(e["payload"]), e["text"].encode()):
        out += [struct.pack(">Q", len(field)), field]
    return hashlib.sha256(b"".join(out + [digest(e["prev_hash"])])).hexdigest()

def global_hash(e):
    link = struct.pack(">Q", e["global_seq"]) + uuid.UUID(e["incident"]).bytes + struct.pack(">Q", e["seq"])
    return hashlib.sha256(GLOBAL_TAG + digest(e["global_prev_hash"]) + link + digest(e["hash"])).hexdigest()

def first_problem(bundle):
    if bundle.get("format") != "rampart.bundle.v1":
        return f"bundle format {bundle.get('format')!r} is not 'rampart.bundle.v1'"
    incident, seq, prev, gseq, gprev, anchors = bundle["incident"]["id"], 0, GENESIS, 0, None, []
    for i, e in enumerate(bundle["entries"]):
        try:
            problem = (
                "content hash mismatch" if content_hash(e) != e["hash"] else
                "global hash mismatch" if global_hash(e) != e["global_hash"] else
                f"entry of another incident (expected {incident})" if e["incident"] != incident else
                f"global_seq {e['global_seq']} does not follow {gseq}" if e["global_seq"] <= gseq else
                "broken global link" if e["global_seq"] == gseq + 1 and i > 0 and e["global_prev_hash"] != gprev else
                f"gap in seq: expected {seq + 1}, found {e['seq']}" if e["seq"] != seq + 1 else
                "broken link: prev_hash is not the previous entry's hash" if e["prev_hash"] != prev else None)
        except (KeyError, TypeError, ValueError, AttributeError, struct.error) as err:
            problem = f"malformed entry: {err!r}"
        if problem:
            return f"log entry #{i + 1} (incident {e.get('incident')} entry {e.get('seq')}, global {e.get('global_seq')}): {problem}"
        if e["global_seq"] > 1 and e["global_seq"] - 1 != gseq:
            anchors.append({"seq": e["global_seq"] - 1, "hash": e["global_prev_hash"]})
        seq, prev, gseq, gprev = e["seq"], e["hash"], e["global_seq"], e["global_hash"]
    if anchors != bundle["anchors"]:
        return "anchors differ from the global positions the entries link to"
    head = bundle["global_head"]
    if head["seq"] < gseq or (head["seq"] == gseq and head["hash"] != gprev):
        return f"global head {head} does not follow the last entry (global {gseq})"
    return None

def main(path):
    try:
        with open(path, encoding="utf-8") as f:
            # -0 is read as a fraction, as JSON parsers other than Python's do, so it has no canonical form.
            bundle = json.load(f, parse_float=decimal.Decimal, parse_int=lambda t: decimal.Decimal(t) if t == "-0" else int(t))
        problem = first_problem(bundle)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        print(f"{path}: cannot read as a bundle: {err}", file=sys.stderr)
        return 2
    if problem:
        print(f"{path}: verification failed: {problem}", file=sys.stderr)
        return 1
    print(f"{path}: ok: {len(bundle['entries'])} entries of incident {bundle['incident']['id']}")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]) if len(sys.argv) == 2 else (print(__doc__, file=sys.stderr) or 2))
