#!/usr/bin/env node
// Compiles one schema document alone in Ajv 8 (JSON Schema draft 2020-12, strict, with
// ajv-formats), no other schema added, and validates each FILE against it, printing
// "valid FILE" or "invalid FILE: <first error>" per file. Exit code 0 when every file was
// judged (whatever the verdicts), 2 when the document does not compile on its own (an
// unresolvable $ref, say) or a file is not JSON. tests/differential/bundle.sh uses it to check
// that `podgate schema --bundle KIND` is a document a validator takes by itself.
//
//   node alone.mjs SCHEMA FILE...

import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  process.stderr.write("usage: node alone.mjs SCHEMA FILE...\n");
  process.exit(2);
}
const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (e) {
  process.stdout.write(`does not compile alone: ${e.message}\n`);
  process.exit(2);
}
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    process.stdout.write(`not JSON ${file}: ${e.message}\n`);
    process.exit(2);
  }
  if (validate(doc)) {
    process.stdout.write(`valid ${file}\n`);
  } else {
    const e = validate.errors[0];
    process.stdout.write(`invalid ${file}: ${e.instancePath || "/"} ${e.keyword} ${e.message}\n`);
  }
}
