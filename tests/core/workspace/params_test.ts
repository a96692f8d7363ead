/** Tests of core/workspace/params.ts: parsing, validation and lookup of parameters (spec §2). */
import assert from "node:assert/strict";
import {
  absolutePathType,
  boolType,
  defaultHostname,
  enumType,
  exportParam,
  fileListType,
  findParam,
  hostnameType,
  importedParam,
  type ParamDef,
  paramDefault,
  parseParam,
  relativePathType,
  templateType,
  validateParam,
  WORKSPACE_PARAMS,
} from "../../../core/workspace/params.ts";
import {
  ConfigurationError,
  ParamNotFoundError,
  ParamParseError,
  ParamValidationError,
} from "../../../core/base/errors.ts";
import { isValidHostname } from "../../../core/base/names.ts";

const param = (name: string) => findParam(WORKSPACE_PARAMS, name);

Deno.test("bool: 'true'/'false' in any case", () => {
  const def = exportParam();
  assert.equal(parseParam(def, "TRUE"), true);
  assert.equal(parseParam(def, "True"), true);
  assert.equal(parseParam(def, "false"), false);
  assert.equal(parseParam(def, "FaLsE"), false);
  assert.equal(boolType.parse("true"), true);
});

Deno.test("bool: other words are a ParamParseError naming the parameter", () => {
  for (const bad of ["yes", "1", "", "t"]) {
    assert.throws(
      () => parseParam(exportParam(), bad),
      (e: unknown) => e instanceof ParamParseError && e instanceof ConfigurationError && e.message.includes("export"),
    );
  }
});

Deno.test("bool: validate refuses non-booleans", () => {
  assert.equal(validateParam(importedParam(), true), true);
  assert.throws(() => validateParam(importedParam(), "true"), ParamValidationError);
  assert.throws(() => validateParam(importedParam(), 1), ParamValidationError);
});

Deno.test("file list: JSON list of strings", () => {
  const def = param("results.move_exclude_files");
  assert.deepEqual(parseParam(def, '["a","b"]'), ["a", "b"]);
  assert.deepEqual(parseParam(def, "[]"), []);
  assert.deepEqual(fileListType.parse('["README.md"]'), ["README.md"]);
});

Deno.test("file list: bad JSON is a ParamParseError, wrong shape a ParamValidationError", () => {
  const def = param("results.move_exclude_files");
  assert.throws(() => parseParam(def, "[a, b]"), ParamParseError);
  assert.throws(() => parseParam(def, "README.md"), ParamParseError);
  assert.throws(() => parseParam(def, '"README.md"'), ParamValidationError);
  assert.throws(() => parseParam(def, "[1, 2]"), ParamValidationError);
  assert.throws(() => parseParam(def, '{"a": "b"}'), ParamValidationError);
});

Deno.test("file list: not optional, so 'None' and null are refused", () => {
  const def = param("results.move_exclude_files");
  assert.throws(() => parseParam(def, "None"), ConfigurationError);
  assert.throws(() => validateParam(def, null), ParamValidationError);
});

Deno.test("template: must start with snapshots/ and use known variables", () => {
  const def = param("results.dir_template");
  assert.equal(parseParam(def, "snapshots/{HOSTNAME}-{TAG}"), "snapshots/{HOSTNAME}-{TAG}");
  assert.equal(
    parseParam(def, "snapshots/{USERNAME}/{YEAR}-{MONTH}-{DAY}/{ISO_TIMESTAMP}-{SNAPSHOT_NO}"),
    "snapshots/{USERNAME}/{YEAR}-{MONTH}-{DAY}/{ISO_TIMESTAMP}-{SNAPSHOT_NO}",
  );
  assert.throws(() => parseParam(def, "results/{TAG}"), ParamValidationError);
  assert.throws(() => parseParam(def, "{TAG}/snapshots/"), ParamValidationError);
  assert.throws(
    () => parseParam(def, "snapshots/{HOST}-{TAG}"),
    (e: unknown) => e instanceof ParamValidationError && e.message.includes("{HOST}"),
  );
  assert.equal(templateType.problem(42), "expected a template string");
});

Deno.test("template: the default validates", () => {
  const def = param("results.dir_template");
  assert.equal(validateParam(def, def.defaultValue), "snapshots/{HOSTNAME}-{TAG}");
});

Deno.test("relative path: absolute and outside paths refused; optional accepts None/null", () => {
  const def = param("scratch_directory");
  assert.equal(parseParam(def, "scratch"), "scratch");
  assert.equal(parseParam(def, "a/b/c"), "a/b/c");
  assert.throws(() => parseParam(def, "a/b/../c"), /leaves its folder/);
  assert.throws(() => parseParam(def, "/abs/scratch"), ParamValidationError);
  assert.equal(parseParam(def, "None"), null);
  assert.equal(parseParam(def, "null"), null);
  assert.equal(validateParam(def, null), null);
  assert.equal(relativePathType.problem(3), "expected a path");
});

Deno.test("absolute path: relative paths refused; optional accepts None/null", () => {
  const def = param("local_scratch_directory");
  assert.equal(parseParam(def, "/tmp/scratch"), "/tmp/scratch");
  assert.throws(() => parseParam(def, "scratch"), ParamValidationError);
  assert.throws(() => parseParam(def, "./scratch"), ParamValidationError);
  assert.equal(parseParam(def, "None"), null);
  assert.equal(parseParam(def, "null"), null);
  assert.equal(absolutePathType.problem(null as unknown as string), "expected a path");
});

Deno.test("hostname: valid and invalid names", () => {
  const def = param("hostname");
  assert.equal(def.scope, "local");
  assert.equal(parseParam(def, "my-laptop"), "my-laptop");
  assert.equal(parseParam(def, "host.example.com"), "host.example.com");
  // Not optional: "None" is just a name here.
  assert.equal(parseParam(def, "None"), "None");
  for (const bad of ["-host", "host-", "my_host", "a..b", "", "h st", "a".repeat(64)]) {
    assert.throws(() => parseParam(def, bad), ParamValidationError, `hostname ${JSON.stringify(bad)}`);
  }
  assert.equal(hostnameType.problem("ok"), undefined);
  assert.ok(hostnameType.problem(5));
});

Deno.test("hostname: default is a valid hostname", () => {
  const host = defaultHostname();
  assert.ok(isValidHostname(host), host);
  assert.equal(paramDefault(param("hostname")), host);
  assert.deepEqual(paramDefault(param("results.move_exclude_files")), ["README.txt", "README.rst", "README.md"]);
  assert.equal(paramDefault(param("scratch_directory")), null);
});

Deno.test("enumType: lower-cases its input and checks membership", () => {
  const def: ParamDef = {
    name: "master",
    scope: "global",
    defaultValue: "none",
    optional: false,
    help: "",
    type: enumType(["none", "remote", "local"]),
  };
  assert.equal(parseParam(def, "REMOTE"), "remote");
  assert.equal(parseParam(def, "local"), "local");
  assert.throws(() => parseParam(def, "both"), ParamValidationError);
  assert.throws(() => validateParam(def, "Remote"), ParamValidationError);
  assert.throws(() => validateParam(def, null), ParamValidationError);
});

Deno.test("optional string param accepts None/null; required params refuse null", () => {
  const branch = param("dws_git_branch");
  assert.equal(parseParam(branch, "None"), null);
  assert.equal(parseParam(branch, "main"), "main");
  assert.throws(() => validateParam(param("hostname"), null), ParamValidationError);
  assert.throws(() => validateParam(param("results.dir_template"), null), ParamValidationError);
});

Deno.test("allowMissing params accept null without being optional", () => {
  assert.equal(validateParam(exportParam({ allowMissing: true }), null), null);
  assert.throws(() => validateParam(exportParam(), null), ParamValidationError);
});

Deno.test("findParam: known names; unknown name is a ParamNotFoundError", () => {
  assert.equal(param("hostname").scope, "local");
  assert.equal(param("results.dir_template").scope, "global");
  assert.throws(
    () => findParam(WORKSPACE_PARAMS, "no.such.param"),
    (e: unknown) =>
      e instanceof ParamNotFoundError && e instanceof ConfigurationError && e.message.includes("no.such.param"),
  );
});

Deno.test("WORKSPACE_PARAMS: spec §2 order, scopes and defaults", () => {
  assert.deepEqual(
    WORKSPACE_PARAMS.map((d) => [d.name, d.scope, d.optional]),
    [
      ["results.dir_template", "global", false],
      ["results.move_exclude_files", "global", false],
      ["scratch_directory", "global", true],
      ["dws_git_branch", "global", true],
      ["object_store.remote", "global", true],
      ["object_store.link", "global", true],
      ["hostname", "local", false],
      ["local_scratch_directory", "local", true],
      ["object_store.directory", "local", true],
    ],
  );
});
