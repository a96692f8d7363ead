/**
 * Tests of core/report/table.ts. Expected tables were produced by running
 * `format_columns`/`row_generator` of Data Workspaces' `utils/print_utils.py`
 * under Python 3.11 and are hard-coded here.
 */
import assert from "node:assert/strict";
import { formatTable, type TableColumn } from "../../../core/report/table.ts";

const HISTORY_COLUMNS: TableColumn[] = [
  { header: "Hash", width: 8 },
  { header: "Tags", width: 20 },
  { header: "Created", width: 19 },
  { header: "accuracy", width: 25, truncate: true },
  { header: "loss", width: 25, truncate: true },
  { header: "Message", width: 30 },
];

Deno.test("formatTable: the report history example of spec §6", () => {
  const rows = [
    ["c2165fe", "S3, S4", "2026-11-25T14:50:59", null, null, ""],
    ["ba54f0d", "S2", "2026-11-25T14:50:38", 0.91, 0.3, "second run"],
    ["7ad7d02", "S1", "2026-11-25T14:50:16", null, null, "first"],
  ];
  assert.deepEqual(formatTable(HISTORY_COLUMNS, rows, { title: "History of snapshots", nullValue: "" }), [
    "History of snapshots",
    "| Hash    | Tags   | Created             | accuracy | loss | Message    |",
    "|_________|________|_____________________|__________|______|____________|",
    "| c2165fe | S3, S4 | 2026-11-25T14:50:59 |          |      |            |",
    "| ba54f0d | S2     | 2026-11-25T14:50:38 |     0.91 |  0.3 | second run |",
    "| 7ad7d02 | S1     | 2026-11-25T14:50:16 |          |      | first      |",
  ]);
});

Deno.test("formatTable: numeric columns (ints, floats, bools, None) right-aligned, others left", () => {
  const columns = [{ header: "Name" }, { header: "N" }, { header: "F" }, { header: "B" }, { header: "Mixed" }];
  const rows = [
    ["a", 1, 1.25, true, 1],
    ["bb", 22, 0.12345, false, "x"],
    ["ccc", null, 1234.56, 3, null],
  ];
  assert.deepEqual(formatTable(columns, rows), [
    "| Name | N    | F      | B     | Mixed |",
    "|______|______|________|_______|_______|",
    "| a    |    1 |    1.2 |  True | 1     |",
    "| bb   |   22 |  0.123 | False | x     |",
    "| ccc  | None | 1234.6 |     3 | None  |",
  ]);
});

Deno.test("formatTable: multi-line cells give continuation lines", () => {
  const rows = [["code", "export=False,\nrelative_path=code"], ["data", "x=1"]];
  assert.deepEqual(formatTable([{ header: "Resource" }, { header: "Parameters" }], rows), [
    "| Resource | Parameters         |",
    "|__________|____________________|",
    "| code     | export=False,      |",
    "|          | relative_path=code |",
    "| data     | x=1                |",
  ]);
});

Deno.test("formatTable: values wider than the spec width are hard-wrapped (headers too)", () => {
  assert.deepEqual(
    formatTable([{ header: "Key" }, { header: "Description", width: 10 }], [[
      "k",
      "abcdefghijklmnopqrstuvwxyz0123456789",
    ]]),
    [
      "| Key | Descriptio |",
      "|     | n          |",
      "|_____|____________|",
      "| k   | abcdefghij |",
      "|     | klmnopqrst |",
      "|     | uvwxyz0123 |",
      "|     | 456789     |",
    ],
  );
  assert.deepEqual(formatTable([{ header: "Description", width: 10 }], [["abcdefghijklmnopqrst"]]), [
    "| Descriptio |",
    "| n          |",
    "|____________|",
    "| abcdefghij |",
    "| klmnopqrst |",
  ]);
});

Deno.test("formatTable: a column narrower than its spec width keeps its content width", () => {
  assert.deepEqual(formatTable([{ header: "Description", width: 40 }], [["short"]]), [
    "| Description |",
    "|_____________|",
    "| short       |",
  ]);
});

Deno.test("formatTable: multi-line cells wrap per line", () => {
  assert.deepEqual(formatTable([{ header: "D", width: 5 }], [["abcdefgh\nxy"]]), [
    "| D     |",
    "|_______|",
    "| abcde |",
    "| fgh   |",
    "| xy    |",
  ]);
});

Deno.test("formatTable: truncate cuts to width - 2 characters plus '..'", () => {
  const rows = [["abcdefghijklmnopqrstuvwxyz"], ["short"], ["abcdefghi"], ["abcdefgh"], ["abcdefg"]];
  assert.deepEqual(formatTable([{ header: "metric", width: 9, truncate: true }], rows), [
    "| metric    |",
    "|___________|",
    "| abcdefg.. |",
    "| short     |",
    "| abcdefg.. |",
    "| abcdefg.. |",
    "| abcdefg   |",
  ]);
});

Deno.test("formatTable: truncate when the widest value is exactly the spec width (as 1.6)", () => {
  assert.deepEqual(formatTable([{ header: "metric", width: 9, truncate: true }], [["abcdefghi"], ["abc"]]), [
    "| metric    |",
    "|___________|",
    "| abcdefg.. |",
    "| abc       |",
  ]);
});

Deno.test("formatTable: no truncation while the column is narrower than its spec width", () => {
  assert.deepEqual(formatTable([{ header: "metric", width: 9, truncate: true }], [["abcdefgh"]]), [
    "| metric   |",
    "|__________|",
    "| abcdefgh |",
  ]);
});

Deno.test("formatTable: truncated numeric column stays right-aligned", () => {
  assert.deepEqual(formatTable([{ header: "m", width: 8, truncate: true }], [[1234567890.1234], [0.5]]), [
    "| m        |",
    "|__________|",
    "| 123456.. |",
    "|      0.5 |",
  ]);
});

Deno.test("formatTable: a long header wraps in a truncating column", () => {
  assert.deepEqual(
    formatTable([{ header: "a_very_long_metric_name_here_x", width: 25, truncate: true }], [[0.5]]),
    [
      "| a_very_long_metric_name_h |",
      "| ere_x                     |",
      "|___________________________|",
      "|                       0.5 |",
    ],
  );
});

Deno.test("formatTable: float rounding (|v| < 1 → 3 decimals, else 1; ties to even as Python's round)", () => {
  const values = [
    0.12345,
    0.9996,
    -0.0001,
    2.96,
    1.25,
    2.25,
    1.75,
    0.0625,
    0.3125,
    -2.25,
    0.5,
    1e-5,
    123456.789,
    -0.98765,
    NaN,
    Infinity,
    1.5e300,
  ];
  assert.deepEqual(formatTable([{ header: "v" }], values.map((v) => [v])), [
    "| v        |",
    "|__________|",
    "|    0.123 |",
    "|      1.0 |",
    "|     -0.0 |",
    "|      3.0 |",
    "|      1.2 |",
    "|      2.2 |",
    "|      1.8 |",
    "|    0.062 |",
    "|    0.312 |",
    "|     -2.2 |",
    "|      0.5 |",
    "|      0.0 |",
    "| 123456.8 |",
    "|   -0.988 |",
    "|      nan |",
    "|      inf |",
    "| 1.5e+300 |",
  ]);
});

Deno.test("formatTable: None and empty strings print as the null value ('None' by default)", () => {
  assert.deepEqual(formatTable([{ header: "A" }, { header: "B" }], [[null, "x"], ["", "y"]]), [
    "| A    | B |",
    "|______|___|",
    "| None | x |",
    "| None | y |",
  ]);
});

Deno.test("formatTable: values printed with Python str()", () => {
  const rows = [[{ a: 1, b: "x" }], [["p", null]], [true], ["it's"]];
  assert.deepEqual(formatTable([{ header: "V" }], rows), [
    "| V                  |",
    "|____________________|",
    "| {'a': 1, 'b': 'x'} |",
    "| ['p', None]        |",
    "| True               |",
    "| it's               |",
  ]);
});

Deno.test("formatTable: no rows gives header and divider only; no title line without a title", () => {
  assert.deepEqual(formatTable([{ header: "A" }, { header: "BB" }], []), ["| A | BB |", "|___|____|"]);
});

Deno.test("formatTable: widths count code points like Python's len()", () => {
  assert.deepEqual(formatTable([{ header: "Message" }, { header: "N" }], [["\u{1F600} done", 1], ["ok", 2]]), [
    "| Message | N |",
    "|_________|___|",
    "| \u{1F600} done  | 1 |",
    "| ok      | 2 |",
  ]);
  assert.deepEqual(formatTable([{ header: "Message", width: 3 }], [["\u{1F600}".repeat(5)]]), [
    "| Mes |",
    "| sag |",
    "| e   |",
    "|_____|",
    "| \u{1F600}\u{1F600}\u{1F600} |",
    "| \u{1F600}\u{1F600}  |",
  ]);
  assert.deepEqual(formatTable([{ header: "Message", width: 5, truncate: true }], [["\u{1F600}".repeat(6)]]), [
    "| Messa |",
    "| ge    |",
    "|_______|",
    "| \u{1F600}\u{1F600}\u{1F600}.. |",
  ]);
});
