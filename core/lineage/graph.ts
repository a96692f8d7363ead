/**
 * The lineage graph of a resource (spec §11): the certificates its data came
 * from, linked by the steps that made them. Drawn by `core/draw/`, written by
 * `core/report/lineage_graph.ts`.
 *
 * @module
 */
import { LineageError } from "../base/errors.ts";
import { type LineageScope, resolveRef, storeScope } from "./scope.ts";
import type { LineageStore } from "./store.ts";
import {
  type Certificate,
  certificateName,
  formatRef,
  type ResourceCert,
  startTimeText,
  type StepLineage,
} from "../models/lineage.ts";
import type { JsonObject } from "../base/json_value.ts";

/** A node of the graph: one version (certificate) of a resource or a path in it. */
export interface LineageGraphNode {
  /** Number from 1, in discovery order. */
  id: number;
  /** `name` or `name:/subpath`. */
  name: string;
  /** 1.6's label: the hash's first 7 characters, or `placeholder=<version>`. */
  label: string;
  /** The resource. */
  resourceName: string;
  /** The version. */
  certificate: Certificate;
  /** Found inside imported lineage (the resource name is the other workspace's). */
  imported: boolean;
}

/** A step that links nodes. */
export interface LineageGraphStep {
  /** Number from 1, in discovery order. */
  id: number;
  /** The step's name. */
  stepName: string;
  /** Its start time (isoformat). */
  startTime: string;
  /** Its parameters. */
  parameters: JsonObject;
}

/** A link from an input version to an output version of a step. */
export interface LineageGraphLink {
  /** Input node id. */
  source: number;
  /** Output node id. */
  target: number;
  /** `<step>@<start time to the minute>`, as 1.6 labels it. */
  type: string;
  /** The step's id. */
  step: number;
}

/** The lineage graph of a resource. */
export interface LineageGraph {
  /** The resource whose lineage it is. */
  resourceName: string;
  /** Versions, in discovery order. */
  nodes: LineageGraphNode[];
  /** Steps, in discovery order. */
  steps: LineageGraphStep[];
  /** Input → output links. */
  links: LineageGraphLink[];
  /** Warnings about inputs whose lineage was overwritten or is missing. */
  warnings: string[];
}

function versionKey(c: Certificate): string {
  return c.certType === "hash" ? `hash:${c.hashval}` : `placeholder:${c.version}:${c.isOutput}`;
}

function certText(c: ResourceCert): string {
  return `${formatRef(c.ref)} (${certificateName(c.certificate)})`;
}

/**
 * Walk back from every ref of `resourceName` through step inputs (1.6's
 * simplified lineage graph): an input is followed when it is new and still
 * the version the store has. Imported lineage is followed into its records;
 * code is not drawn.
 *
 * @example
 * ```ts
 * const g = buildLineageGraph(lineageStoreAsOf("/ws").store, "results");
 * g.nodes.map((n) => `${n.name}:${n.label}`);
 * ```
 */
export function buildLineageGraph(store: LineageStore, resourceName: string): LineageGraph {
  const outer = storeScope(store);
  const graph: LineageGraph = { resourceName, nodes: [], steps: [], links: [], warnings: [] };
  const nodeIds = new Map<string, number>();
  const stepIds = new Map<string, number>();
  const nodeFor = (c: ResourceCert, imported: boolean): [number, boolean] => {
    // Imported refs name the other workspace's resources: never the same node as one of ours.
    const key = `${imported}\0${formatRef(c.ref)}\0${versionKey(c.certificate)}`;
    const known = nodeIds.get(key);
    if (known !== undefined) return [known, false];
    const id = graph.nodes.length + 1;
    const cert = c.certificate;
    graph.nodes.push({
      id,
      name: formatRef(c.ref),
      label: cert.certType === "hash" ? cert.hashval.slice(0, 7) : `placeholder=${cert.version}`,
      resourceName: c.ref.name,
      certificate: cert,
      imported,
    });
    nodeIds.set(key, id);
    return [id, true];
  };
  const stepFor = (s: StepLineage): number => {
    const key = `${s.stepName}\0${s.startTime}`;
    let id = stepIds.get(key);
    if (id === undefined) {
      id = graph.steps.length + 1;
      graph.steps.push({ id, stepName: s.stepName, startTime: s.startTime, parameters: s.parameters });
      stepIds.set(key, id);
    }
    return id;
  };
  const stillCurrent = (input: ResourceCert, scope: LineageScope): boolean => {
    const found = resolveRef(scope, input.ref);
    if (!found) {
      graph.warnings.push(`Warning: Certificate ${certText(input)} not found in store`);
      return false;
    }
    if (versionKey(found.certificate) !== versionKey(input.certificate)) {
      graph.warnings.push(
        `Warning: Certificate ${certText(input)} not found in store, was overwritten by ${
          certText({ ref: input.ref, certificate: found.certificate })
        }`,
      );
      return false;
    }
    return true;
  };

  let work = store.entries(resourceName).map((e) => ({ ref: e.cert.ref, scope: outer }));
  if (work.length === 0) throw new LineageError(`No lineage found for resource ${resourceName}`);
  while (work.length) {
    const next: typeof work = [];
    for (const item of work) {
      const found = resolveRef(item.scope, item.ref);
      if (!found) continue;
      const [target] = nodeFor({ ref: item.ref, certificate: found.certificate }, item.scope !== outer);
      if (found.lineage.type !== "step") continue;
      const step = stepFor(found.lineage);
      const type = `${found.lineage.stepName}@${startTimeText(found.lineage.startTime).slice(0, 16)}`;
      for (const input of found.lineage.inputResources) {
        const [source, isNew] = nodeFor(input, found.scope !== outer);
        graph.links.push({ source, target, type, step });
        if (isNew && stillCurrent(input, found.scope)) next.push({ ref: input.ref, scope: found.scope });
      }
    }
    work = next;
  }
  return graph;
}
