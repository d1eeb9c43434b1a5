import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_ROWS, readReportCsv, templateCsv } from "./csv.js";

// Reading report files as spreadsheets write them; a problem with the file as a whole is one
// clear message, row problems are left to the row checks.

const rows = (data: Buffer | string) => {
  const result = readReportCsv(data);
  if (!result.ok) assert.fail(result.message);
  return result.rows;
};

test("commas or semicolons, with or without a byte order mark, columns in any order", () => {
  const comma = rows(
    "case,type,country,date,quantity,event,reason\ngao-zhisheng,letter,ES,2012-12-01,120,,\n",
  );
  const semicolon = rows(
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Quantity;Date;Country;Case;Reason\r\n120;2012-12-01;ES;gao-zhisheng;"a; b, c"\r\n'),
    ]),
  );
  assert.deepEqual(comma[0]?.input, {
    case: "gao-zhisheng",
    type: "letter",
    country: "ES",
    date: "2012-12-01",
    quantity: "120",
    event: "",
    reason: "",
  });
  assert.deepEqual(semicolon[0]?.input, { ...comma[0]?.input, type: "", reason: "a; b, c" });
  assert.equal(semicolon[0]?.line, 2);
});

test("rows keep the line they are on; empty lines and rows of empty cells are skipped", () => {
  const read = rows("case,country,date,quantity\n\na,ES,2012-12-01,1\n,,,\nb,FR,2012-12-02,2,extra\n");
  assert.deepEqual(
    read.map((r) => [r.line, r.input.case, r.extraCells]),
    [
      [3, "a", 0],
      [5, "b", 1],
    ],
  );
});

test("files that cannot be read are refused with one message", () => {
  const refused = (data: Buffer | string) => {
    const result = readReportCsv(data);
    assert.ok(!result.ok);
    return result;
  };
  assert.match(refused("").message, /empty/);
  assert.match(refused(Buffer.from([0x63, 0x0a, 0xff, 0xfe])).message, /not UTF-8/);
  assert.match(refused("case,country,date,quantity\n").message, /no rows/);
  assert.match(refused("case,country,date\na,ES,2012-12-01\n").message, /no "quantity" column/);
  assert.match(refused("case,country,date,quantity,colour\n").message, /"colour" is not one of/);
  assert.match(refused("case,case,country,date,quantity\n").message, /appears twice/);
  assert.match(refused('case,country,date,quantity\n"a,ES,2012-12-01,1\n').message, /not valid CSV/);
  const long = refused(`case,country,date,quantity\n${"a,ES,2012-12-01,1\n".repeat(MAX_ROWS + 1)}`);
  assert.equal(long.status, 422);
  const big = refused(`case,country,date,quantity\n${"x".repeat(2 * 1024 * 1024)}`);
  assert.equal(big.status, 413);
  assert.equal(
    rows(`case,country,date,quantity\n${"a,ES,2012-12-01,1\n".repeat(MAX_ROWS)}`).length,
    MAX_ROWS,
  );
});

test("the template reads back as one valid row", () => {
  const [row] = rows(templateCsv({ case: "gao-zhisheng", country: "ES", date: "2012-12-01" }));
  assert.equal(row?.input.case, "gao-zhisheng");
  assert.equal(row?.input.quantity, "120");
});
