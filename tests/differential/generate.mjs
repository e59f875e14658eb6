#!/usr/bin/env node
// Generates the differential test corpus: NDJSON artifacts of all four kinds, valid ones and
// ones broken by every kind of mutation the schemas can see (members removed, renamed, added;
// wrong types; empty strings; bad patterns; bad enums; random and edge-case date-times;
// schema/v variants; policy_annotations of every type; nested bind and signature mutations;
// duplicate member names; kind ambiguity; a few layer-1 cases).
//
//   node generate.mjs [--seed N] [--count N] OUT.ndjson
//
// Deterministic: the same seed and count give the same bytes. Also writes OUT.meta.ndjson,
// one {"line":n,"mutations":[...]} per line, for the comparer's messages (the comparer does
// not trust it to decide anything).

import { writeFileSync } from "node:fs";

// --- deterministic randomness (mulberry32) --------------------------------------------------

function makeRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    str: (alphabet, n) => {
      let s = "";
      for (let i = 0; i < n; ++i) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
  };
  return r;
}

// --- a JSON value model that can hold duplicate names and exact number literals -------------

class Raw {
  constructor(text) {
    this.text = text; // emitted verbatim: number literals like 1.0, 1e0, 100000000000000000001
  }
}

class Obj {
  constructor(entries = []) {
    this.entries = entries; // [[name, value], ...]; names may repeat
  }
  has(name) {
    return this.entries.some(([k]) => k === name);
  }
  get(name) {
    const e = this.entries.find(([k]) => k === name);
    return e ? e[1] : undefined;
  }
  set(name, value) {
    const e = this.entries.find(([k]) => k === name);
    if (e) e[1] = value;
    else this.entries.push([name, value]);
    return this;
  }
  delete(name) {
    this.entries = this.entries.filter(([k]) => k !== name);
  }
  rename(from, to) {
    for (const e of this.entries) if (e[0] === from) e[0] = to;
  }
  names() {
    return this.entries.map(([k]) => k);
  }
}

function serialize(v) {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) {
    return "{" + v.entries.map(([k, x]) => JSON.stringify(k) + ":" + serialize(x)).join(",") + "}";
  }
  if (Array.isArray(v)) return "[" + v.map(serialize).join(",") + "]";
  return JSON.stringify(v);
}

// --- realistic valid values -----------------------------------------------------------------

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const ENUMS = {
  "participant/key/alg": ["ed25519"],
  "profile/type": ["pod-client", "hybrid"],
  "session/state": ["attaching", "attached", "degraded", "suspended"],
  "detach/reason": [
    "user-request",
    "device-loss",
    "session-expired",
    "policy",
    "migration",
    "operator-action",
  ],
  "recovery/mode": [
    "reattach-existing-device",
    "replace-device",
    "migrate-to-new-host",
    "resume-after-suspension",
  ],
};

// Member name -> what kind of value it takes (mirrors the schemas; used to pick mutations).
const ROLE = {
  "schema/v": "version",
  "bind/id": "string",
  "attachment/id": "string",
  "detachment/id": "string",
  "recovery/id": "string",
  "client-instance/id": "string",
  "session/id": "string",
  "detach/notes": "string",
  "recovery/token-ref": "string",
  "recovery/from-detachment-id": "string",
  "bound-at": "date-time",
  "attached-at": "date-time",
  "detached-at": "date-time",
  "recovered-at": "date-time",
  "participant/id": "participant-did",
  "via/node-id": "node-did",
  "serving-node/id": "node-did",
  "pod-user/id": "pod-user-did",
  "participant/key/public": "multibase",
  "participant/key/alg": "enum",
  "profile/type": "enum",
  "session/state": "enum",
  "detach/reason": "enum",
  "recovery/mode": "enum",
  "models/local?": "boolean",
  "export/capable?": "boolean",
  "migration/allowed?": "boolean",
  "participant-bind": "bind",
  "proof/participant-signature": "signature",
  "proof/node-attestation": "signature",
  "policy_annotations": "annotations",
  alg: "string",
  value: "string",
};

function makeGen(r) {
  const ulid = (prefix) => `${prefix}:01J${r.str(CROCKFORD, 23)}`;
  const key = () => "z6Mk" + r.str(BASE58, r.int(40, 44));
  const signature = () =>
    new Obj([
      ["alg", "ed25519"],
      ["value", r.str(B64URL, 86)],
    ]);

  // A valid RFC 3339 date-time, sometimes on an edge (leap day, leap second, offsets, case).
  function validDateTime() {
    const pad = (n, w = 2) => String(n).padStart(w, "0");
    let year = r.chance(0.8) ? r.int(2000, 2040) : r.int(0, 9999);
    let month = r.int(1, 12);
    const leap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const days = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let day = r.chance(0.2) ? days[month - 1] : r.int(1, days[month - 1]);
    if (r.chance(0.05)) {
      year = r.pick([2000, 2024, 1600, 2400, 4]);
      month = 2;
      day = 29;
    }
    let hh = r.int(0, 23);
    let mm = r.int(0, 59);
    let ss = r.int(0, 59);
    let offset = r.pick(["Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00", "-23:59"]);
    if (r.chance(0.05)) {
      // A leap second: 23:59:60 UTC, written in some offset.
      const off = r.pick([0, 60, -60, 330, -480, 1439, -1439, 1, -1]);
      const local = (((23 * 60 + 59 + off) % 1440) + 1440) % 1440;
      hh = Math.floor(local / 60);
      mm = local % 60;
      ss = 60;
      const a = Math.abs(off);
      offset = off === 0 ? r.pick(["Z", "+00:00"]) : `${off < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
    }
    const frac = r.chance(0.3) ? "." + r.str("0123456789", r.int(1, 12)) : "";
    const t = r.chance(0.95) ? "T" : "t";
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}${t}${pad(hh)}:${pad(mm)}:${pad(ss)}${frac}${offset}`;
  }

  // A date-time that is probably not RFC 3339: random fields, edge cases, and the shapes
  // ajv-formats accepts but RFC 3339 does not (see README.md).
  function brokenDateTime() {
    const pad = (n, w = 2) => String(n).padStart(w, "0");
    const edge = [
      "2023-02-29T00:00:00Z", // not a leap year
      "1900-02-29T00:00:00Z", // divisible by 100, not by 400
      "2024-02-30T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-00-10T00:00:00Z",
      "2024-13-10T00:00:00Z",
      "2024-01-00T00:00:00Z",
      "2024-01-32T00:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T23:60:00Z",
      "2024-01-01T23:59:61Z",
      "2024-01-01T12:00:60Z", // leap second not at 23:59 UTC
      "2024-12-31T23:59:60+01:00", // 22:59:60 UTC
      "2024-12-31T22:59:60-01:00", // 23:59:60 UTC: valid
      "2024-01-01T00:00:00", // no offset
      "2024-01-01T00:00:00+24:00",
      "2024-01-01T00:00:00+23:60",
      "2024-01-01T00:00:00.Z",
      "2024-01-01T00:00:00,5Z",
      "2024-01-01T00:00Z",
      "24-01-01T00:00:00Z",
      "+02024-01-01T00:00:00Z",
      "2024-1-01T00:00:00Z",
      "2024-01-01TT00:00:00Z",
      "2024-01-01T00:00:00ZZ",
      "2024-01-01T00:00:00Z\n",
      " 2024-01-01T00:00:00Z",
      "2024-01-01T00:00:00Z ",
      "2024-01-01",
      "00:00:00Z",
      "2024-W01-1T00:00:00Z",
      "2024-01-01T00:00:00UTC",
      "２０２４-01-01T00:00:00Z",
      "2024-01-01T00:00:00+1:00",
      "2024-01-01T00:00:00+01:0",
      "2024-01-01T00:00:00+01:",
      "2024-01-01T00:00:00−01:00", // U+2212 minus
      "",
      // ajv-formats accepts these; RFC 3339 section 5.6 does not.
      "2024-01-01 00:00:00Z",
      "2024-01-01\t00:00:00Z",
      "2024-01-01\n00:00:00Z",
      "2024-01-01\u00a000:00:00Z",
      "2024-01-01\u200300:00:00Z",
      "2024-01-01\u300000:00:00Z",
      "2024-01-01\ufeff00:00:00Z",
      "2024-01-01T00:00:00+0100",
      "2024-01-01T00:00:00-0530",
      "2024-01-01T00:00:00+01",
      "2024-01-01T00:00:00-00",
      "2024-01-01T24:59:60+01:00",
      "2024-01-01T23:60:60+00:01",
      "2024-01-01T24:59:59+01:00",
      "2024-01-01T46:59:00+23:00",
      "2024-01-01T23:60:00+00:01",
      "2024-01-01 24:59:60+0100",
      "2024-12-31T23:59:60+0000",
    ];
    if (r.chance(0.35)) return r.pick(edge);
    // Random fields, mostly in range, sometimes out.
    const year = r.chance(0.9) ? r.int(1895, 2405) : r.int(0, 9999);
    const month = r.chance(0.9) ? r.int(1, 12) : r.pick([0, 13, 19, 99]);
    const day = r.chance(0.7) ? r.int(28, 31) : r.int(0, 32);
    const hh = r.chance(0.8) ? r.int(0, 23) : r.int(24, 99);
    const mm = r.chance(0.8) ? r.int(0, 59) : r.int(60, 99);
    const ss = r.chance(0.6) ? r.int(0, 59) : r.pick([60, 60, 60, 61, 99]);
    const sep = r.pick(["T", "T", "T", "t", " ", "\t", "_", "\u00a0"]);
    const frac = r.chance(0.3) ? "." + r.str("0123456789", r.int(0, 4)) : "";
    const oh = r.chance(0.8) ? r.int(0, 23) : r.int(24, 99);
    const om = r.chance(0.8) ? r.pick([0, 0, 30, 45, 59, r.int(0, 59)]) : r.int(60, 99);
    const sign = r.pick(["+", "-"]);
    const offset = r.pick([
      "Z",
      "z",
      `${sign}${pad(oh)}:${pad(om)}`,
      `${sign}${pad(oh)}:${pad(om)}`,
      `${sign}${pad(oh)}${pad(om)}`,
      `${sign}${pad(oh)}`,
      "",
    ]);
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}${sep}${pad(hh)}:${pad(mm)}:${pad(ss)}${frac}${offset}`;
  }

  function annotations(depth = 0) {
    const o = new Obj();
    const n = r.int(0, 4);
    for (let i = 0; i < n; ++i) o.set(r.pick(["region", "tier", "k" + i, "x/y", "a~b", ""]), anyValue(depth + 1));
    return o;
  }

  function anyValue(depth = 0) {
    const choices = ["string", "int", "float", "bool", "null", "array", "object", "raw"];
    const c = depth > 3 ? r.pick(choices.slice(0, 5)) : r.pick(choices);
    switch (c) {
      case "string":
        return r.pick(["", "x", "ed25519", "ünï©ødé", "😀", "a\u0000b", "line\nbreak", r.str(B64URL, 12)]);
      case "int":
        return r.int(-1000, 1000);
      case "float":
        return r.pick([0.5, -1.25, 1e-7, 6.02e23]);
      case "bool":
        return r.chance(0.5);
      case "null":
        return null;
      case "array":
        return Array.from({ length: r.int(0, 3) }, () => anyValue(depth + 1));
      case "object":
        return annotations(depth + 1);
      default:
        return new Raw(r.pick(["1.0", "1e0", "-0", "0.1e1", "100000000000000000001", "1E2", "-5e-3"]));
    }
  }

  function bind() {
    const participant = key();
    const o = new Obj([
      ["schema/v", 1],
      ["bind/id", ulid("pb")],
      ["bound-at", validDateTime()],
      ["participant/id", "participant:did:key:" + participant],
      ["via/node-id", "node:did:key:" + key()],
      ["session/id", ulid("sess")],
      ["participant/key/alg", "ed25519"],
      ["participant/key/public", participant],
      ["proof/participant-signature", signature()],
    ]);
    if (r.chance(0.3)) o.set("proof/node-attestation", signature());
    if (r.chance(0.2)) o.set("policy_annotations", annotations());
    return o;
  }

  function artifact(kind) {
    const node = "node:did:key:" + key();
    let o;
    switch (kind) {
      case "participant-bind":
        return bind();
      case "client-instance-attachment":
        o = new Obj([
          ["schema/v", 1],
          ["attachment/id", ulid("attach")],
          ["attached-at", validDateTime()],
          ["profile/type", r.pick(ENUMS["profile/type"])],
          ["serving-node/id", node],
          ["client-instance/id", ulid("client")],
          ["session/state", r.pick(ENUMS["session/state"])],
          ["export/capable?", r.chance(0.5)],
          ["migration/allowed?", r.chance(0.5)],
          ["participant-bind", bind()],
        ]);
        if (r.chance(0.4)) {
          o.set("pod-user/id", r.pick(["pod-user", "participant"]) + ":did:key:" + key());
        }
        if (r.chance(0.4)) o.set("models/local?", r.chance(0.5));
        break;
      case "client-instance-detachment":
        o = new Obj([
          ["schema/v", 1],
          ["detachment/id", ulid("detach")],
          ["detached-at", validDateTime()],
          ["attachment/id", ulid("attach")],
          ["serving-node/id", node],
          ["client-instance/id", ulid("client")],
          ["detach/reason", r.pick(ENUMS["detach/reason"])],
          ["participant-bind", bind()],
        ]);
        if (r.chance(0.4)) o.set("detach/notes", r.pick(["lost phone", "ü", " ", "x"]));
        if (r.chance(0.5)) o.set("proof/node-attestation", signature());
        break;
      default:
        o = new Obj([
          ["schema/v", 1],
          ["recovery/id", ulid("recover")],
          ["recovered-at", validDateTime()],
          ["serving-node/id", node],
          ["client-instance/id", ulid("client")],
          ["recovery/mode", r.pick(ENUMS["recovery/mode"])],
          ["recovery/from-detachment-id", ulid("detach")],
          ["participant-bind", bind()],
        ]);
        if (r.chance(0.4)) o.set("recovery/token-ref", ulid("migrate"));
        if (r.chance(0.5)) o.set("proof/node-attestation", signature());
    }
    if (r.chance(0.3)) o.set("policy_annotations", annotations());
    return o;
  }

  return { artifact, bind, signature, validDateTime, brokenDateTime, annotations, anyValue, key, ulid };
}

// --- mutations ------------------------------------------------------------------------------

const KINDS = [
  "participant-bind",
  "client-instance-attachment",
  "client-instance-detachment",
  "client-instance-recovery",
];
const ID_FIELDS = ["bind/id", "attachment/id", "detachment/id", "recovery/id"];

function makeMutator(r, g) {
  const notBase58 = ["0", "O", "I", "l", "+", "/", "=", "-", "_", " ", "é", "😀", "\u0000", "\n", "Z\n"];

  function badPattern(role, value) {
    const v = typeof value === "string" ? value : "node:did:key:z6MkX";
    const k = g.key();
    return r.pick([
      v + "\n",
      v + "\r\n",
      "\n" + v,
      " " + v,
      v + " ",
      v.slice(0, Math.max(0, v.length - 3)) + r.pick(notBase58) + v.slice(-2),
      v.replace(/:z/, ":Z"),
      v.replace(/:z/, ":"),
      v.replace(/^z/, "Z"),
      v.replace(/^z/, ""),
      v.toUpperCase(),
      "node:did:key:z",
      "z",
      "participant:did:key:z" + k.slice(1),
      "node:did:key:z" + k.slice(1),
      "pod-user:did:key:z" + k.slice(1),
      "operator:did:key:z" + k.slice(1),
      "did:key:" + k,
      "node:did:web:example.org",
      "node:did:key:" + k + "0",
      role === "multibase" ? "u" + k.slice(1) : "node:did:key:" + k,
    ]);
  }

  function badEnum(name, value) {
    const all = Object.values(ENUMS).flat();
    const v = typeof value === "string" ? value : "x";
    return r.pick([
      v.toUpperCase(),
      v + " ",
      " " + v,
      v + "\n",
      v.replace(/-/g, "_"),
      "",
      r.pick(all),
      r.pick(all),
      "Ed25519",
      "ed448",
    ]);
  }

  function wrongType(current) {
    const options = [null, true, false, 0, 1, -1, 3.5, "", "1", [], [1, "x"], new Obj(), new Obj([["alg", "ed25519"]])];
    if (typeof current === "string") options.push(new Raw("1.0"));
    return r.pick(options);
  }

  function versionValue() {
    return r.pick([
      new Raw("1.0"),
      new Raw("1e0"),
      new Raw("10e-1"),
      new Raw("0.1e1"),
      new Raw("1.00000000000000001"),
      new Raw("100000000000000000001"),
      new Raw("-0"),
      "1",
      "1.0",
      2,
      0,
      -1,
      1.5,
      null,
      true,
      [1],
      new Obj([["v", 1]]),
      "v1",
    ]);
  }

  function unknownName() {
    return r.pick([
      "schema/version",
      "extra",
      "Schema/v",
      "schema/v ",
      " schema/v",
      "bind/ID",
      "a~b",
      "a/b",
      "~1",
      "~0/~",
      "",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "ünï",
      "😀",
      "proof/node-attestation2",
      "policy-annotations",
      "policy_annotation",
      "signature",
      "proof",
    ]);
  }

  // Applies one random mutation somewhere in `o` (a closed shape: top, bind or signature).
  // `shape` says which, for the mutations that depend on it. Returns a description.
  function mutateShape(o, shape) {
    const names = o.names();
    const name = names.length ? r.pick(names) : null;
    const role = name === null ? undefined : ROLE[name];
    // Weights out of 30: duplicates are rarer, since they hide every other violation.
    const op = r.pick([
      ...Array(4).fill("remove"),
      ...Array(2).fill("rename"),
      ...Array(4).fill("add"),
      ...Array(4).fill("wrong-type"),
      ...Array(2).fill("empty-string"),
      ...Array(11).fill("value"),
      ...Array(1).fill("duplicate"),
      ...Array(2).fill("null"),
    ]);
    switch (op) {
      case "remove":
        if (name === null) break;
        o.delete(name);
        return `remove ${shape}.${name}`;
      case "rename": {
        if (name === null) break;
        const to = r.chance(0.5) ? unknownName() : r.pick(Object.keys(ROLE));
        o.rename(name, to);
        return `rename ${shape}.${name} -> ${JSON.stringify(to)}`;
      }
      case "add": {
        const to = r.chance(0.7) ? unknownName() : r.pick(Object.keys(ROLE));
        if (o.has(to)) break;
        o.set(to, g.anyValue());
        return `add ${shape}.${JSON.stringify(to)}`;
      }
      case "wrong-type":
        if (name === null) break;
        o.set(name, wrongType(o.get(name)));
        return `wrong type ${shape}.${name}`;
      case "null":
        if (name === null) break;
        o.set(name, null);
        return `null ${shape}.${name}`;
      case "empty-string":
        if (name === null) break;
        o.set(name, "");
        return `empty string ${shape}.${name}`;
      case "duplicate": {
        if (name === null) break;
        const same = r.chance(0.5);
        o.entries.splice(r.int(0, o.entries.length), 0, [name, same ? o.get(name) : g.anyValue()]);
        return `duplicate ${shape}.${name}${same ? " (same value)" : ""}`;
      }
      case "value": {
        if (name === null) break;
        switch (role) {
          case "version":
            o.set(name, versionValue());
            return `schema/v ${serialize(o.get(name))} in ${shape}`;
          case "date-time":
            o.set(name, r.chance(0.8) ? g.brokenDateTime() : g.validDateTime());
            return `date-time ${shape}.${name} = ${JSON.stringify(o.get(name))}`;
          case "participant-did":
          case "node-did":
          case "pod-user-did":
          case "multibase":
            o.set(name, badPattern(role, o.get(name)));
            return `pattern ${shape}.${name} = ${JSON.stringify(o.get(name))}`;
          case "enum":
            o.set(name, badEnum(name, o.get(name)));
            return `enum ${shape}.${name} = ${JSON.stringify(o.get(name))}`;
          case "boolean":
            o.set(name, r.pick(["true", 1, 0, null, "false", new Raw("1.0")]));
            return `boolean ${shape}.${name}`;
          case "annotations":
            o.set(name, r.chance(0.5) ? g.anyValue() : g.annotations());
            return `policy_annotations ${shape} = ${serialize(o.get(name)).slice(0, 40)}`;
          case "bind": {
            const b = o.get(name);
            if (b instanceof Obj && r.chance(0.8)) return mutateShape(b, "bind");
            o.set(name, r.pick([g.anyValue(), g.artifact(r.pick(KINDS.slice(1))), g.signature()]));
            return `replace ${shape}.participant-bind`;
          }
          case "signature": {
            const s = o.get(name);
            if (s instanceof Obj && r.chance(0.8)) return mutateShape(s, name);
            o.set(name, r.pick([g.anyValue(), g.bind(), "ed25519:" + "A".repeat(86)]));
            return `replace ${shape}.${name}`;
          }
          default:
            o.set(name, r.pick(["", " ", "\n", "\u0000", "😀", "x".repeat(300), 7]));
            return `string ${shape}.${name}`;
        }
      }
    }
    return "no-op";
  }

  // Picks the shape to mutate: the top level, the nested bind, or a signature in either.
  function mutate(top) {
    const targets = [[top, "top"]];
    const b = top.get("participant-bind");
    if (b instanceof Obj) targets.push([b, "bind"], [b, "bind"]);
    for (const holder of [top, b]) {
      if (!(holder instanceof Obj)) continue;
      for (const s of ["proof/participant-signature", "proof/node-attestation"]) {
        const sig = holder.get(s);
        if (sig instanceof Obj) targets.push([sig, s]);
      }
    }
    const [o, shape] = r.pick(targets);
    return mutateShape(o, shape);
  }

  // Cases outside the closed shapes: kind ambiguity, duplicates deep inside annotations,
  // layer 1.
  function special(top) {
    switch (r.int(0, 8)) {
      case 0: {
        const other = r.pick(ID_FIELDS);
        if (top.has(other)) return "no-op";
        top.set(other, g.ulid("id"));
        return `add kind id ${other}`;
      }
      case 1: {
        const own = ID_FIELDS.filter((f) => top.has(f));
        for (const f of own) top.delete(f);
        return `remove kind ids ${own.join(",")}`;
      }
      case 2: {
        const ann = g.annotations();
        ann.entries.push(["dup", 1], ["dup", r.chance(0.5) ? 1 : "other"]);
        top.set("policy_annotations", new Obj([["nested", [ann]]]));
        return "duplicate deep in policy_annotations";
      }
      case 3:
        top.set("policy_annotations", new Obj([["s", "\ud800"]]));
        return "lone surrogate";
      case 4: {
        let v = [];
        const depth = r.pick([60, 61, 62, 63, 64]);
        for (let i = 0; i < depth; ++i) v = [v];
        top.set("policy_annotations", new Obj([["deep", v]]));
        return `nesting ${depth} arrays in policy_annotations`;
      }
      case 5:
        top.set("policy_annotations", new Obj([["n", new Raw(r.pick(["1e400", "-1e400", "1e308", "123456789012345678901234567890", "5e-400"]))]]));
        return "number edge in policy_annotations";
      case 6: {
        const b = top.get("participant-bind");
        if (!(b instanceof Obj)) return "no-op";
        b.set("policy_annotations", r.chance(0.5) ? g.anyValue() : g.annotations());
        return "bind policy_annotations";
      }
      case 7:
        // Every member's value replaced by one of another type.
        for (const e of top.entries) e[1] = r.pick([null, 0, true, [], new Obj()]);
        return "every member of a wrong type";
      default:
        top.entries.reverse();
        return "members in reverse order";
    }
  }

  return { mutate, special };
}

// --- main -----------------------------------------------------------------------------------

function main() {
  const args = process.argv.slice(2);
  let seed = 20260328;
  let count = 12000;
  let out;
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === "--seed") seed = Number(args[++i]);
    else if (args[i] === "--count") count = Number(args[++i]);
    else out = args[i];
  }
  if (!out || !(count > 0) || !Number.isInteger(seed)) {
    process.stderr.write("usage: node generate.mjs [--seed N] [--count N] OUT.ndjson\n");
    process.exit(2);
  }
  const r = makeRandom(seed);
  const g = makeGen(r);
  const m = makeMutator(r, g);
  const lines = [];
  const meta = [];
  for (let n = 1; n <= count; ++n) {
    const kind = KINDS[(n - 1) % 4];
    const top = g.artifact(kind);
    const mutations = [];
    const roll = r.next();
    if (roll < 0.15) {
      // valid as generated
    } else if (roll < 0.25) {
      mutations.push(m.special(top));
    } else {
      const k = r.pick([1, 1, 1, 2, 2, 3]);
      for (let i = 0; i < k; ++i) mutations.push(m.mutate(top));
    }
    if (r.chance(0.2)) {
      // Fisher-Yates: member order must not matter.
      const e = top.entries;
      for (let i = e.length - 1; i > 0; --i) {
        const j = r.int(0, i);
        [e[i], e[j]] = [e[j], e[i]];
      }
    }
    lines.push(serialize(top));
    meta.push(JSON.stringify({ line: n, kind, mutations }));
  }
  // A sweep of leap-second times in many offsets (23:59:60 UTC only, RFC 3339 section 5.7),
  // out-of-range fields included, and of February's last days.
  const pad = (x) => String(x).padStart(2, "0");
  const sweep = [];
  for (let hh = 0; hh <= 24; ++hh) {
    for (const mm of [0, 29, 30, 59, 60]) {
      for (const off of ["Z", "+00:01", "-00:01", "+01:00", "-01:00", "+23:59", "-23:59", "+05:30", "-05:30", "+0100", "+01"]) {
        sweep.push(`2016-12-31T${pad(hh)}:${pad(mm)}:60${off}`);
      }
    }
  }
  for (const year of ["1900", "2000", "2023", "2024", "2100", "0000"]) {
    for (const day of ["28", "29", "30"]) sweep.push(`${year}-02-${day}T12:00:00Z`);
  }
  for (const value of sweep) {
    const top = g.artifact("client-instance-detachment");
    top.set("detached-at", value);
    lines.push(serialize(top));
    meta.push(JSON.stringify({ line: lines.length, kind: "client-instance-detachment", mutations: [`sweep detached-at = ${value}`] }));
  }
  // Layer 1 odds and ends, each once.
  const fixed = ["[]", "1", '"x"', "null", "{}", '{"bind/id":"x"', '{"bind/id":"x"} x', '\ufeff{"bind/id":"x"}'];
  for (const text of fixed) {
    lines.push(text);
    meta.push(JSON.stringify({ line: lines.length, kind: null, mutations: ["layer 1"] }));
  }
  writeFileSync(out, lines.join("\n") + "\n");
  writeFileSync(out.replace(/\.ndjson$/, "") + ".meta.ndjson", meta.join("\n") + "\n");
}

main();
