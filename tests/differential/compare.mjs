#!/usr/bin/env node
// Compares podgate's verdicts with the reference validator's, line by line.
//
//   node compare.mjs [--forced-kind] CASES.ndjson PODGATE.ndjson REFERENCE.ndjson [META.ndjson]
//
// PODGATE.ndjson is `podgate validate --ndjson --format json CASES.ndjson`; REFERENCE.ndjson
// is `node tools/reference/validate.mjs --report CASES.ndjson`. Per line the two must agree on
// the verdict, the code and the exact set of (path, keyword). The only differences allowed
// are the documented ones (README.md), each recognised here from the input itself:
//
//   duplicate-member-names   the line repeats a member name (found by this file's own
//                            scanner): podgate says malformed-json, the reference does not.
//   date-time/<class>        podgate reports (path, format) alone, the value at path is a
//                            string in one of the classes ajv-formats accepts although RFC 3339
//                            section 5.6 does not (DATE_TIME_CLASSES below).
//
// Everything else is a disagreement and fails the test. The test also fails when a
// documented class never occurs (the corpus must keep exercising it), when the corpus is
// smaller than 5,000 lines, or when a kind lacks valid or invalid cases.

import { readFileSync } from "node:fs";

const MIN_LINES = 5000;

// ajv-formats 3.0.1 date-time (dist/formats.js, getDateTime(true)): splits on /t|\s/i, so any
// JavaScript whitespace separates date and time; its TIME regex takes the offset as
// [+-]hh(:?mm)?, so "+0100" and "+01" pass; and every time whose fields fail the range check
// goes to the leap-second branch, which tests only that the naively converted UTC time is
// 23:59 (or -1:-1) and seconds < 61, so "24:59:60+01:00" or "46:59:00+23:00" pass.
const DATE_TIME_CLASSES = {
  "whitespace-separator": (s) => /^\d{4}-\d{2}-\d{2}\s/.test(s),
  "offset-without-colon": (s) => /[+-]\d{4}$/.test(s),
  "hour-only-offset": (s) => /:\d\d(\.\d+)?[+-]\d\d$/.test(s),
  "out-of-range-hour-or-minute": (s) => {
    const m = /^\d{4}-\d{2}-\d{2}.(\d\d):(\d\d):/su.exec(s);
    return m !== null && (Number(m[1]) > 23 || Number(m[2]) > 59);
  },
};

function readLines(path) {
  const text = readFileSync(path, "utf8");
  return text.split("\n").filter((l) => l.length > 0);
}

// True when the JSON text (already accepted by JSON.parse) repeats a member name in some
// object. Names are compared after unescaping.
function hasDuplicateName(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) ++i;
  };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    ++i;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      ++i;
      const seen = new Set();
      let dup = false;
      ws();
      if (text[i] === "}") {
        ++i;
        return false;
      }
      for (;;) {
        ws();
        const name = string();
        if (seen.has(name)) dup = true;
        seen.add(name);
        ws();
        ++i; // ':'
        if (value()) dup = true;
        ws();
        if (text[i++] === "}") return dup;
      }
    }
    if (c === "[") {
      ++i;
      let dup = false;
      ws();
      if (text[i] === "]") {
        ++i;
        return false;
      }
      for (;;) {
        if (value()) dup = true;
        ws();
        if (text[i++] === "]") return dup;
      }
    }
    if (c === '"') {
      string();
      return false;
    }
    while (i < text.length && !",}] \t\r\n".includes(text[i])) ++i;
    return false;
  };
  return value();
}

function resolvePointer(doc, pointer) {
  if (pointer === "") return doc;
  let v = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const name = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, name)) return undefined;
    v = v[name];
  }
  return v;
}

function keyOf(e) {
  return JSON.stringify([e.path, e.keyword]);
}

function verdictOf(r) {
  return { valid: r.valid, code: r.code ?? null, errors: new Set(r.errors.map(keyOf)) };
}

function main() {
  // --forced-kind: both ran with --kind, so only that kind occurs and the coverage rules
  // (every kind valid and invalid, every documented class) do not apply.
  const args = process.argv.slice(2);
  const forced = args[0] === "--forced-kind";
  if (forced) args.shift();
  const [casesPath, podgatePath, referencePath, metaPath] = args;
  if (!referencePath) {
    process.stderr.write("usage: node compare.mjs [--forced-kind] CASES PODGATE REFERENCE [META]\n");
    process.exit(2);
  }
  const cases = readFileSync(casesPath, "utf8").split("\n");
  if (cases.at(-1) === "") cases.pop();
  const meta = new Map();
  if (metaPath) for (const l of readLines(metaPath)) meta.set(JSON.parse(l).line, JSON.parse(l));

  const podgate = new Map();
  for (const l of readLines(podgatePath)) {
    const r = JSON.parse(l);
    const line = Number(r.input.slice(r.input.lastIndexOf(":") + 1));
    podgate.set(line, verdictOf({ valid: r.verdict === "valid", code: r.code, errors: r.errors }));
    podgate.get(line).kind = r.kind;
  }
  const reference = new Map();
  for (const l of readLines(referencePath)) {
    const r = JSON.parse(l);
    reference.set(r.line, verdictOf(r));
    reference.get(r.line).kind = r.kind;
  }

  const documented = {
    "duplicate-member-names": 0,
    ...Object.fromEntries(Object.keys(DATE_TIME_CLASSES).map((c) => ["date-time/" + c, 0])),
  };
  const coverage = {}; // kind -> {valid, invalid}
  const failures = [];
  let agreed = 0;
  const fail = (n, why, p, r) => {
    failures.push({ line: n, why, podgate: p, reference: r });
  };

  for (let n = 1; n <= cases.length; ++n) {
    const text = cases[n - 1];
    const p = podgate.get(n);
    const r = reference.get(n);
    if (!p || !r) {
      fail(n, `missing verdict (podgate: ${!!p}, reference: ${!!r})`, p, r);
      continue;
    }
    if (p.kind) {
      coverage[p.kind] ??= { valid: 0, invalid: 0 };
      coverage[p.kind][p.valid ? "valid" : "invalid"]++;
    }
    let doc;
    let dup = false;
    try {
      doc = JSON.parse(text);
      dup = hasDuplicateName(text);
    } catch {
      doc = undefined;
    }
    const pOnly = [...p.errors].filter((e) => !r.errors.has(e));
    const rOnly = [...r.errors].filter((e) => !p.errors.has(e));
    const same = p.valid === r.valid && p.code === r.code && pOnly.length === 0 && rOnly.length === 0;

    if (dup) {
      // Documented: podgate rejects duplicate names (I-JSON); JSON.parse keeps the last one.
      if (p.code !== "malformed-json") {
        fail(n, "duplicate member name not rejected by podgate", p, r);
      } else if (same) {
        ++agreed; // also malformed for the reference (for another reason)
      } else if (r.code === "malformed-json") {
        fail(n, "both malformed-json but errors differ", p, r);
      } else {
        documented["duplicate-member-names"]++;
      }
      continue;
    }
    if (same) {
      ++agreed;
      continue;
    }
    // Documented: ajv-formats' lax date-time. podgate has extra (path, format) errors only.
    const classes = new Set();
    let explained = rOnly.length === 0 && pOnly.length > 0 && p.code === "schema-invalid";
    explained &&= r.valid ? r.code === null : r.code === "schema-invalid";
    for (const e of explained ? pOnly : []) {
      const [path, keyword] = JSON.parse(e);
      const value = resolvePointer(doc, path);
      const hits = typeof value === "string" && keyword === "format"
        ? Object.entries(DATE_TIME_CLASSES).filter(([, test]) => test(value)).map(([c]) => c)
        : [];
      if (hits.length === 0) explained = false;
      for (const c of hits) classes.add(c);
    }
    if (explained) {
      for (const c of classes) documented["date-time/" + c]++;
      continue;
    }
    fail(n, "disagreement", p, r);
  }

  const show = (v) =>
    v ? { valid: v.valid, code: v.code, kind: v.kind, errors: [...v.errors].map((e) => JSON.parse(e)) } : v;
  for (const f of failures.slice(0, 40)) {
    process.stdout.write(
      `DISAGREEMENT line ${f.line}: ${f.why}\n  input: ${cases[f.line - 1].slice(0, 2000)}\n` +
        (meta.has(f.line) ? `  mutations: ${JSON.stringify(meta.get(f.line).mutations)}\n` : "") +
        `  podgate:   ${JSON.stringify(show(f.podgate))}\n  reference: ${JSON.stringify(show(f.reference))}\n`,
    );
  }
  if (failures.length > 40) process.stdout.write(`... and ${failures.length - 40} more\n`);

  const problems = [];
  if (cases.length < MIN_LINES) problems.push(`only ${cases.length} cases, want >= ${MIN_LINES}`);
  for (const kind of forced ? [] : [
    "participant-bind",
    "client-instance-attachment",
    "client-instance-detachment",
    "client-instance-recovery",
  ]) {
    const c = coverage[kind] ?? { valid: 0, invalid: 0 };
    if (c.valid === 0 || c.invalid === 0) problems.push(`${kind}: ${c.valid} valid, ${c.invalid} invalid`);
  }
  for (const [c, count] of Object.entries(documented)) {
    if (count === 0 && !forced) problems.push(`documented difference ${c} never occurred`);
  }

  process.stdout.write(
    `differential${forced ? " (--kind)" : ""}: ${cases.length} cases; ${agreed} agree exactly; documented differences: ` +
      Object.entries(documented).map(([c, k]) => `${c} ${k}`).join(", ") +
      `; coverage: ${JSON.stringify(coverage)}\n`,
  );
  for (const p of problems) process.stdout.write(`PROBLEM: ${p}\n`);
  const ok = failures.length === 0 && problems.length === 0;
  process.stdout.write(ok ? "differential: OK\n" : `differential: FAILED (${failures.length} disagreements)\n`);
  process.exit(ok ? 0 : 1);
}

main();
