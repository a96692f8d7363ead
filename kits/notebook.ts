/**
 * Data Workspaces in notebooks (the counterpart of the original's Jupyter
 * kit, spec §9.4), for Deno's Jupyter kernel and any other JavaScript
 * notebook: {@link NotebookLineageBuilder} for a notebook's own lineage,
 * and the original's magics as functions — {@link dwsInfo},
 * {@link dwsSnapshot}, {@link dwsHistory} (with baseline or heatmap
 * colouring), {@link dwsLineageTable}, {@link dwsLineageGraph} and
 * {@link dwsResults}.
 *
 * Each function returns a {@link NotebookOutput}: HTML and plain text. In
 * Deno's kernel the value of a cell's last expression is shown as HTML
 * (the output implements `Symbol.for("Jupyter.display")`); elsewhere, call
 * {@link NotebookOutput.show} (it uses `Deno.jupyter.display` where
 * available and prints the text otherwise) or use `.html` / `.text`. The
 * kit never needs Deno: it runs under Node too.
 *
 * Set `DWS_MAGIC_DISABLE=True` (environment, or `globalThis`) to turn the
 * functions into no-ops that say so, e.g. when a notebook runs in batch.
 *
 * @example
 * ```ts
 * import { dwsHistory, dwsSnapshot, NotebookLineageBuilder } from "dws/kits/notebook";
 * await dwsSnapshot({ tag: "run1", message: "first try" });
 * await dwsHistory({ baseline: "run1" }); // green/red against run1's metrics
 * ```
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { getResourceInfo } from "../core/workspace/resource_info.ts";
import { takeSnapshot } from "../core/commands/snapshot.ts";
import { type ContextOptions, createContext } from "../core/base/context.ts";
import { ConfigurationError, DwsError } from "../core/base/errors.ts";
import { snapshotHistory } from "../core/report/history.ts";
import {
  cellCss,
  checkStyleOptions,
  historyCellStyles,
  type HistoryStyleOptions,
} from "../core/report/history_style.ts";
import { LineageBuilder } from "../core/lineage/builder.ts";
import { writeLineageGraph } from "../core/report/lineage_graph.ts";
import { escapeXml } from "../core/draw/lineage_svg.ts";
import { memoryOutput } from "../core/base/output.ts";
import { pythonRepr, pythonStr } from "../core/base/python_repr.ts";
import { type JsonValue } from "../core/base/json_value.ts";
import { formatLineageTable, lineageTableRows } from "../core/report/lineage_table.ts";
import { lineageStoreAsOf } from "../core/lineage/scope.ts";
import { findResults, formatResults, resultsSections } from "../core/report/results.ts";
import { findSnapshot } from "../core/snapshot/store.ts";
import { formatTable } from "../core/report/table.ts";
import { findWorkspaceDir, openWorkspace, resolveWorkspaceDir } from "../core/workspace/workspace.ts";
// Registers the resource types (needed to open a workspace).
import "../resources/mod.ts";

/** The message of disabled functions (as the original's). */
export const DISABLED_MESSAGE =
  "DWS magic commands are disabled. To enable, set `DWS_MAGIC_DISABLE` to `False` and restart kernel.";

/** The key of the method Deno's Jupyter kernel calls to show a value (`Symbol.for("Jupyter.display")`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY;

interface JupyterLike {
  display(obj: unknown, options?: { raw?: boolean }): Promise<void> | void;
}

/** `Deno.jupyter` when running in Deno's Jupyter kernel (reading it elsewhere throws), else undefined. */
function jupyter(): JupyterLike | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: unknown } }).Deno;
  if (!deno) return undefined;
  try {
    const j = deno.jupyter as Partial<JupyterLike> | undefined;
    return typeof j?.display === "function" ? j as JupyterLike : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rich output of the notebook functions: HTML for notebooks, text for
 * consoles. Deno's kernel shows it as the value of a cell.
 *
 * @example
 * ```ts
 * const out = await dwsHistory();
 * out.html; // <table class="dataframe dws-table">...
 * await out.show(); // displayed in a kernel, printed elsewhere
 * ```
 */
export class NotebookOutput {
  /** The output as an HTML fragment. */
  readonly html: string;
  /** The output as plain text. */
  readonly text: string;
  /** Markdown, for messages. */
  readonly markdown?: string;

  /** An output with both forms. */
  constructor(html: string, text: string, markdown?: string) {
    this.html = html;
    this.text = text;
    this.markdown = markdown;
  }

  /** The MIME bundle Jupyter shows: text, HTML and, for messages, Markdown. */
  mimeBundle(): Record<string, string> {
    const bundle: Record<string, string> = { "text/plain": this.text, "text/html": this.html };
    if (this.markdown !== undefined) bundle["text/markdown"] = this.markdown;
    return bundle;
  }

  /** The MIME bundle, for Deno's kernel (see {@link mimeBundle}). */
  [JUPYTER_DISPLAY](): Record<string, string> {
    return this.mimeBundle();
  }

  /** Show it now: `Deno.jupyter.display` in Deno's kernel, else print the text. */
  async show(): Promise<void> {
    const j = jupyter();
    if (j) await j.display(this);
    else console.log(this.text);
  }

  /** The text. */
  toString(): string {
    return this.text;
  }
}

/**
 * Whether `DWS_MAGIC_DISABLE` is set to a true value (environment variable or global).
 *
 * @example
 * ```ts
 * (globalThis as { DWS_MAGIC_DISABLE?: boolean }).DWS_MAGIC_DISABLE = true;
 * magicsDisabled(); // true
 * ```
 */
export function magicsDisabled(): boolean {
  const truthy = (v: unknown) =>
    v === true || (typeof v === "string" && ["true", "1", "yes", "on"].includes(v.trim().toLowerCase()));
  if (truthy((globalThis as { DWS_MAGIC_DISABLE?: unknown }).DWS_MAGIC_DISABLE)) return true;
  try {
    return truthy(process.env.DWS_MAGIC_DISABLE);
  } catch {
    return false; // no permission to read the environment
  }
}

/**
 * The path of the running notebook, when it can be known: `explicit`, else
 * `JPY_SESSION_NAME` (set for kernels by Jupyter Server 2, which also starts
 * the kernel in the notebook's folder). Undefined otherwise.
 *
 * @example
 * ```ts
 * notebookPath(); // "/ws/code/train.ipynb" in JupyterLab
 * ```
 */
export function notebookPath(explicit?: string): string | undefined {
  if (explicit !== undefined) return resolve(explicit);
  let session: string | undefined;
  try {
    session = process.env.JPY_SESSION_NAME;
  } catch {
    return undefined;
  }
  if (!session) return undefined;
  if (isAbsolute(session)) return session;
  const beside = join(process.cwd(), basename(session));
  return existsSync(beside) ? beside : resolve(session);
}

/**
 * A notebook's step name: its file name without `.ipynb` (or `.py`).
 *
 * @example
 * ```ts
 * notebookStepName("/ws/code/train.ipynb"); // "train"
 * ```
 */
export function notebookStepName(path: string): string {
  const b = basename(path);
  const ext = extname(b);
  return ext === ".ipynb" || ext === ".py" ? b.slice(0, -ext.length) : b;
}

/** Options of {@link NotebookLineageBuilder}. */
export interface NotebookLineageOptions {
  /** The step's name; default: the notebook's name. */
  stepName?: string;
  /** `run_description` of results.json. */
  runDescription?: string;
  /** The notebook's path; default: found from the kernel's environment (see {@link notebookPath}). */
  notebookPath?: string;
  /** The workspace; default: the one enclosing the notebook (or the current folder). */
  workspaceDir?: string;
}

/**
 * A results step for a notebook (the original's `NotebookLineageBuilder`):
 * the step is named after the notebook, the notebook (or, when its path is
 * unknown, the current folder) is its code, and it writes results.json to
 * `resultsDir`. Add the inputs, then `run` or `eval` as any
 * {@link LineageBuilder}.
 *
 * @example
 * ```ts
 * await new NotebookLineageBuilder("../results", { stepName: "explore" })
 *   .withInputPath("../source-data/iris")
 *   .run(async (lineage) => await lineage.writeResults({ accuracy: 0.9 }));
 * ```
 */
export class NotebookLineageBuilder extends LineageBuilder {
  /** The notebook's path, when known. */
  readonly notebookPath?: string;

  /** A builder for a notebook writing its results to `resultsDir`. */
  constructor(resultsDir: string, options: NotebookLineageOptions = {}) {
    super();
    const path = notebookPath(options.notebookPath);
    const step = options.stepName ?? (path ? notebookStepName(path) : undefined);
    if (!step) {
      throw new ConfigurationError(
        "Unable to infer the name of this notebook; pass stepName to the NotebookLineageBuilder",
      );
    }
    this.notebookPath = path;
    this.withStepName(step).withCodePath(path ?? process.cwd()).asResultsStep(resultsDir, options.runDescription);
    const wsDir = options.workspaceDir ?? (path ? findWorkspaceDir(dirname(path)) : undefined);
    if (wsDir) this.withWorkspaceDirectory(wsDir);
  }
}

/** Options every notebook function takes. */
export interface NotebookOptions {
  /** The workspace; default: the one enclosing the notebook (or the current folder). */
  workspaceDir?: string;
  /** The notebook's path; default: found from the kernel's environment. */
  notebookPath?: string;
  /** Where dws' own messages go (default: collected and shown in the output). */
  context?: ContextOptions;
}

function workspaceDirOf(options: NotebookOptions): string {
  const nb = notebookPath(options.notebookPath);
  return resolveWorkspaceDir(options.workspaceDir, nb ? dirname(nb) : process.cwd());
}

function disabledOutput(): NotebookOutput {
  return new NotebookOutput(
    `<p>${escapeXml(DISABLED_MESSAGE).replace(/`([^`]*)`/g, "<code>$1</code>")}</p>`,
    DISABLED_MESSAGE,
    DISABLED_MESSAGE,
  );
}

function htmlTable(headers: readonly string[], rows: readonly string[][], options: { index?: boolean } = {}): string {
  const head = headers.map((h) => `<th>${escapeXml(h)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${
      r.map((c, i) => (options.index && i === 0 ? `<th>${c}</th>` : c.startsWith("<td") ? c : `<td>${c}</td>`)).join("")
    }</tr>`
  ).join("");
  return `<table class="dataframe dws-table"><thead><tr style="text-align: right;">${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const cell = (v: JsonValue | undefined) => escapeXml(v === undefined || v === null ? "" : pythonStr(v));

/**
 * Information about the notebook and its workspace (the original's
 * `%dws_info`): notebook name and path, workspace folder, and the
 * resources with their roles, types and local paths.
 *
 * @example
 * ```ts
 * await dwsInfo();
 * ```
 */
export async function dwsInfo(options: NotebookOptions = {}): Promise<NotebookOutput> {
  if (magicsDisabled()) return disabledOutput();
  const nb = notebookPath(options.notebookPath);
  const wsDir = workspaceDirOf(options);
  const facts: [string, string][] = [
    ["Notebook name:", nb ? basename(nb) : "(unknown)"],
    ["Notebook path:", nb ?? "(unknown)"],
    ["Workspace directory:", wsDir],
  ];
  const resources = await getResourceInfo({ workspaceDir: wsDir, context: options.context });
  const headers = ["Resource", "Role", "Type", "Local Path"];
  const rows = resources.map((r) => [r.name, r.role, r.resourceType, r.localPath ?? ""]);
  const text = [
    ...facts.map(([k, v]) => `${k.padEnd(21)}${v}`),
    "",
    ...formatTable(headers.map((h) => ({ header: h })), rows),
  ].join("\n");
  const html = `<div class="dws-info"><table class="dws-facts"><tbody>${
    facts.map(([k, v]) => `<tr><th style="text-align: left;">${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join(
      "",
    )
  }</tbody></table>${htmlTable(headers, rows.map((r) => r.map((c) => escapeXml(c))))}</div>`;
  return new NotebookOutput(html, text);
}

/** Options of {@link dwsSnapshot}. */
export interface DwsSnapshotOptions extends NotebookOptions {
  /** The snapshot's message. */
  message?: string;
  /** The snapshot's tag (a tag can be used once). */
  tag?: string;
}

/**
 * Take a snapshot of the workspace (the original's `%dws_snapshot -m MSG
 * -t TAG`). The kernel cannot save the notebook: save it first (JupyterLab
 * saves on Ctrl+S / autosave) so that the snapshot has its latest version.
 *
 * @example
 * ```ts
 * await dwsSnapshot({ tag: "baseline", message: "first model" });
 * ```
 */
export async function dwsSnapshot(options: DwsSnapshotOptions = {}): Promise<NotebookOutput> {
  if (magicsDisabled()) return disabledOutput();
  let start = "Initiating snapshot";
  if (options.tag) start += ` with tag '${options.tag}'`;
  if (options.message) start += ` with message '${options.message}'`;
  const out = memoryOutput();
  const hash = await takeSnapshot({
    workspaceDir: workspaceDirOf(options),
    tag: options.tag,
    message: options.message,
    context: options.context ?? { output: out },
  });
  const lines = [
    `${start}...`,
    ...out.lines.map((l) => l.message),
    `Successfully completed snapshot. Hash is ${hash.slice(0, 8)}`,
  ];
  return new NotebookOutput(`<pre class="dws-snapshot">${escapeXml(lines.join("\n"))}</pre>`, lines.join("\n"));
}

/** Options of {@link dwsHistory}. */
export interface DwsHistoryOptions extends NotebookOptions, HistoryStyleOptions {
  /** Show at most this many snapshots (with `tail`, default 10). */
  maxCount?: number;
  /** Show the newest snapshots first (10 unless `maxCount`). */
  tail?: boolean;
}

/** Metric values as the original shows them: dictionaries and strings as their repr, cut to 30 characters. */
function metricText(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return "NaN";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === "object" || typeof v === "string") {
    const s = pythonRepr(v);
    return s.length <= 27 ? s : s.slice(0, 27) + "...";
  }
  return pythonStr(v);
}

/**
 * The history of snapshots as a table (the original's `%dws_history`):
 * number, timestamp, hash, tags, message and every metric, oldest first
 * (newest first with `tail`). With `baseline` (a tag or hash), metric
 * values are green when better than the baseline's, red when worse, bold
 * within ±0.5 %; with `heatmap`, each metric column is coloured by quantile
 * bins. Larger is better for accuracy, acc, precision, recall and
 * `maximizeMetrics`; smaller for loss and `minimizeMetrics`.
 *
 * @example
 * ```ts
 * await dwsHistory({ tail: true, heatmap: true, maximizeMetrics: ["f1_score"] });
 * ```
 */
export function dwsHistory(options: DwsHistoryOptions = {}): Promise<NotebookOutput> {
  try {
    return Promise.resolve(historyOutput(options));
  } catch (e) {
    return Promise.reject(e);
  }
}

function historyOutput(options: DwsHistoryOptions): NotebookOutput {
  if (magicsDisabled()) return disabledOutput();
  checkStyleOptions(options);
  const wsDir = workspaceDirOf(options);
  const maxCount = options.maxCount ?? (options.tail ? 10 : undefined);
  const history = snapshotHistory(wsDir, { maxCount, reverse: options.tail });
  let baselineMetrics: Record<string, JsonValue> | null | undefined;
  if (options.baseline !== undefined) {
    try {
      baselineMetrics = findSnapshot(wsDir, options.baseline).metrics;
    } catch (e) {
      if (!(e instanceof DwsError)) throw e;
      throw new ConfigurationError(`Did not find a tag or hash corresponding to baseline '${options.baseline}'`);
    }
  }
  const metrics: string[] = [];
  for (const s of history) for (const m of Object.keys(s.metrics ?? {})) if (!metrics.includes(m)) metrics.push(m);
  const columns = Object.fromEntries(metrics.map((m) => [m, history.map((s) => s.metrics?.[m])]));
  const styles = historyCellStyles(columns, { ...options, baselineMetrics });
  const headers = ["", "timestamp", "hash", "tags", "message", ...metrics];
  const textRows = history.map((s) => [
    String(s.snapshotNumber),
    s.timestamp.slice(0, 19),
    s.hash.slice(0, 8),
    s.tags.join(", "),
    s.message ?? "",
    ...metrics.map((m) => metricText(s.metrics?.[m])),
  ]);
  const htmlRows = textRows.map((r, i) =>
    r.map((c, j) => {
      if (j < 5) return escapeXml(c);
      const style = styles.get(metrics[j - 5])?.[i];
      return `<td${style ? ` style="${escapeXml(cellCss(style))}"` : ""}>${escapeXml(c)}</td>`;
    })
  );
  const text = formatTable(headers.map((h) => ({ header: h })), textRows).join("\n");
  return new NotebookOutput(htmlTable(headers, htmlRows, { index: true }), text);
}

/** Options of {@link dwsLineageTable}. */
export interface DwsLineageTableOptions extends NotebookOptions {
  /** The lineage as of this snapshot (tag or hash); default: the current state. */
  snapshot?: string;
}

/**
 * The lineage of the workspace's resources as a table (the original's
 * `%dws_lineage_table`): Resource, Lineage Type, Details, Inputs.
 *
 * @example
 * ```ts
 * await dwsLineageTable({ snapshot: "baseline" });
 * ```
 */
export function dwsLineageTable(options: DwsLineageTableOptions = {}): Promise<NotebookOutput> {
  try {
    if (magicsDisabled()) return Promise.resolve(disabledOutput());
    const { store } = lineageStoreAsOf(workspaceDirOf(options), options.snapshot);
    const rows = lineageTableRows(store);
    const title = options.snapshot === undefined ? "Lineage for current state" : `Lineage for ${options.snapshot}`;
    const html = htmlTable(
      ["Resource", "Lineage Type", "Details", "Inputs"],
      rows.map((r) => [
        escapeXml(r.resource),
        escapeXml(r.type),
        escapeXml(r.details),
        r.inputs === null ? "None" : r.inputs.map(escapeXml).join("<br>"),
      ]),
      { index: true },
    );
    return Promise.resolve(new NotebookOutput(html, formatLineageTable(rows, title).join("\n")));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Options of {@link dwsLineageGraph}. */
export interface DwsLineageGraphOptions extends NotebookOptions {
  /** The resource; default: the first results resource. */
  resource?: string;
  /** The lineage as of this snapshot (tag or hash); default: the current state. */
  snapshot?: string;
  /** The HTML file to write; default: `lineage_<notebook>.html` beside the notebook (or `lineage.html` here). */
  outputFile?: string;
}

/**
 * Draw the lineage graph of a resource (the original's
 * `%dws_lineage_graph`): writes `lineage_<notebook>.html` (780×380) beside
 * the notebook and shows it in an 800×400 frame (its content is embedded,
 * so the frame works in any notebook front end and in exported notebooks).
 *
 * @example
 * ```ts
 * await dwsLineageGraph({ resource: "results" });
 * ```
 */
export async function dwsLineageGraph(options: DwsLineageGraphOptions = {}): Promise<NotebookOutput> {
  if (magicsDisabled()) return disabledOutput();
  const nb = notebookPath(options.notebookPath);
  const outputFile = resolve(
    options.outputFile ?? (nb ? join(dirname(nb), `lineage_${notebookStepName(nb)}.html`) : "lineage.html"),
  );
  const out = memoryOutput();
  const ws = await openWorkspace(createContext(options.context ?? { output: out }), {
    workspaceDir: workspaceDirOf(options),
  });
  const graph = writeLineageGraph(ws, outputFile, {
    resourceName: options.resource,
    tagOrHash: options.snapshot,
    width: 780,
    height: 380,
  });
  const page = readFileSync(outputFile, "utf8");
  const html = `<iframe width="800" height="400" frameborder="0" title="${
    escapeXml(`Lineage of ${graph.resourceName}`)
  }" srcdoc="${escapeXml(page)}"></iframe>`;
  const text = [...out.lines.map((l) => l.message), `${graph.nodes.length} versions, ${graph.steps.length} steps`]
    .join("\n");
  return new NotebookOutput(html, text);
}

/** Options of {@link dwsResults}. */
export interface DwsResultsOptions extends NotebookOptions {
  /** Look only in this results resource (default: every one, first match). */
  resource?: string;
  /** The results of this snapshot (tag or hash); default: the current ones, else the newest snapshot's. */
  snapshot?: string;
}

/**
 * A results.json as tables (the original's `%dws_results`): its location,
 * then General Properties, Parameters and Metrics (and one table per
 * metric that is a dictionary).
 *
 * @example
 * ```ts
 * await dwsResults({ snapshot: "baseline" });
 * ```
 */
export async function dwsResults(options: DwsResultsOptions = {}): Promise<NotebookOutput> {
  if (magicsDisabled()) return disabledOutput();
  const out = memoryOutput();
  const ws = await openWorkspace(createContext(options.context ?? { output: out }), {
    workspaceDir: workspaceDirOf(options),
  });
  const found = await findResults(ws, { tagOrHash: options.snapshot, resourceName: options.resource });
  if (!found) {
    const msg = "Did not find a results.json file.";
    return new NotebookOutput(`<p>${escapeXml(msg)}</p>`, msg);
  }
  const html = [`<h3>${escapeXml(found.location)}</h3>`];
  for (const s of resultsSections(found.results)) {
    html.push(`<h4>${escapeXml(s.title)}</h4>`);
    html.push(htmlTable(["Property", "Value"], s.rows.map(([k, v]) => [escapeXml(k), cell(v)]), { index: true }));
  }
  return new NotebookOutput(html.join("\n"), formatResults(found).join("\n"));
}
