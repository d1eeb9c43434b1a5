import type { ServerResponse } from "node:http";
import type { CampaignInfo } from "../campaigns/catalog.js";
import type { Counters } from "./aggregates.js";
import type { CounterRenderer } from "./presenter.js";

// Server-Sent Events for live viewers. A change is serialized once and the same bytes are
// written to every viewer of that edition, at most once per MIN_INTERVAL_MS, and only when
// something changed. A viewer whose connection is not keeping up is skipped and gets the
// latest state when its buffer drains: each message is the whole counter, so nothing is lost.

const MIN_INTERVAL_MS = 250;
const HEARTBEAT_MS = 15_000;
const SLOW_VIEWER_BYTES = 64 * 1024;

interface Viewer {
  res: ServerResponse;
  sentVersion: string;
  waiting: boolean;
}

interface Audience {
  campaign: CampaignInfo;
  viewers: Set<Viewer>;
  lastFlush: number;
  timer: NodeJS.Timeout | undefined;
}

export class CounterStreams {
  private audiences = new Map<number, Audience>();
  private heartbeat: NodeJS.Timeout;
  private unsubscribe: () => void;

  constructor(
    counters: Counters,
    private readonly renderer: CounterRenderer,
    private readonly campaignOf: (id: number) => CampaignInfo | undefined,
  ) {
    this.unsubscribe = counters.onChange((id) => {
      this.schedule(id);
      // The previous edition's total is part of the view of the editions that follow it.
      for (const audience of this.audiences.values()) {
        if (audience.campaign.previousId === id) this.schedule(audience.campaign.id);
      }
    });
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get viewerCount(): number {
    let n = 0;
    for (const a of this.audiences.values()) n += a.viewers.size;
    return n;
  }

  subscribe(campaign: CampaignInfo, res: ServerResponse): void {
    let audience = this.audiences.get(campaign.id);
    if (!audience) {
      audience = { campaign, viewers: new Set(), lastFlush: 0, timer: undefined };
      this.audiences.set(campaign.id, audience);
    }
    const viewer: Viewer = { res, sentVersion: "", waiting: false };
    audience.viewers.add(viewer);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n\n");
    this.send(viewer, audience.campaign);
    res.on("drain", () => {
      const latest = this.audiences.get(campaign.id);
      if (viewer.waiting && latest) this.send(viewer, latest.campaign);
    });
    res.on("close", () => {
      audience.viewers.delete(viewer);
    });
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const audience of this.audiences.values()) {
      if (audience.timer) clearTimeout(audience.timer);
      for (const viewer of audience.viewers) viewer.res.end();
      audience.viewers.clear();
    }
  }

  private schedule(campaignId: number): void {
    const audience = this.audiences.get(campaignId);
    if (!audience || audience.viewers.size === 0 || audience.timer) return;
    const wait = Math.max(0, audience.lastFlush + MIN_INTERVAL_MS - Date.now());
    audience.timer = setTimeout(() => this.flush(audience), wait);
  }

  private flush(audience: Audience): void {
    audience.timer = undefined;
    audience.lastFlush = Date.now();
    // The catalog may have been reloaded since the viewer subscribed.
    audience.campaign = this.campaignOf(audience.campaign.id) ?? audience.campaign;
    for (const viewer of audience.viewers) this.send(viewer, audience.campaign);
  }

  private send(viewer: Viewer, campaign: CampaignInfo): void {
    const rendered = this.renderer.render(campaign);
    if (viewer.sentVersion === rendered.etag) return;
    if (viewer.res.writableLength > SLOW_VIEWER_BYTES) {
      viewer.waiting = true;
      return;
    }
    viewer.waiting = false;
    viewer.sentVersion = rendered.etag;
    viewer.res.write(rendered.event);
  }

  private beat(): void {
    for (const audience of this.audiences.values()) {
      for (const viewer of audience.viewers) viewer.res.write(": keep-alive\n\n");
    }
  }
}
