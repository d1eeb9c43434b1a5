import http from "node:http";

export interface CounterEvent {
  total: number;
  byCountry: Record<string, number>;
  byCase: Record<string, number>;
  seq: number;
  receivedAt: number;
}

/** A minimal Server-Sent Events reader for tests: collects `counter` events from a URL. */
export class StreamReader {
  events: CounterEvent[] = [];
  private request: http.ClientRequest;
  private waiters: { predicate: (e: CounterEvent) => boolean; resolve: (e: CounterEvent) => void }[] = [];
  headers: http.IncomingHttpHeaders = {};
  status: number | undefined;

  constructor(url: string) {
    this.request = http.get(url, (response) => {
      this.headers = response.headers;
      this.status = response.statusCode;
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          this.onMessage(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      });
    });
    this.request.on("error", () => {});
  }

  private onMessage(message: string): void {
    const lines = message.split("\n");
    if (!lines.includes("event: counter")) return;
    const data = lines.find((l) => l.startsWith("data: "));
    if (!data) return;
    const event = { ...JSON.parse(data.slice(6)), receivedAt: Date.now() } as CounterEvent;
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  next(predicate: (e: CounterEvent) => boolean, timeoutMs = 5000): Promise<CounterEvent> {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching counter event in time")), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    this.request.destroy();
  }
}
