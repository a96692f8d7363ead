/**
 * Tests of core/models/lineage.ts (spec §8.1, §8.2, §8.6; README §2): refs and
 * `covers`, certificate equality, and the 1.6 JSON forms of every lineage
 * kind, which must round-trip byte for byte. The expected texts were written
 * by Python 3.11 `json.dumps(obj, indent=2)`.
 */
import assert from "node:assert/strict";
import { ConfigurationError } from "../../../core/base/errors.ts";
import {
  type Certificate,
  covers,
  formatRef,
  lineageFromJson,
  lineageToJson,
  parseExportedLineage,
  parseLineageFile,
  type ResourceCert,
  type ResourceRef,
  sameCert,
  sameRef,
  sameVersion,
  serializeExportedLineage,
  serializeLineageFile,
} from "../../../core/models/lineage.ts";
import { dumpPythonJson, parsePythonJson } from "../../../core/base/python_json.ts";

const STEP = `{
  "type": "step",
  "step_name": "lineage_step1",
  "start_time": "2026-11-25T14:50:11.767411",
  "execution_time_seconds": 0.021085,
  "parameters": {
    "gamma": 0.01,
    "n": 3,
    "name": "caf\\u00e9",
    "opts": {
      "a": [
        1,
        2
      ]
    }
  },
  "input_resources": [
    {
      "resource_name": "source-data",
      "subpath": null,
      "certificate": {
        "cert_type": "hash",
        "hashval": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411"
      }
    }
  ],
  "code_resources": [
    {
      "resource_name": "code",
      "subpath": null,
      "certificate": {
        "cert_type": "placeholder",
        "version": 1,
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411",
        "is_output": false
      }
    }
  ],
  "output_resources": [
    {
      "resource_name": "intermediate-data",
      "subpath": "s1",
      "certificate": {
        "cert_type": "placeholder",
        "version": 2,
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411",
        "is_output": true
      }
    },
    {
      "resource_name": "intermediate-data",
      "subpath": "s2/x",
      "certificate": {
        "cert_type": "placeholder",
        "version": 1,
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411",
        "is_output": true
      }
    }
  ],
  "command_line": [
    "/usr/bin/python3",
    "lineage_step1.py",
    "--fail"
  ],
  "run_from_directory": [
    "code",
    "sub"
  ]
}`;

const SMALL_STEP = `{
  "type": "step",
  "step_name": "s",
  "start_time": "2026-11-25T14:50:11.767411",
  "execution_time_seconds": null,
  "parameters": {},
  "input_resources": [],
  "code_resources": [],
  "output_resources": [
    {
      "resource_name": "intermediate-data",
      "subpath": null,
      "certificate": {
        "cert_type": "hash",
        "hashval": "cccccccccccccccccccccccccccccccccccccccc",
        "comment": "Step s at 2026-11-25 14:50:11.767411"
      }
    }
  ],
  "command_line": null,
  "run_from_directory": null
}`;

const SOURCE = `{
  "resource_name": "source-data",
  "subpath": "data.csv",
  "certificate": {
    "cert_type": "placeholder",
    "version": 1,
    "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411",
    "is_output": false
  },
  "type": "source_data"
}`;

const CODE = `{
  "resource_name": "code",
  "subpath": null,
  "certificate": {
    "cert_type": "hash",
    "hashval": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411"
  },
  "type": "code"
}`;

const IMPORTED = `{
  "type": "imported",
  "resource_name": "intermediate-data",
  "nested_lineage": [
    {
      "type": "step",
      "step_name": "s",
      "start_time": "2026-11-25T14:50:11.767411",
      "execution_time_seconds": null,
      "parameters": {},
      "input_resources": [],
      "code_resources": [],
      "output_resources": [
        {
          "resource_name": "intermediate-data",
          "subpath": null,
          "certificate": {
            "cert_type": "hash",
            "hashval": "cccccccccccccccccccccccccccccccccccccccc",
            "comment": "Step s at 2026-11-25 14:50:11.767411"
          }
        }
      ],
      "command_line": null,
      "run_from_directory": null
    },
    {
      "resource_name": "code",
      "subpath": null,
      "certificate": {
        "cert_type": "hash",
        "hashval": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411"
      },
      "type": "code"
    }
  ]
}`;

// The observed 1.6 file of spec §8.2 (with 1.6's misspelt key).
const FILE_16 = `{
  "resource_name": "source-data",
  "lineages": [
    {
      "resource_name": "source-data",
      "subpath": null,
      "certificate": {
        "cert_type": "placeholder",
        "version": 1,
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411",
        "is_ouput": false
      },
      "type": "source_data"
    }
  ]
}`;

const EXPORTED = `{
  "resource_name": "intermediate-data",
  "complete": false,
  "lineages": [
    {
      "type": "step",
      "step_name": "s",
      "start_time": "2026-11-25T14:50:11.767411",
      "execution_time_seconds": null,
      "parameters": {},
      "input_resources": [],
      "code_resources": [],
      "output_resources": [
        {
          "resource_name": "intermediate-data",
          "subpath": null,
          "certificate": {
            "cert_type": "hash",
            "hashval": "cccccccccccccccccccccccccccccccccccccccc",
            "comment": "Step s at 2026-11-25 14:50:11.767411"
          }
        }
      ],
      "command_line": null,
      "run_from_directory": null
    },
    {
      "resource_name": "code",
      "subpath": null,
      "certificate": {
        "cert_type": "hash",
        "hashval": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "comment": "Step lineage_step1 at 2026-11-25 14:50:11.767411"
      },
      "type": "code"
    }
  ]
}`;

const STEP_COMMENT = "Step lineage_step1 at 2026-11-25 14:50:11.767411";
const ref = (name: string, subpath: string | null = null): ResourceRef => ({ name, subpath });
const roundTrip = (text: string) => dumpPythonJson(lineageToJson(lineageFromJson(parsePythonJson(text, "t"), "t")));

// ---------------------------------------------------------------- refs

Deno.test("covers: the whole resource covers its paths, a path covers the paths below it", () => {
  assert.equal(covers(ref("d"), ref("d", "x")), true);
  assert.equal(covers(ref("d"), ref("d", "x/y")), true);
  assert.equal(covers(ref("d", "x"), ref("d", "x/y")), true);
  assert.equal(covers(ref("d", "x"), ref("d", "x/y/z.csv")), true);
  assert.equal(covers(ref("d", "x/y"), ref("d", "x/y/z")), true);
});

Deno.test("covers: equal refs, other resources, siblings and parents are not covered", () => {
  assert.equal(covers(ref("d"), ref("d")), false);
  assert.equal(covers(ref("d", "x"), ref("d", "x")), false);
  assert.equal(covers(ref("d", "x"), ref("d")), false, "a path does not cover the whole resource");
  assert.equal(covers(ref("d", "x/y"), ref("d", "x")), false, "a child does not cover its parent");
  assert.equal(covers(ref("d"), ref("e", "x")), false);
  assert.equal(covers(ref("d", "x"), ref("e", "x/y")), false);
  assert.equal(covers(ref("d", "x"), ref("d", "xy")), false, "prefix by path components, not characters");
  assert.equal(covers(ref("d", "x"), ref("d", "xy/z")), false);
  assert.equal(covers(ref("d", "x/y"), ref("d", "x/z")), false);
});

Deno.test("refs: equality and display", () => {
  assert.equal(sameRef(ref("d", "x"), ref("d", "x")), true);
  assert.equal(sameRef(ref("d"), ref("d", "x")), false);
  assert.equal(sameRef(ref("d", "x"), ref("e", "x")), false);
  assert.equal(formatRef(ref("d")), "d");
  assert.equal(formatRef(ref("d", "x/y.csv")), "d:/x/y.csv");
});

// ---------------------------------------------------------------- certificates

const hash = (h: string, comment = "c"): Certificate => ({ certType: "hash", hashval: h, comment });
const placeholder = (version: number, isOutput: boolean, comment = "c"): Certificate => ({
  certType: "placeholder",
  version,
  comment,
  isOutput,
});
const cert = (r: ResourceRef, c: Certificate): ResourceCert => ({ ref: r, certificate: c });

Deno.test("certificates: hash certs are equal iff same ref and hash (comments do not matter)", () => {
  assert.equal(sameCert(cert(ref("d"), hash("a1", "one")), cert(ref("d"), hash("a1", "two"))), true);
  assert.equal(sameCert(cert(ref("d"), hash("a1")), cert(ref("d"), hash("b2"))), false);
  assert.equal(sameCert(cert(ref("d"), hash("a1")), cert(ref("d", "x"), hash("a1"))), false);
  assert.equal(sameCert(cert(ref("d"), hash("a1")), cert(ref("e"), hash("a1"))), false);
});

Deno.test("certificates: placeholders are equal iff same kind, ref and version; never equal to a hash", () => {
  assert.equal(sameCert(cert(ref("d"), placeholder(1, true, "x")), cert(ref("d"), placeholder(1, true, "y"))), true);
  assert.equal(sameCert(cert(ref("d"), placeholder(1, true)), cert(ref("d"), placeholder(2, true))), false);
  assert.equal(sameCert(cert(ref("d"), placeholder(1, true)), cert(ref("d"), placeholder(1, false))), false);
  assert.equal(sameCert(cert(ref("d"), placeholder(1, true)), cert(ref("d", "s"), placeholder(1, true))), false);
  assert.equal(sameVersion(placeholder(1, false), hash("1")), false);
  assert.equal(sameVersion(hash("1"), placeholder(1, false)), false);
});

// ---------------------------------------------------------------- JSON records

Deno.test("JSON: a step record round-trips byte for byte (field order, floats, \\u escapes, refs)", () => {
  assert.equal(roundTrip(STEP), STEP);
  const step = lineageFromJson(parsePythonJson(STEP, "t"), "t");
  assert.equal(step.type, "step");
  if (step.type !== "step") return;
  assert.equal(step.stepName, "lineage_step1");
  assert.equal(step.executionTimeSeconds, 0.021085);
  assert.deepEqual(step.parameters, { gamma: 0.01, n: 3, name: "café", opts: { a: [1, 2] } });
  assert.deepEqual(step.inputResources[0], cert(ref("source-data"), hash("a".repeat(40), STEP_COMMENT)));
  assert.deepEqual(step.outputResources.map((c) => c.certificate), [
    placeholder(2, true, STEP_COMMENT),
    placeholder(1, true, STEP_COMMENT),
  ]);
  assert.deepEqual(step.commandLine, ["/usr/bin/python3", "lineage_step1.py", "--fail"]);
});

Deno.test("JSON: run_from_directory is a [name, subpath] array (or null) and is read back as a ref", () => {
  const step = lineageFromJson(parsePythonJson(STEP, "t"), "t");
  assert.ok(step.type === "step");
  assert.deepEqual(step.runFromDirectory, { name: "code", subpath: "sub" });
  const whole = lineageToJson({ ...step, runFromDirectory: { name: "code", subpath: null } });
  assert.deepEqual(whole.run_from_directory, ["code", null]);
  assert.deepEqual(lineageFromJson(whole, "t"), { ...step, runFromDirectory: { name: "code", subpath: null } });
  const none = lineageFromJson(parsePythonJson(SMALL_STEP, "t"), "t");
  assert.ok(none.type === "step");
  assert.equal(none.runFromDirectory, null);
  assert.equal(none.commandLine, null);
  assert.equal(none.executionTimeSeconds, null);
  assert.equal(roundTrip(SMALL_STEP), SMALL_STEP);
});

Deno.test("JSON: source_data, code and imported records round-trip byte for byte", () => {
  assert.equal(roundTrip(SOURCE), SOURCE);
  assert.equal(roundTrip(CODE), CODE);
  assert.equal(roundTrip(IMPORTED), IMPORTED);
  const sd = lineageFromJson(parsePythonJson(SOURCE, "t"), "t");
  assert.deepEqual(sd, {
    type: "source_data",
    cert: cert(ref("source-data", "data.csv"), placeholder(1, false, STEP_COMMENT)),
  });
  const imp = lineageFromJson(parsePythonJson(IMPORTED, "t"), "t");
  assert.ok(imp.type === "imported");
  assert.equal(imp.resourceName, "intermediate-data");
  assert.deepEqual(imp.nestedLineage.map((l) => l.type), ["step", "code"]);
});

Deno.test("JSON: 1.6's misspelt is_ouput is read (both values) and is_output is written", () => {
  const file = parseLineageFile(FILE_16, "source-data.json");
  assert.equal(file.resourceName, "source-data");
  const sd = file.lineages[0];
  assert.ok(sd.type === "source_data");
  assert.deepEqual(sd.cert.certificate, placeholder(1, false, STEP_COMMENT));
  const written = serializeLineageFile(file);
  assert.equal(written, FILE_16.replace('"is_ouput"', '"is_output"'));
  assert.ok(!written.includes("is_ouput"));

  // An output placeholder written by 1.6 reads back as an output (1.6 itself lost this).
  const out16 = STEP.replaceAll('"is_output": true', '"is_ouput": true');
  const step = lineageFromJson(parsePythonJson(out16, "t"), "t");
  assert.ok(step.type === "step");
  assert.deepEqual(
    step.outputResources.map((c) => c.certificate.certType === "placeholder" && c.certificate.isOutput),
    [
      true,
      true,
    ],
  );
  assert.equal(dumpPythonJson(lineageToJson(step)), STEP);
});

Deno.test("JSON: resource lineage files and exported lineage.json round-trip byte for byte", () => {
  assert.equal(serializeLineageFile(parseLineageFile(FILE_16, "f")), FILE_16.replace("is_ouput", "is_output"));
  const empty = '{\n  "resource_name": "r",\n  "lineages": []\n}';
  assert.deepEqual(parseLineageFile(empty, "f"), { resourceName: "r", lineages: [] });
  assert.equal(serializeLineageFile({ resourceName: "r", lineages: [] }), empty);
  const exported = parseExportedLineage(EXPORTED, "lineage.json");
  assert.equal(exported.complete, false);
  assert.equal(exported.resourceName, "intermediate-data");
  assert.equal(serializeExportedLineage(exported), EXPORTED);
  assert.equal(
    serializeExportedLineage({ ...exported, complete: true }),
    EXPORTED.replace('"complete": false', '"complete": true'),
  );
});

Deno.test("JSON: malformed records are corruption errors naming the file", () => {
  const bad = [
    '{"type": "wizard"}',
    '{"type": "code", "resource_name": "c", "subpath": null, "certificate": {"cert_type": "magic"}}',
    '{"type": "code", "subpath": null}',
    "[1]",
  ];
  for (const text of bad) {
    assert.throws(
      () => lineageFromJson(parsePythonJson(text, "x.json"), "x.json"),
      (e) => e instanceof ConfigurationError && e.message.includes("x.json"),
      text,
    );
  }
  assert.throws(() => parseLineageFile('{"lineages": []}', "y.json"), (e) => e instanceof ConfigurationError);
});
