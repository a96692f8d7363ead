/**
 * Generated hostile metadata (issue 14): snapshot records, manifests,
 * `config.json`, `resources.json` and the local parameter files, as they
 * could arrive by clone or pull or be found on disk, with paths that leave
 * the workspace, absolute paths, NUL and newlines, `.`/`..`, wrong types,
 * huge values and missing keys. Each must end the command in one clear line
 * with exit 1, no stack trace, the workspace unchanged and nothing written
 * outside it. (File listings are covered by the listing validation tests.)
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, run, type Sandbox, sandbox } from "../test_utils.ts";
import { assertOneLine, git, MANIFEST_DIR, MD_DIR, snapshotHash, state } from "./snapshot_helpers.ts";

type Json = unknown;
type Mutation = { label: string; apply: (value: Json) => Json };

/** Paths that must never be joined to a folder. */
const BAD_PATHS: Json[] = [
  "../outside",
  "../../outside/x",
  "/tmp/dws-hostile-absolute",
  "a/../../outside",
  "a\u0000b",
  "a\nb",
  ".",
  "..",
  "x".repeat(5000),
];
/** Values of the wrong type for a string field. */
const NOT_STRINGS: Json[] = [42, [], { a: 1 }];

/** Set `path` (keys) in a JSON value to `v`, or delete it when `v` is undefined. */
function set(value: Json, path: (string | number)[], v: Json): Json {
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  if (v === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = v;
  return copy;
}

/** One mutation per value of `values` at `path`. */
function at(path: (string | number)[], values: Json[]): Mutation[] {
  return values.map((v) => ({
    label: `${path.join(".")} = ${JSON.stringify(v)?.slice(0, 40)}`,
    apply: (j) => set(j, path, v),
  }));
}

/** Whole-file replacements: wrong top-level shapes and text that is not JSON. */
const WHOLE: Mutation[] = [
  { label: "not JSON", apply: () => "{not json" },
  { label: "a number", apply: () => 7 },
  { label: "huge nesting", apply: () => JSON.parse("[".repeat(5000) + "]".repeat(5000)) },
];

interface Target {
  /** The file, relative to the workspace (`{H}` is snapshot S1's hash). */
  file: string;
  mutations: Mutation[];
  /** Commands that read the file; mutation i runs command i mod n (`{H}` is S1's hash). */
  commands: string[][];
}

const TARGETS: Target[] = [
  {
    file: `${MD_DIR}/{H}_md.json`,
    mutations: [
      ...at(["hash"], [...BAD_PATHS, ...NOT_STRINGS, "0".repeat(40)]),
      ...at(["relative_destination_path"], [...BAD_PATHS, ...NOT_STRINGS]),
      ...at(["restore_hashes", "code"], [...BAD_PATHS, ...NOT_STRINGS, "--upload-pack=touch x", "HEAD"]),
      ...at(["hash"], [undefined]),
      ...WHOLE,
    ],
    commands: [["report", "history"], ["--batch", "delete-snapshot", "{H}"], ["--batch", "restore", "{H}"]],
  },
  {
    file: `${MANIFEST_DIR}/snapshot-{H}.json`,
    mutations: [
      ...at([0, "name"], [...BAD_PATHS, ...NOT_STRINGS]),
      ...at([0, "role"], ["../x", 42]),
      ...at([0, "resource_type"], [42, undefined]),
      ...at([0, "hash"], NOT_STRINGS),
      ...WHOLE,
    ],
    commands: [["--batch", "restore", "{H}"], ["--batch", "delete-snapshot", "{H}"]],
  },
  {
    file: ".dataworkspace/config.json",
    mutations: [
      // A name like '..' is refused where it would name a folder (clone: tests/cli/sync_test.ts).
      ...at(["name"], [42, undefined]),
      ...at(["dws-version"], [42, undefined]),
      ...at(["global_params"], [42, []]),
      ...at(["global_params", "results.dir_template"], [
        "snapshots/../../outside-{TAG}",
        "/tmp/dws-hostile/{TAG}",
        "snapshots/{TAG}\u0000",
        42,
      ]),
      ...at(["global_params", "scratch_directory"], [...BAD_PATHS.slice(0, 6), 42]),
      ...at(["global_params", "results.move_exclude_files"], ["README.md", [1]]),
      ...at(["global_params", "object_store.remote"], [42, "nope"]),
      ...WHOLE,
    ],
    commands: [["report", "status"], ["--batch", "snapshot"]],
  },
  {
    file: ".dataworkspace/resources.json",
    mutations: [
      ...at([0, "name"], [".", "..", "../x", "a/b", "", "x".repeat(300), 42]),
      ...at([0, "role"], ["x", 42]),
      ...at([0, "resource_type"], [42, "no-such-type"]),
      ...at([0, "relative_path"], [...BAD_PATHS.filter((p) => p !== "x".repeat(5000)), 42]),
      ...WHOLE,
    ],
    commands: [["report", "status"], ["--batch", "snapshot"]],
  },
  {
    file: ".dataworkspace/local_params.json",
    mutations: [
      ...at(["hostname"], [".", "..", "../x", "a/b", "", 42]),
      ...at(["local_scratch_directory"], ["relative", 42, "/a\u0000b"]),
      ...at(["object_store.directory"], ["relative", 42, "/a\nb"]),
      ...WHOLE,
    ],
    commands: [["--batch", "snapshot"], ["gc"]],
  },
  {
    file: ".dataworkspace/resource_local_params.json",
    mutations: [...at(["data", "local_path"], ["relative/path", 42, "/a\u0000b"]), ...at(["data"], [42]), ...WHOLE],
    commands: [["--batch", "snapshot"], ["report", "status"]],
  },
];

/** A workspace with code, results and a local data folder, and one snapshot S1. */
async function baseWorkspace(sb: Sandbox): Promise<{ ws: string; hash: string }> {
  const ws = await initWorkspace(sb, "base", ["--create-resources", "code,results"]);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "d.csv"), "x\n1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "data", data], { cwd: ws });
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "results", "results.json"), '{"metrics": {"acc": 1}}');
  const hash = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  // Something to move at the next snapshot, so that snapshots reach the results template.
  writeFileSync(join(ws, "results", "results.json"), '{"metrics": {"acc": 2}}');
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  writeFileSync(join(ws, "results", "results.json"), '{"metrics": {"acc": 3}}');
  return { ws, hash };
}

/** Copy the base workspace, apply `mutation` to `file` and commit it, as if it arrived by pull. */
async function hostileCopy(sb: Sandbox, base: string, file: string, mutation: Mutation, n: number): Promise<string> {
  const ws = join(sb.dir, `case${n}`);
  await run(sb, ["cp", "-a", base, ws], { cwd: sb.dir });
  const path = join(ws, file);
  const next = mutation.apply(JSON.parse(readFileSync(path, "utf8")));
  writeFileSync(path, typeof next === "string" && mutation.label === "not JSON" ? next : JSON.stringify(next, null, 2));
  await git(sb, ws, "add", "-A");
  await git(sb, ws, "commit", "-q", "--allow-empty", "-m", `hostile ${mutation.label}`);
  return ws;
}

for (const target of TARGETS) {
  Deno.test(`hostile ${target.file.replace("{H}", "<hash>")}: one line, exit 1, nothing changed`, async () => {
    using sb = sandbox();
    const { ws: base, hash } = await baseWorkspace(sb);
    const outside = join(sb.dir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "precious.txt"), "keep\n");
    const file = target.file.replace("{H}", hash);
    let n = 0;
    for (const mutation of target.mutations) {
      const ws = await hostileCopy(sb, base, file, mutation, n);
      const args = target.commands[n % target.commands.length].map((a) => a.replace("{H}", hash));
      const around = readdirSync(sb.dir).sort();
      const before = await state(sb, [ws, join(sb.dir, "data"), outside]);
      const r = await dws(sb, args, { cwd: ws });
      const what = `${file}: ${mutation.label}; dws ${args.join(" ")}\n${r.stderr}`;
      assert.equal(r.code, 1, what);
      assertOneLine(r);
      assert.doesNotMatch(r.stderr, /^\s+at |unexpected exception/m, what);
      assert.deepEqual(await state(sb, [ws, join(sb.dir, "data"), outside]), before, what);
      assert.deepEqual(readdirSync(sb.dir).sort(), around, `wrote beside the workspace: ${what}`);
      n++;
    }
  });
}
