/**
 * The `results.dir_template` language: `{VARIABLE}` placeholders expanded into
 * the folder a snapshot's results move to, and the regex that recognises
 * folders made earlier so they are never moved again.
 *
 * @module
 */
import { relativePathProblem } from "../base/paths.ts";

/** Template variables and the regex each one's expansions match. */
export const TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  USERNAME: String.raw`\w([\w\-\.])*`,
  HOSTNAME: String.raw`\w([\w\-\.])*`,
  SNAPSHOT_NO: String.raw`\d\d+`,
  ISO_TIMESTAMP: String.raw`\d\d\d\d\-\d\d\-\d\dT\d\d:\d\d:\d\d`,
  YEAR: String.raw`\d\d\d\d`,
  MONTH: String.raw`\d\d`,
  SHORT_MONTH: String.raw`\w\w\w`,
  DAY: String.raw`\d\d`,
  HOUR: String.raw`\d\d`,
  MIN: String.raw`\d\d`,
  SEC: String.raw`\d\d`,
  DAY_OF_WEEK: String.raw`\w+`,
  TAG: String.raw`\w([\w\-\.])*`,
};

const VARIABLE_RE = /\{\w+\}/g;

/**
 * The variables that make each snapshot's folder its own: `{TAG}` falls back
 * to the snapshot number, `{ISO_TIMESTAMP}` has seconds. A folder shared by
 * two snapshots would be overwritten by the second and deleted with either.
 */
export const UNIQUE_VARIABLES: readonly string[] = ["SNAPSHOT_NO", "TAG", "ISO_TIMESTAMP"];

/**
 * Why `template` is not a valid `results.dir_template`, or undefined if it is.
 *
 * @example
 * ```ts
 * templateProblem("snapshots/{HOSTNAME}-{TAG}"); // undefined
 * templateProblem("snapshots/{HOSTNAME}"); // "... has no part unique to each snapshot ..."
 * ```
 */
export function templateProblem(template: string): string | undefined {
  const shape = templateShapeProblem(template);
  if (shape) return shape;
  if (!UNIQUE_VARIABLES.some((v) => template.includes(`{${v}}`))) {
    return `'${template}' has no part unique to each snapshot: include ${
      UNIQUE_VARIABLES.map((v) => `{${v}}`).join(", ")
    } (as the default 'snapshots/{HOSTNAME}-{TAG}' does)`;
  }
  return undefined;
}

/**
 * Why `template` cannot even be read as a `results.dir_template` (a wrong
 * prefix, an unknown variable, a path that leaves the results folder), or
 * undefined. Unlike {@link templateProblem} it accepts templates without a
 * unique part, which 1.6 allowed and which snapshots then refuse.
 */
export function templateShapeProblem(template: string): string | undefined {
  if (!template.startsWith("snapshots/")) return "a results template must start with 'snapshots/'";
  for (const m of template.match(VARIABLE_RE) ?? []) {
    const name = m.slice(1, -1);
    if (!(name in TEMPLATE_VARIABLES)) {
      return `unknown template variable ${m}; known variables: ${Object.keys(TEMPLATE_VARIABLES).join(", ")}`;
    }
  }
  return relativePathProblem(template);
}

/** Values for {@link expandTemplate}. */
export interface TemplateValues {
  username: string;
  hostname: string;
  timestamp: Date;
  snapshotNumber: number;
  tag?: string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * Expand a template with local-time values.
 *
 * @example
 * ```ts
 * expandTemplate("snapshots/{HOSTNAME}-{TAG}", {
 *   username: "u", hostname: "h", timestamp: new Date(), snapshotNumber: 4,
 * }); // "snapshots/h-004"
 * ```
 */
export function expandTemplate(template: string, v: TemplateValues): string {
  const t = v.timestamp;
  const no = pad(v.snapshotNumber, 3);
  const values: Record<string, string> = {
    USERNAME: v.username,
    HOSTNAME: v.hostname,
    SNAPSHOT_NO: no,
    ISO_TIMESTAMP: `${pad(t.getFullYear(), 4)}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${
      pad(t.getMinutes())
    }:${pad(t.getSeconds())}`,
    YEAR: pad(t.getFullYear(), 4),
    MONTH: pad(t.getMonth() + 1),
    SHORT_MONTH: MONTHS[t.getMonth()],
    DAY: pad(t.getDate()),
    HOUR: pad(t.getHours()),
    MIN: pad(t.getMinutes()),
    SEC: pad(t.getSeconds()),
    DAY_OF_WEEK: DAYS[t.getDay()],
    TAG: v.tag ?? no,
  };
  return template.replace(VARIABLE_RE, (m) => values[m.slice(1, -1)] ?? m);
}

// Python >= 3.7 re.escape: escapes everything but [A-Za-z0-9_] and a few
// safe characters; `/` and `:` are left alone.
function pythonReEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

/**
 * The source of the regex matching folders made by `template`, as 1.6 builds it.
 *
 * @example
 * ```ts
 * templateRegexSource("{YEAR}-{MONTH}/{DAY}-{MIN}:{SEC}-{TAG}");
 * // "^\\d\\d\\d\\d\\-\\d\\d/\\d\\d\\-\\d\\d:\\d\\d\\-\\w([\\w\\-\\.])*$"
 * ```
 */
export function templateRegexSource(template: string): string {
  // As 1.6: escape, un-escape every brace, then replace the variables.
  const escaped = pythonReEscape(template).replace(/\\([{}])/g, "$1").replace(VARIABLE_RE, (m) => {
    return TEMPLATE_VARIABLES[m.slice(1, -1)] ?? m;
  });
  return `^${escaped}$`;
}
