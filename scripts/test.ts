/**
 * The whole test command (`deno task test`, `npm test`): formatting, lint,
 * type checks, documentation lint, then every test. Ends with one summary
 * line `N passed, N failed`.
 *
 * @module
 */
const deno = Deno.execPath();

async function step(name: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  console.log(`\n== ${name}: deno ${args.join(" ")}`);
  const child = new Deno.Command(deno, { args, env: { NO_COLOR: "1" }, stdout: "piped", stderr: "piped" }).spawn();
  const decoder = new TextDecoder();
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  const [status] = await Promise.all([child.status, pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  return { ok: status.success, output };
}

const checks: [string, string[]][] = [
  ["format", ["fmt", "--check"]],
  ["lint", ["lint"]],
  ["type check", ["check", "cli/main.ts", "mod.ts", "kits/mod.ts", "tests/", "scripts/", "bench/", "examples/"]],
  ["doc lint", ["doc", "--lint", "mod.ts", "kits/mod.ts"]],
];
const failedChecks: string[] = [];
for (const [name, args] of checks) {
  if (!(await step(name, args)).ok) failedChecks.push(name);
}
const filter = Deno.args.length ? Deno.args : ["tests/"];
const tests = await step("tests", ["test", "--allow-all", "--parallel", ...filter]);
// deno test ends with "ok | 12 passed | 0 failed" (or "FAILED | ...").
const plain = tests.output;
const m = /(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/.exec(plain.slice(plain.lastIndexOf("passed |") - 12));
const passed = m ? Number(m[1]) : 0;
const failed = (m ? Number(m[3]) : 0) + failedChecks.length + (tests.ok ? 0 : m ? 0 : 1);
const ignored = /(\d+) ignored/.exec(plain.slice(plain.lastIndexOf("passed |")))?.[1];
if (failedChecks.length) console.log(`\nFailed checks: ${failedChecks.join(", ")}`);
console.log(`\ntests: ${passed} passed, ${failed} failed${ignored ? `, ${ignored} skipped` : ""}`);
Deno.exit(tests.ok && failedChecks.length === 0 ? 0 : 1);
