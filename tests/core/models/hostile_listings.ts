/**
 * A generator of hostile file listings (what a hostile origin or object
 * remote could send): paths that leave the folder or are not normalised,
 * duplicates, entries beneath a file, a link or an empty folder, broken
 * fields and structure, truncations. Shared by the model, store and CLI tests.
 */

/** A valid SHA-1 used by the generated entries. */
export const SOME_SHA1 = "0123456789abcdef0123456789abcdef01234567";

/** One hostile listing: a name for messages and its text. */
export interface HostileListing {
  name: string;
  text: string;
}

/** Paths no listing may hold. */
export const BAD_PATHS: readonly string[] = [
  "..",
  "../x",
  "../victim-home/.bashrc",
  "a/../../x",
  "a/..",
  "a/../b",
  "/etc/passwd",
  "/x",
  "./x",
  "a/./b",
  ".",
  "a//b",
  "a/",
  "",
  "x\0y",
  "x\ry",
  "a\\..\\b",
  "C:/x",
  "c:x",
  "x".repeat(300),
  ("d".repeat(200) + "/").repeat(25) + "f",
  ".dws-restore-1/x",
  "a/.dws-restore-9",
];

const HEADER = "dws-file-listing 1\n";
const file = (p: string) => `F\t${SOME_SHA1}\t644\t5\t${p}\n`;
const link = (p: string, t = "target") => `L\t${p}\t${t}\n`;
const dir = (p: string) => `D\t${p}\n`;

function badPathListings(): HostileListing[] {
  const out: HostileListing[] = [];
  for (const p of BAD_PATHS) {
    const shown = JSON.stringify(p.length > 30 ? p.slice(0, 30) + "..." : p);
    out.push({ name: `file ${shown}`, text: HEADER + file("ok.csv") + file(p) });
    out.push({ name: `link ${shown}`, text: HEADER + link(p) });
    out.push({ name: `empty folder ${shown}`, text: HEADER + dir(p) });
  }
  return out;
}

function conflictListings(): HostileListing[] {
  return [
    { name: "a file twice", text: HEADER + file("a") + file("a") },
    { name: "a file and a link of one name", text: HEADER + file("a") + link("a") },
    { name: "a file and an empty folder of one name", text: HEADER + file("a") + dir("a") },
    { name: "a link then a file beneath it", text: HEADER + file("l/x") + link("l", "/home") },
    { name: "a link then a file deep beneath it", text: HEADER + file("l/a/b/c") + link("l", "..") },
    { name: "a file then a file beneath it", text: HEADER + file("a") + file("a/x") },
    { name: "an empty folder with a file in it", text: HEADER + file("d/x") + dir("d") },
    { name: "a link twice", text: HEADER + link("a", "x") + link("a", "y") },
  ];
}

function fieldListings(): HostileListing[] {
  const f = (sha: string, mode: string, size: string) => HEADER + `F\t${sha}\t${mode}\t${size}\tok.csv\n`;
  return [
    { name: "short SHA-1", text: f(SOME_SHA1.slice(1), "644", "5") },
    { name: "upper-case SHA-1", text: f(SOME_SHA1.toUpperCase(), "644", "5") },
    { name: "SHA-1 that is a path", text: f("../../../../etc/passwd", "644", "5") },
    { name: "mode 999", text: f(SOME_SHA1, "999", "5") },
    { name: "mode 77777", text: f(SOME_SHA1, "77777", "5") },
    { name: "empty mode", text: f(SOME_SHA1, "", "5") },
    { name: "negative size", text: f(SOME_SHA1, "644", "-1") },
    { name: "size 1e3", text: f(SOME_SHA1, "644", "1e3") },
    { name: "huge size", text: f(SOME_SHA1, "644", "99999999999999999999") },
    { name: "file line without path", text: HEADER + `F\t${SOME_SHA1}\t644\t5\n` },
    { name: "link without target", text: HEADER + "L\tonly-path\n" },
    { name: "link with empty target", text: HEADER + "L\tp\t\n" },
    { name: "link target with NUL", text: HEADER + "L\tp\ta\0b\n" },
  ];
}

function structureListings(valid: string): HostileListing[] {
  const out: HostileListing[] = [
    { name: "empty text", text: "" },
    { name: "no header", text: file("a") },
    { name: "another version", text: "dws-file-listing 2\n" + file("a") },
    { name: "an empty line", text: HEADER + file("a") + "\n" + file("b") },
    { name: "an unknown line", text: HEADER + "X\tsomething\n" },
    { name: "a bare kind letter", text: HEADER + "D\n" },
    { name: "Windows line ends", text: HEADER.replace("\n", "\r\n") + file("a") },
  ];
  // Cut anywhere but after a line break: a truncated listing.
  for (let cut = 1; cut < valid.length; cut += 7) {
    if (valid[cut - 1] !== "\n") out.push({ name: `truncated at ${cut}`, text: valid.slice(0, cut) });
  }
  return out;
}

/** A valid listing: files in folders, a link, an empty folder. */
export function validListingText(): string {
  return HEADER + file("a.csv") + file("sub/b.csv") + file("sub/deep/c.bin") + link("l.csv", "a.csv") + dir("empty");
}

/** Every generated hostile listing. */
export function hostileListings(): HostileListing[] {
  return [...badPathListings(), ...conflictListings(), ...fieldListings(), ...structureListings(validListingText())];
}
