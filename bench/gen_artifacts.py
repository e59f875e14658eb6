#!/usr/bin/env python3
"""Writes the validate benchmark's input: signed-looking client-instance detachments, NDJSON.

    bench/gen_artifacts.py [--count N] [--seed S] OUT.ndjson

Each line is one detachment of about 830 bytes (mean), as a serving node's gate would see it:
ids distinct on every line and as long as upstream's examples, did:key identifiers of real
length (z6Mk + 44 base58 characters), an embedded participant bind with a 64-byte Ed25519
signature in unpadded base64url (86 characters), a node attestation on one line in eight, and
a small policy_annotations object on one line in eight.
The signatures are random bytes, so the artifacts pass `validate` (layers 1-2) and would fail
`verify`. Deterministic: the same seed and count give the same bytes.
"""

import argparse
import base64
import json
import random
import sys

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REASONS = ["user-request", "device-loss", "session-expired", "policy", "migration",
           "operator-action"]


def short_id(rng, prefix, n):
    # "detach:01JQ" + the line number in Crockford base32 (4 characters: up to 1,048,576
    # lines) + 4 random characters: distinct per line and about as long as upstream's example
    # ids ("detach:01JQCLIDET001").
    serial = ""
    for _ in range(4):
        serial = CROCKFORD[n % 32] + serial
        n //= 32
    return f"{prefix}:01JQ{serial}{''.join(rng.choice(CROCKFORD) for _ in range(4))}"


def did_key(rng):
    return "z6Mk" + "".join(rng.choice(BASE58) for _ in range(44))


def signature(rng):
    raw = bytes(rng.getrandbits(8) for _ in range(64))
    return {"alg": "ed25519", "value": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


def timestamp(rng, base_minute):
    minute = base_minute + rng.randrange(0, 60)
    day, minute = divmod(minute, 24 * 60)
    return f"2026-03-{1 + day % 28:02}T{minute // 60:02}:{minute % 60:02}:{rng.randrange(60):02}Z"


def detachment(rng, n, nodes, participants):
    node = rng.choice(nodes)
    participant = rng.choice(participants)
    minute = rng.randrange(0, 27 * 24 * 60)
    bind = {
        "schema/v": 1,
        "bind/id": short_id(rng, "pb", n),
        "bound-at": timestamp(rng, minute),
        "participant/id": "participant:did:key:" + participant,
        "via/node-id": "node:did:key:" + node,
        "session/id": short_id(rng, "sess", n),
        "participant/key/alg": "ed25519",
        "participant/key/public": participant,
        "proof/participant-signature": signature(rng),
    }
    artifact = {
        "schema/v": 1,
        "detachment/id": short_id(rng, "detach", n),
        "detached-at": timestamp(rng, minute + 60),
        "attachment/id": short_id(rng, "attach", n),
        "serving-node/id": "node:did:key:" + node,
        "client-instance/id": short_id(rng, "client", n),
        "detach/reason": rng.choice(REASONS),
        "participant-bind": bind,
    }
    # A detachment reaches the gate without an attestation (the gate adds it on admission);
    # attested ones come back from other gates and audits: one line in eight here.
    if n % 8 == 1:
        artifact["proof/node-attestation"] = signature(rng)
    if n % 8 == 0:
        artifact["policy_annotations"] = {"region": "eu-west", "retention-days": 30}
    return artifact


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=830)
    parser.add_argument("out")
    args = parser.parse_args()
    if not 0 < args.count <= 32**4:
        parser.error("--count must be between 1 and 1048576 (ids must stay distinct)")
    rng = random.Random(args.seed)
    nodes = [did_key(rng) for _ in range(8)]
    participants = [did_key(rng) for _ in range(1000)]
    total = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for n in range(args.count):
            line = json.dumps(detachment(rng, n, nodes, participants), separators=(",", ":"))
            out.write(line)
            out.write("\n")
            total += len(line) + 1
    print(f"{args.out}: {args.count} detachments, {total} bytes, {total / args.count:.0f} bytes "
          f"per line", file=sys.stderr)


if __name__ == "__main__":
    main()
