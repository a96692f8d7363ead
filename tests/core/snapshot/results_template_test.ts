/**
 * Tests of core/snapshot/results_template.ts against spec §2. Expected regex sources
 * were produced with Python 3.11 running 1.6's `make_re_pattern_for_dir_template`
 * and `re.escape`.
 */
import assert from "node:assert/strict";
import {
  expandTemplate,
  TEMPLATE_VARIABLES,
  templateProblem,
  templateRegexSource,
  templateShapeProblem,
} from "../../../core/snapshot/results_template.ts";

Deno.test("templateRegexSource: the spec §2 example", () => {
  assert.equal(
    templateRegexSource("{YEAR}-{MONTH}/{DAY}-{MIN}:{SEC}-{TAG}"),
    String.raw`^\d\d\d\d\-\d\d/\d\d\-\d\d:\d\d\-\w([\w\-\.])*$`,
  );
});

Deno.test("templateRegexSource: the default template", () => {
  assert.equal(
    templateRegexSource("snapshots/{HOSTNAME}-{TAG}"),
    String.raw`^snapshots/\w([\w\-\.])*\-\w([\w\-\.])*$`,
  );
});

Deno.test("templateRegexSource: every re.escape special character (Python 3.11)", () => {
  assert.equal(
    templateRegexSource("snapshots/{USERNAME}/{ISO_TIMESTAMP}_{SNAPSHOT_NO} (x)+[y]*?^$|&~#"),
    String.raw`^snapshots/\w([\w\-\.])*/\d\d\d\d\-\d\d\-\d\dT\d\d:\d\d:\d\d_\d\d+\ \(x\)\+\[y\]\*\?\^\$\|\&\~\#$`,
  );
  assert.equal(
    templateRegexSource("snapshots/{SHORT_MONTH}.{DAY_OF_WEEK}/{HOUR}h"),
    String.raw`^snapshots/\w\w\w\.\w+/\d\dh$`,
  );
  assert.equal(templateRegexSource("snapshots/café {TAG}"), String.raw`^snapshots/café\ \w([\w\-\.])*$`);
  // Python's re.escape on all of ASCII: only these are escaped; "/", ":", "%", "'" etc. are not.
  const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join("").replace(/[{}]/g, "");
  const escaped = templateRegexSource(ascii).slice(1, -1);
  assert.equal(
    escaped,
    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\\\t\\\n\\\x0b\\\x0c\\\r" +
      "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
      "\\ !\"\\#\\$%\\&'\\(\\)\\*\\+,\\-\\./0123456789:;<=>\\?@ABCDEFGHIJKLMNOPQRSTUVWXYZ\\[\\\\\\]\\^_`" +
      "abcdefghijklmnopqrstuvwxyz\\|\\~\x7f",
  );
});

Deno.test("templateRegexSource: stray braces are un-escaped like 1.6", () => {
  assert.equal(templateRegexSource("snapshots/{{YEAR}}"), String.raw`^snapshots/{\d\d\d\d}$`);
  assert.equal(templateRegexSource("snapshots/{a-b}/{TAG}"), String.raw`^snapshots/{a\-b}/\w([\w\-\.])*$`);
  assert.equal(templateRegexSource("snapshots/{}/x"), "^snapshots/{}/x$");
});

Deno.test("templateRegexSource: the regex recognises expanded folders", () => {
  const template = "snapshots/{HOSTNAME}-{TAG}";
  const re = new RegExp(templateRegexSource(template));
  const dir = expandTemplate(template, {
    username: "u",
    hostname: "testhost",
    timestamp: new Date(2024, 0, 1),
    snapshotNumber: 3,
  });
  assert.equal(dir, "snapshots/testhost-003");
  assert.ok(re.test(dir));
  assert.ok(re.test("snapshots/testhost-v1.0"));
  assert.ok(!re.test("snapshots/testhost"));
  assert.ok(!re.test("other/testhost-003"));
});

Deno.test("expandTemplate: the spec §2 example (2018-09-30 18:19:54 local, no tag, snapshot 22)", () => {
  assert.equal(
    expandTemplate("results/{YEAR}-{MONTH}/{DAY}.{DAY_OF_WEEK}-{TAG}-{HOSTNAME}", {
      username: "u",
      hostname: "localhost",
      timestamp: new Date(2018, 8, 30, 18, 19, 54),
      snapshotNumber: 22,
    }),
    "results/2018-09/30.Sunday-022-localhost",
  );
});

Deno.test("expandTemplate: all variables (values from Python's expand_dir_template)", () => {
  assert.equal(
    expandTemplate("snapshots/{USERNAME}/{ISO_TIMESTAMP}/{SNAPSHOT_NO}/{SHORT_MONTH}/{HOUR}{MIN}{SEC}/{TAG}", {
      username: "alice",
      hostname: "h",
      timestamp: new Date(2024, 0, 5, 7, 8, 9, 123),
      snapshotNumber: 1234,
      tag: "v1.0",
    }),
    "snapshots/alice/2024-01-05T07:08:09/1234/Jan/070809/v1.0",
  );
  const values = { username: "u", hostname: "h", timestamp: new Date(2024, 1, 29, 0, 0, 0), snapshotNumber: 7 };
  assert.equal(expandTemplate("snapshots/{SNAPSHOT_NO}-{TAG}", values), "snapshots/007-007");
  assert.equal(expandTemplate("snapshots/{ISO_TIMESTAMP}", values), "snapshots/2024-02-29T00:00:00");
  const old = new Date(2000, 11, 31, 23, 59, 59);
  old.setFullYear(999);
  assert.equal(
    expandTemplate("snapshots/{ISO_TIMESTAMP}", { ...values, timestamp: old }),
    "snapshots/0999-12-31T23:59:59",
  );
});

Deno.test("expandTemplate: weekdays and short months", () => {
  // 2024-01-01 was a Monday.
  const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  days.forEach((day, i) => {
    const v = { username: "u", hostname: "h", timestamp: new Date(2024, 0, 1 + i), snapshotNumber: 1 };
    assert.equal(expandTemplate("{DAY_OF_WEEK}", v), day);
  });
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  months.forEach((m, i) => {
    const v = { username: "u", hostname: "h", timestamp: new Date(2024, i, 15), snapshotNumber: 1 };
    assert.equal(expandTemplate("{SHORT_MONTH}-{MONTH}", v), `${m}-${String(i + 1).padStart(2, "0")}`);
  });
});

Deno.test("templateProblem: valid templates", () => {
  assert.equal(templateProblem("snapshots/{HOSTNAME}-{TAG}"), undefined);
  assert.equal(templateProblem("snapshots/{SNAPSHOT_NO}"), undefined);
  assert.equal(templateProblem("snapshots/{a-b}-{ISO_TIMESTAMP}"), undefined);
  assert.equal(
    templateProblem(`snapshots/${Object.keys(TEMPLATE_VARIABLES).map((v) => `{${v}}`).join("/")}`),
    undefined,
  );
});

Deno.test("templateProblem: must start with snapshots/", () => {
  for (const t of ["results/{TAG}", "snapshots", "/snapshots/{TAG}", "Snapshots/{TAG}", ""]) {
    assert.match(templateProblem(t) ?? "", /snapshots\//, t);
  }
});

Deno.test("templateProblem: unknown variables are named", () => {
  assert.match(templateProblem("snapshots/{HOST}-{TAG}") ?? "", /\{HOST\}/);
  assert.match(templateProblem("snapshots/{TAG}/{tag}") ?? "", /\{tag\}/);
  assert.match(templateProblem("snapshots/{DATE_TIME}") ?? "", /\{DATE_TIME\}/);
});

Deno.test("templateProblem: a template needs a part unique to each snapshot (14.4)", () => {
  for (const t of ["snapshots/{HOSTNAME}", "snapshots/{YEAR}-{MONTH}-{DAY}", "snapshots/fixed", "snapshots/"]) {
    assert.match(templateProblem(t) ?? "", /unique to each snapshot|not normalised/, t);
  }
  // 1.6 allowed them: the metadata still reads, snapshots refuse.
  assert.equal(templateShapeProblem("snapshots/{HOSTNAME}"), undefined);
});

Deno.test("templateProblem: a template never leaves the results folder (14.7)", () => {
  for (const t of ["snapshots/../../x-{TAG}", "snapshots/{TAG}/../..", "snapshots//{TAG}", "snapshots/\n{TAG}"]) {
    assert.ok(templateShapeProblem(t), t);
    assert.ok(templateProblem(t), t);
  }
});

Deno.test("TEMPLATE_VARIABLES: the 13 variables of spec §2", () => {
  assert.deepEqual(Object.keys(TEMPLATE_VARIABLES).sort(), [
    "DAY",
    "DAY_OF_WEEK",
    "HOSTNAME",
    "HOUR",
    "ISO_TIMESTAMP",
    "MIN",
    "MONTH",
    "SEC",
    "SHORT_MONTH",
    "SNAPSHOT_NO",
    "TAG",
    "USERNAME",
    "YEAR",
  ]);
});
