import { randomFillSync } from "node:crypto";
import { v7 as uuidv7 } from "uuid";

// Action ids are UUIDv7: time-ordered, so the ledger's primary key grows at one end. Asking the
// system for 16 random bytes per id was a measurable share of the write path's CPU; drawing
// them from a larger buffer filled at once costs a fraction of that.
const POOL_BYTES = 16 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

export function newActionId(): string {
  if (offset + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const random = pool.subarray(offset, offset + 16);
  offset += 16;
  return uuidv7({ random });
}
