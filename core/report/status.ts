/**
 * `dws report status`: the workspace's resources grouped by role (spec §6).
 *
 * @module
 */
import { ROLES } from "../base/names.ts";
import { ObjectStore } from "../store/object_store.ts";
import { pythonStr } from "../base/python_repr.ts";
import { formatTable } from "./table.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { formatBytes } from "../base/output.ts";

const IDENTITY = new Set(["resource_type", "name", "role"]);

/**
 * The lines of the status report.
 *
 * @example
 * ```ts
 * console.log(statusReport(ws).join("\n"));
 * ```
 */
export function statusReport(ws: Workspace): string[] {
  const lines = [`Status for workspace: ${ws.name}`];
  const rows = ROLES.flatMap((role) =>
    ws.resources.filter((r) => r.role === role).map((r) => [
      r.name,
      r.role,
      r.type.name,
      Object.entries(r.params).filter(([k]) => !IDENTITY.has(k)).map(([k, v]) => `${k}=${pythonStr(v)}`).join(
        ",\n",
      ),
    ])
  );
  lines.push(
    ...formatTable(
      [{ header: "Resource" }, { header: "Role" }, { header: "Type" }, { header: "Parameters" }],
      rows,
      { title: `Resources for workspace: ${ws.name}`, nullValue: "" },
    ),
  );
  const empty = ROLES.filter((role) => !ws.resources.some((r) => r.role === role));
  if (empty.length) lines.push(`No resources for the following roles: ${empty.join(", ")}.`);
  const store = new ObjectStore(ws.objectStoreDir());
  const { objects, bytes } = store.size();
  const link = ws.objectStoreLink();
  const mode = link === "hardlink" ? "protected hard links (object_store.link hardlink)" : "copies";
  if (objects || link !== "copy") {
    lines.push(`Object store: ${objects} objects, ${formatBytes(bytes)} in ${store.dir}; data files kept as ${mode}`);
  }
  return lines;
}
