/**
 * The file listing model: a valid listing round-trips; every generated
 * hostile listing is refused with one line naming it.
 */
import assert from "node:assert/strict";
import { ConfigurationError } from "../../../core/base/errors.ts";
import { parseFileListing, serializeFileListing } from "../../../core/models/file_listing.ts";
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
