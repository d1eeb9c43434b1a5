import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { DEFAULT_LOCALE } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { caseCache } from "../home/index.js";
import { type Section, sectionsCache } from "../sections/index.js";
import { type CaseTranslations, loadTranslations } from "../translations/index.js";
import { buildPack } from "./build.js";
import { languageName, type PackPlan, packChanges, planPack } from "./manifest.js";
import { claimPack, completePack, coordinatorEmails, failPack, findPack, pointPack } from "./store.js";

// Keeps every section's packs at what the content says, in the background: after a change to
// the catalog or to content (announced on every node by the runtime), once the changes have
// settled (PACK_DEBOUNCE_MS), each section × language is planned; a pack whose manifest is new
// is claimed and built by one node, the others see it claimed and look again a little later.
// One run at a time per node, and one pack at a time in a run: the builds share the event loop
// with the public pages.

export type Outcome = "ready" | "built" | "pending";

/**
 * Promises kept while a version (read on every call) stays the same; a new version forgets
 * them all, so what is kept is one version's, bounded by the sections' languages. A failed
 * promise is forgotten, to be tried again.
 */
class VersionMemo {
  private version: string | undefined;
  private readonly kept = new Map<string, Promise<unknown>>();

  constructor(private readonly current: () => string) {}

  get<T>(key: string, make: () => Promise<T>): Promise<T> {
    const version = this.current();
    if (version !== this.version) {
      this.kept.clear();
      this.version = version;
    }
    const found = this.kept.get(key) as Promise<T> | undefined;
    if (found) return found;
    const made = make();
    this.kept.set(key, made);
    made.catch(() => {
      if (this.kept.get(key) === made) this.kept.delete(key);
    });
    return made;
  }
}

export class PackBuilder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private unsubscribe: (() => void) | undefined;
  readonly casesOf: ReturnType<typeof caseCache>;
  readonly sections: () => Promise<Map<string, Section>>;
  private readonly plans: VersionMemo;
  /** Packs this node built (for tests and the bench). */
  built = 0;

  constructor(readonly runtime: Runtime) {
    this.casesOf = caseCache(runtime);
    this.sections = sectionsCache(runtime);
    this.plans = new VersionMemo(() => {
      const catalog = runtime.catalog();
      return `${catalog.version}|${currentCampaign(catalog)?.id ?? ""}`;
    });
  }

  private onError: (error: unknown) => void = () => {};

  /** Builds on every announced change from now on, and once now; failures go to `onError`. */
  start(onError: (error: unknown) => void): void {
    this.onError = onError;
    this.unsubscribe = this.runtime.onPublicChange(() => this.schedule());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // A build in progress stops at its next document; its claim is released for another node.
    this.abort.abort();
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** Runs after PACK_DEBOUNCE_MS without a further call. */
  schedule(delay = this.runtime.config.packDebounceMs): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.runOnce().catch((error) => this.onError(error));
    }, delay);
    this.timer.unref();
  }

  /** One pass over every section's languages; a pass asked for during one runs after it. */
  runOnce(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.pass().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.runOnce().catch((error) => this.onError(error));
      }
    });
    this.running = run;
    return run;
  }

  private async pass(): Promise<void> {
    let pending = false;
    for (const section of (await this.sections()).values()) {
      for (const language of section.languages) {
        if (this.stopped) return;
        // One pack failing (a photo gone, the database away for a moment) leaves the others
        // to be built; it is tried again on the next change or download, not in a loop.
        try {
          if ((await this.ensure(section, language)) === "pending") pending = true;
        } catch (error) {
          if (!this.stopped) this.onError(error);
        }
      }
    }
    // Another node is building one of ours: look again once it should be done.
    if (pending) this.schedule(Math.max(1000, Math.min(this.runtime.config.packDebounceMs, 5000)));
  }

  /**
   * What the content says `section`'s pack in `language` holds, worked out once per catalog
   * version (and current edition) per node: the background pass after a change plans every
   * pack, and the materials page and downloads then find the plans made. Everything a plan
   * reads moves the catalog's version when it changes (texts, translations, photos, sections,
   * the edition's event kit: each announced with catalogChanged), so a plan is never older
   * than the catalog the node serves.
   */
  plan(section: Section, language: string): Promise<PackPlan | undefined> {
    const runtime = this.runtime;
    return this.plans.get(`${section.id}|${language}`, () =>
      planPack(
        {
          db: runtime.db.pool,
          catalog: runtime.catalog(),
          publicUrl: runtime.config.publicUrl,
          casesOf: this.casesOf,
        },
        section,
        language,
      ),
    );
  }

  /** Anything worked out from the catalog, kept as long as its version is the same (see plan). */
  remember<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.plans.get(`remembered|${key}`, make);
  }

  /** The translations of the current edition's cases, read once per catalog version. */
  translations(): Promise<Map<number, CaseTranslations>> {
    return this.plans.get("translations", async () => {
      const campaign = currentCampaign(this.runtime.catalog());
      if (!campaign) return new Map<number, CaseTranslations>();
      const cases = await this.casesOf(campaign.id);
      return loadTranslations(
        this.runtime.db.pool,
        cases.map((c) => c.id),
      );
    });
  }

  /** The section's pack in `language` at what the content says now: found, built here, or being built elsewhere. */
  async ensure(section: Section, language: string, plan?: PackPlan): Promise<Outcome> {
    const current = plan ?? (await this.plan(section, language));
    if (!current) return "ready";
    const outcome = await this.buildIfNew(current);
    if (outcome !== "pending") await this.point(section, current);
    return outcome;
  }

  /** Builds the plan's pack unless it is built or another node is building it. */
  async buildIfNew(plan: PackPlan): Promise<Outcome> {
    const { db, config } = this.runtime;
    const found = await findPack(db.pool, plan.hash);
    if (found?.state === "ready") return "ready";
    if (!(await claimPack(db.pool, plan.hash, plan.manifest, this.runtime.origin, config.packBuildTimeoutMs)))
      return "pending";
    try {
      const zip = await buildPack(db.pool, plan, config.publicUrl, new Date(), this.abort.signal);
      await completePack(db.pool, plan.hash, this.runtime.origin, zip);
      this.built++;
      return "built";
    } catch (error) {
      await failPack(db.pool, plan.hash, this.runtime.origin).catch(() => {});
      throw error;
    }
  }

  /** Points the section at the pack; the node that moves the pointer tells the coordinators. */
  private async point(section: Section, plan: PackPlan): Promise<void> {
    const { db, mailer } = this.runtime;
    const { moved, previous } = await pointPack(db.pool, section.id, plan.manifest.language, plan.hash);
    // A section's first pack is no news: only a change to one is announced.
    if (!moved || !previous) return;
    const base = `${this.runtime.config.publicUrl.replace(/\/+$/, "")}/office/materials`;
    const url = `${base}/${section.country}/${plan.manifest.language}.zip`;
    // Each coordinator in the language she chose for the back office (English if none).
    for (const { email, locale } of await coordinatorEmails(db.pool, section.id)) {
      const m = messagesFor(locale ?? DEFAULT_LOCALE);
      const lines = packChanges(previous, plan.manifest, m);
      if (lines.length === 0) return;
      const language = languageName(plan.manifest.language, m.locale);
      const text = [
        m.t("office.packs.mail.intro", { language, section: section.name }),
        "",
        ...lines.map((line) => `- ${line}`),
        "",
        m.t("office.packs.mail.download", { url }),
        m.t("office.packs.mail.overview", { url: base }),
      ].join("\n");
      await mailer.send({
        to: email,
        subject: m.t("office.packs.mail.subject", { section: section.name, language }),
        text,
      });
    }
  }
}

const builders = new WeakMap<Runtime, PackBuilder>();

/** The one pack builder of a node. */
export function packBuilderOf(runtime: Runtime): PackBuilder {
  let builder = builders.get(runtime);
  if (!builder) {
    builder = new PackBuilder(runtime);
    builders.set(runtime, builder);
  }
  return builder;
}
