import type pg from "pg";
import { connectionLost } from "./connection-lost.js";

export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection that cannot even roll back is broken: hand it back as such so the pool drops it.
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (connectionLost(error)) {
      // Waiting for a ROLLBACK on a connection that failed would double the wait; closing the
      // connection rolls the transaction back on the server.
      broken = error as Error;
    } else {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** SQLSTATE classes: 40 = transaction rollback (deadlock, serialization), retryable as is. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code === "40001" || code === "40P01";
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): the input is at fault. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code.startsWith("22") || code.startsWith("23");
}
