/**
 * The file listing model: a valid listing round-trips; every generated
 * hostile listing is refused with one line naming it.
 */
import assert from "node:assert/strict";
import { ConfigurationError } from "../../../core/base/errors.ts";
import { listedPathProblem, parseFileListing, serializeFileListing } from "../../../core/models/file_listing.ts";
import { relativePathProblem } from "../../../core/base/paths.ts";
import { hostileListings, validListingText } from "./hostile_listings.ts";

Deno.test("file listing: a valid listing parses and serializes to the same bytes", () => {
  const text = validListingText();
  const listing = parseFileListing(text, "listing");
  assert.equal(listing.files.length, 3);
  assert.deepEqual(listing.links, [["l.csv", "a.csv"]]);
  assert.deepEqual(listing.emptyDirs, ["empty"]);
  assert.equal(serializeFileListing(listing), text);
  // Tabs are allowed in file names; a link may point anywhere (it is data, never followed by a restore).
  const odd = "dws-file-listing 1\nF\t" + "a".repeat(40) + "\t755\t0\tx\ty\nL\tup\t../../../etc\n";
  assert.equal(parseFileListing(odd, "odd").files[0].path, "x\ty");
});

Deno.test("file listing: every generated hostile listing is refused with one line naming it", () => {
  const cases = hostileListings();
  assert.ok(cases.length > 100, `only ${cases.length} cases`);
  for (const { name, text } of cases) {
    assert.throws(
      () => parseFileListing(text, "File listing X"),
      (e: unknown) => {
        assert.ok(e instanceof ConfigurationError, `${name}: ${e}`);
        assert.match(e.message, /^File listing X is not a valid file listing \(.+\); nothing was changed$/, name);
        assert.doesNotMatch(e.message, /[\n\r\0]/, `${name}: one clean line`);
        return true;
      },
      name,
    );
  }
});

Deno.test("file listing: the fast check of plain paths accepts nothing the full check refuses", () => {
  // Short paths over an alphabet of the characters that matter: dots, slashes, and ones outside the plain set.
  const alphabet = ["a", "b", ".", ".", "/", "/", "-", "%", "\\", ":", " ", "é", "\n", "\0"];
  let seed = 17;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  let accepted = 0;
  for (let i = 0; i < 50000; i++) {
    const path = Array.from({ length: random(9) }, () => alphabet[random(alphabet.length)]).join("");
    const full = relativePathProblem(path);
    assert.equal(listedPathProblem(path) === undefined, full === undefined, JSON.stringify(path));
    if (!full) accepted++;
  }
  assert.ok(accepted > 1000, `${accepted} safe paths generated`);
  assert.match(listedPathProblem("a/.dws-restore-1/x")!, /name dws keeps/);
  assert.match(listedPathProblem("a".repeat(256))!, /too long/);
});
