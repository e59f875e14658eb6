#!/usr/bin/env node
// The reference validator: podgate's own schema documents (schemas/*.schema.json) compiled by
// Ajv 8 (JSON Schema draft 2020-12) with ajv-formats. Used by the differential test
// (tests/differential/) and the validate benchmark (bench/validate.sh); never by podgate.
//
//   node validate.mjs --ndjson --quiet FILE     validate every line, print count and time
//   node validate.mjs --report FILE             one JSON line per input line (see below)
//   options: --kind KIND (force the kind), --schemas DIR (default: ../../schemas),
//            --runs N (--quiet mode: repeat the timed loop N times, report the best)
//
// --report prints, for each non-blank line n of FILE:
//   {"line":n,"kind":K|null,"valid":bool,"code":null|"malformed-json"|"unknown-kind"|
//    "schema-invalid","errors":[{"path":P,"keyword":W},...]}
// with errors normalized to the member they are about (a JSON Pointer): for "required" the
// missing member, for "additionalProperties" the unknown member, otherwise ajv's instancePath;
// sorted, without repeats. Before ajv runs, --report applies the layer-1 rules of DESIGN.md
// that JSON.parse does not (strict UTF-8, no byte order mark, one top-level object, nesting
// depth <= 64, finite numbers, no lone surrogates, size <= 64 KiB), reporting
// {"path":"","keyword":"json"} like podgate. Duplicate member names cannot be seen after
// JSON.parse (last one wins): that is the one intended difference from podgate.
//
// Kind detection is podgate's: the one kind-specific id member present (detachment/id,
// recovery/id, attachment/id — only without detachment/id — bind/id), else unknown-kind.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const KINDS = [
  ["participant-bind", "bind/id"],
  ["client-instance-attachment", "attachment/id"],
  ["client-instance-detachment", "detachment/id"],
  ["client-instance-recovery", "recovery/id"],
];
const MAX_BYTES = 64 * 1024;
const MAX_DEPTH = 64;

function usage(message) {
  process.stderr.write(
    `validate.mjs: ${message}\n` +
      "usage: node validate.mjs (--ndjson --quiet | --report) [--kind K] [--schemas DIR] " +
      "[--runs N] FILE\n",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const opts = { schemas: join(here, "..", "..", "schemas"), runs: 1 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === "--ndjson") opts.ndjson = true;
    else if (a === "--quiet") opts.quiet = true;
    else if (a === "--report") opts.report = true;
    else if (a === "--kind") opts.kind = argv[++i];
    else if (a === "--schemas") opts.schemas = argv[++i];
    else if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else if (opts.file === undefined) opts.file = a;
    else usage("one input file only");
  }
  if (opts.file === undefined) usage("no input file");
  if (!opts.report && !(opts.ndjson && opts.quiet)) usage("give --report or --ndjson --quiet");
  if (!(opts.runs >= 1)) usage("--runs takes a positive number");
  if (opts.kind !== undefined) {
    const name = opts.kind.replace(/\.v1$/, "");
    if (!KINDS.some(([k]) => k === name)) usage(`unknown kind ${opts.kind}`);
    opts.kind = name;
  }
  return opts;
}

// Compiles the four schema documents; returns kind -> validate function.
function compile(schemaDir) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: true });
  addFormats(ajv);
  const docs = KINDS.map(([kind]) =>
    JSON.parse(readFileSync(join(schemaDir, `${kind}.v1.schema.json`), "utf8")),
  );
  for (const doc of docs) ajv.addSchema(doc);
  const validators = new Map();
  KINDS.forEach(([kind], i) => validators.set(kind, ajv.getSchema(docs[i].$id)));
  return validators;
}

function detectKind(obj) {
  const has = new Map(KINDS.map(([kind, field]) => [kind, Object.hasOwn(obj, field)]));
  if (has.get("client-instance-detachment")) has.set("client-instance-attachment", false);
  const found = KINDS.filter(([kind]) => has.get(kind)).map(([kind]) => kind);
  return found.length === 1 ? found[0] : null;
}

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Splits a buffer into lines (without the '\n'), numbered from 1; blank lines are skipped,
// as podgate skips them.
function* lines(buf) {
  let start = 0;
  let n = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    ++n;
    const line = buf.subarray(start, end);
    start = end + 1;
    if (!isBlank(line)) yield [n, line];
  }
}

// Only spaces, tabs and carriage returns (podgate skips such lines too).
function isBlank(line) {
  for (const byte of line) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

// --- --report: layer 1 as DESIGN.md states it, then ajv ------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s) =>
  typeof s.isWellFormed === "function" ? s.isWellFormed() : !LONE_SURROGATE.test(s);

// The first layer-1 problem JSON.parse let through, or null.
function layerOneProblem(value, depth) {
  if (typeof value === "number") return Number.isFinite(value) ? null : "number beyond double";
  if (typeof value === "string") return wellFormed(value) ? null : "lone surrogate";
  if (value === null || typeof value !== "object") return null;
  if (depth > MAX_DEPTH) return "nesting deeper than 64 levels";
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = layerOneProblem(v, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!wellFormed(k)) return "lone surrogate";
    const p = layerOneProblem(v, depth + 1);
    if (p) return p;
  }
  return null;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function escapePointer(name) {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function normalize(errors) {
  const seen = new Map();
  for (const e of errors) {
    let path = e.instancePath;
    if (e.keyword === "required") path += "/" + escapePointer(e.params.missingProperty);
    else if (e.keyword === "additionalProperties") {
      path += "/" + escapePointer(e.params.additionalProperty);
    }
    seen.set(JSON.stringify([path, e.keyword]), { path, keyword: e.keyword });
  }
  return [...seen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v);
}

function reportLine(validators, forcedKind, n, bytes) {
  const out = { line: n, kind: null, valid: false, code: null, errors: [] };
  const fail = (code, keyword, detail) => {
    out.code = code;
    out.errors = [{ path: "", keyword }];
    if (detail) out.detail = detail;
    return out;
  };
  if (bytes.length > MAX_BYTES) return fail("malformed-json", "json", "over 64 KiB");
  let value;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    return fail("malformed-json", "json", e.message);
  }
  if (!isObject(value)) return fail("malformed-json", "json", "top level is not an object");
  const problem = layerOneProblem(value, 1);
  if (problem) return fail("malformed-json", "json", problem);
  const kind = forcedKind ?? detectKind(value);
  if (kind === null) return fail("unknown-kind", "kind");
  out.kind = kind;
  const validate = validators.get(kind);
  if (validate(value)) {
    out.valid = true;
  } else {
    out.code = "schema-invalid";
    out.errors = normalize(validate.errors);
  }
  return out;
}

// --- --ndjson --quiet: the benchmark loop --------------------------------------------------

// Parses and validates every line; what an ajv user does with an NDJSON stream. No layer-1
// extras here: the loop is JSON.parse, kind detection and the compiled validator, nothing else.
function validateAll(validators, forcedKind, buf) {
  let valid = 0;
  let invalid = 0;
  let start = 0;
  const text = buf.toString("utf8");
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === "") continue;
    let ok = false;
    try {
      const value = JSON.parse(line);
      const kind = isObject(value) ? (forcedKind ?? detectKind(value)) : null;
      ok = kind !== null && validators.get(kind)(value);
    } catch {
      ok = false;
    }
    if (ok) ++valid;
    else ++invalid;
  }
  return [valid, invalid];
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const validators = compile(opts.schemas);
  const compileMs = performance.now() - t0;
  let buf;
  try {
    buf = readFileSync(opts.file === "-" ? 0 : opts.file);
  } catch (e) {
    process.stderr.write(`validate.mjs: ${e.message}\n`);
    process.exit(2);
  }
  if (opts.report) {
    const chunks = [];
    let invalid = 0;
    for (const [n, line] of lines(buf)) {
      const r = reportLine(validators, opts.kind, n, line);
      if (!r.valid) ++invalid;
      chunks.push(JSON.stringify(r));
      if (chunks.length >= 4096) {
        process.stdout.write(chunks.join("\n") + "\n");
        chunks.length = 0;
      }
    }
    if (chunks.length) process.stdout.write(chunks.join("\n") + "\n");
    process.exitCode = invalid > 0 ? 1 : 0;
    return;
  }
  // Wall-clock and CPU time (user + system) of each run; the best of each counts.
  let best = Infinity;
  let bestCpu = Infinity;
  let counts = [0, 0];
  for (let run = 0; run < opts.runs; ++run) {
    const t = performance.now();
    const c = process.cpuUsage();
    counts = validateAll(validators, opts.kind, buf);
    const cpu = process.cpuUsage(c);
    best = Math.min(best, performance.now() - t);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  const total = counts[0] + counts[1];
  process.stdout.write(
    `ajv: ${total} artifacts (${counts[0]} valid, ${counts[1]} invalid) in ${best.toFixed(1)} ms` +
      ` wall, ${bestCpu.toFixed(1)} ms CPU (best of ${opts.runs}; schema compilation` +
      ` ${compileMs.toFixed(1)} ms not counted): ${Math.round(total / (best / 1000))} artifacts/s` +
      ` wall, ${Math.round(total / (bestCpu / 1000))} artifacts/s CPU\n`,
  );
  process.exitCode = counts[1] > 0 ? 1 : 0;
}

main();
