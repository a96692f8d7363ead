/**
 * A notebook executed through Deno's Jupyter kernel with the notebook kit.
 * Optional: it runs when a Python with nbclient is available (set
 * `DWS_JUPYTER_PYTHON` to its interpreter; `python3` is tried otherwise)
 * and is skipped, never failed, without one.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { dwsOk, initWorkspace, ROOT, sandbox } from "../test_utils.ts";

const PYTHON = Deno.env.get("DWS_JUPYTER_PYTHON") ?? "python3";

function hasNbclient(): boolean {
  try {
    return new Deno.Command(PYTHON, { args: ["-c", "import nbclient, nbformat"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const available = hasNbclient();
if (!available) {
  console.warn(`SKIPPED: no Python with nbclient (${PYTHON}); set DWS_JUPYTER_PYTHON to run the notebook`);
}

const RUN = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="deno-dws", timeout=180, iopub_timeout=60, resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1])
`;

const code = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });

Deno.test({
  name: "a notebook runs the notebook kit in Deno's Jupyter kernel: rich HTML outputs",
  // In CI (DWS_REQUIRE_TOOLS=1) a missing nbclient fails the test instead of skipping it.
  ignore: !available && Deno.env.get("DWS_REQUIRE_TOOLS") !== "1",
  fn: async () => {
    using sb = sandbox();
    const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
    writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.8, loss: 0.5 } }));
    await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.9, loss: 0.4 } }));
    await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });

    const kernels = join(sb.dir, "jupyter", "kernels", "deno-dws");
    mkdirSync(kernels, { recursive: true });
    writeFileSync(
      join(kernels, "kernel.json"),
      JSON.stringify({
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno (dws test)",
        language: "typescript",
      }),
    );
    const kit = pathToFileURL(join(ROOT, "kits", "notebook.ts")).href;
    const nbFile = join(ws, "code", "check.ipynb");
    writeFileSync(
      nbFile,
      JSON.stringify({
        cells: [
          code(`import { dwsHistory, dwsResults } from "${kit}";`),
          code(`await dwsHistory({ workspaceDir: ${JSON.stringify(ws)}, baseline: "S1" })`),
          code(`await (await dwsResults({ workspaceDir: ${JSON.stringify(ws)} })).show();`),
        ],
        metadata: { kernelspec: { name: "deno-dws", display_name: "Deno (dws test)", language: "typescript" } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const env: Record<string, string> = { ...sb.env, JUPYTER_PATH: join(sb.dir, "jupyter") };
    for (const k of ["PATH", "TMPDIR", "LANG", "DENO_DIR"]) {
      const v = Deno.env.get(k);
      if (v !== undefined) env[k] = v;
    }
    env.DENO_DIR ??= join(Deno.env.get("HOME") ?? "/root", ".cache", "deno");
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", RUN, nbFile, join(ws, "code")],
      env,
      clearEnv: true,
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const nb = JSON.parse(readFileSync(nbFile, "utf8")) as {
      cells: { outputs: { output_type: string; data?: Record<string, string | string[]> }[] }[];
    };
    const html = (i: number) =>
      nb.cells[i].outputs.flatMap((o) => o.data?.["text/html"] ?? []).map((h) => (Array.isArray(h) ? h.join("") : h))
        .join("");
    assert.equal(nb.cells[1].outputs[0].output_type, "execute_result");
    assert.match(html(1), /<td style="color: green">0\.9<\/td><td style="color: green">0\.4<\/td>/);
    assert.equal(nb.cells[2].outputs[0].output_type, "display_data");
    assert.match(html(2), /^<h3>results:\/snapshots\/testhost-S2\/results\.json<\/h3>/);
  },
});
