/** Tests of core/models/snapshot_metadata.ts: 1.6's layout, and dws's own restore hashes where 1.6 ignores them. */
import assert from "node:assert/strict";
import {
  parseSnapshotMetadata,
  serializeSnapshotMetadata,
  type SnapshotMetadata,
} from "../../../core/models/snapshot_metadata.ts";

const BASE: SnapshotMetadata = {
  hash: "ba54f0d56541c63d4c5f89a0e1823da0962e71fa",
  tags: ["S2"],
  message: "second run",
  hostname: "testhost",
  timestamp: "2026-11-25T14:50:38.257972",
  relativeDestinationPath: "snapshots/testhost-S2",
  restoreHashes: { code: "3cd1664c3cd1664c3cd1664c3cd1664c3cd1664c", lf: null },
  metrics: { accuracy: 0.91 },
};

Deno.test("snapshot metadata: 1.6's keys in 1.6's order", () => {
  const text = serializeSnapshotMetadata(BASE);
  assert.deepEqual(Object.keys(JSON.parse(text)), [
    "hash",
    "tags",
    "message",
    "hostname",
    "timestamp",
    "relative_destination_path",
    "restore_hashes",
    "metrics",
  ]);
  assert.deepEqual(parseSnapshotMetadata(text, "md.json"), BASE);
});

Deno.test("snapshot metadata: a data folder's listing key goes to dws_restore_hashes, 1.6 reads null", () => {
  const md: SnapshotMetadata = {
    ...BASE,
    restoreHashes: { ...BASE.restoreHashes, data: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
    compatRestoreHashes: { data: null },
    updatedTimestamp: "2026-11-25T15:00:00.000000",
  };
  const text = serializeSnapshotMetadata(md);
  const raw = JSON.parse(text);
  assert.deepEqual(raw.restore_hashes, { code: BASE.restoreHashes.code, lf: null, data: null });
  assert.deepEqual(raw.dws_restore_hashes, { data: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" });
  assert.deepEqual(parseSnapshotMetadata(text, "md.json"), md);
  assert.equal(serializeSnapshotMetadata(parseSnapshotMetadata(text, "md.json")), text);
});

Deno.test("snapshot metadata: listing keys written by earlier dws versions into restore_hashes still restore", () => {
  const text = serializeSnapshotMetadata({
    ...BASE,
    restoreHashes: { data: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
  });
  const md = parseSnapshotMetadata(text, "md.json");
  assert.equal(md.restoreHashes.data, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  assert.equal(md.compatRestoreHashes, undefined);
});
