import { randomUUID } from "node:crypto";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { LedgerUnavailableError, type StoredRef } from "../../core/ledger/batcher.js";
import type { LedgerEntry } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import { personKey } from "../../platform/person-key.js";
import { normalizeEmail } from "../../platform/rules.js";
import { newLink } from "./links.js";
import { caseTitle, confirmationMail } from "./mail.js";
import {
  hasLiveConfirmLink,
  insertPending,
  type Signature,
  signatureOfAction,
  signatureOfPerson,
  storeLinks,
} from "./store.js";

// One person, one signature: the write path of a petition signature, from the case page's form
// and from the API. The edition says whether a signature counts at once (its ledger entry and
// its row in one statement: the batcher's SignatureStep) or only once its signer followed the
// link sent by email (stored pending, no entry yet: confirm.ts counts it).

export interface Signer {
  email: string;
  name: string | undefined;
  /** The signer's interface language: the email's and the links' pages'. */
  language: string;
}

export type SignResult =
  /** Counted now. */
  | { status: "counted"; signatureId: string; action: StoredRef; withdrawToken?: string }
  /** Stored until confirmed; the confirmation email is in the outbox. */
  | { status: "pending"; signatureId: string; withdrawToken?: string }
  /**
   * The same post (or API call, by its idempotency key) again: answered as the first was.
   * `action` is the stored action of that key, also when the key named something else than a
   * signature (the API then says the key was reused); `pending` when it awaits confirmation.
   */
  | { status: "replayed"; action?: StoredRef; pending: boolean; withdrawToken?: string }
  /** This person had signed this case already: nothing counted. */
  | { status: "already"; existing: "counted" | "pending"; resent: boolean };

export interface SignOptions {
  /** Mint a withdrawal link for the page thanking the signer (the form does; the API does not). */
  withdrawLink?: boolean;
  now?: Date;
}

/** Whether an action is a signature by a person: a single petition with an email. */
export const isPersonalSignature = (entry: LedgerEntry, email: string | undefined): email is string =>
  entry.type === "petition" && entry.quantity === 1 && email !== undefined && email !== "";

async function withdrawToken(runtime: Runtime, signatureId: string, wanted: boolean | undefined) {
  if (!wanted) return undefined;
  const link = newLink("withdraw");
  await storeLinks(runtime.db.pool, signatureId, [link]);
  return link.token;
}

export async function sign(
  runtime: Runtime,
  campaign: CampaignInfo,
  entry: LedgerEntry,
  signer: Signer,
  options: SignOptions = {},
): Promise<SignResult> {
  const key = personKey(runtime.db.privacy, signer.email);
  if (campaign.confirmSignatures) return signPending(runtime, campaign, entry, signer, key, options);
  const id = randomUUID();
  const email = normalizeEmail(signer.email);
  const outcome = await runtime.batcher.submit(
    entry,
    { email, name: signer.name },
    { op: "sign", id, personKey: key, language: signer.language },
  );
  if (outcome.created) {
    const token = await withdrawToken(runtime, id, options.withdrawLink);
    return { status: "counted", signatureId: id, action: outcome.action, withdrawToken: token };
  }
  if (outcome.action) {
    const previous = await signatureOfAction(runtime.db.pool, outcome.action.id);
    const token = previous ? await withdrawToken(runtime, previous.id, options.withdrawLink) : undefined;
    return { status: "replayed", action: outcome.action, pending: false, withdrawToken: token };
  }
  return answerExisting(runtime, campaign, entry, signer, key, options);
}

async function signPending(
  runtime: Runtime,
  campaign: CampaignInfo,
  entry: LedgerEntry,
  signer: Signer,
  key: string,
  options: SignOptions,
): Promise<SignResult> {
  const id = randomUUID();
  const now = options.now ?? new Date();
  const [confirm, withdraw] = [newLink("confirm", now), newLink("withdraw", now)];
  const email = normalizeEmail(signer.email);
  const stored = await insertPending(runtime.db.pool, runtime.db.privacy, {
    id,
    entry,
    personKey: key,
    language: signer.language,
    supporter: { id: randomUUID(), email, name: signer.name ?? null },
    links: [confirm, withdraw],
  });
  if (!stored) return answerExisting(runtime, campaign, entry, signer, key, options);
  const caseName = await caseTitle(runtime.db.pool, entry.caseId, signer.language, campaign);
  await runtime.mailer.send(
    confirmationMail({
      to: email,
      name: signer.name ?? null,
      language: signer.language,
      caseName,
      publicUrl: runtime.config.publicUrl,
      confirm,
      withdraw,
      reminder: false,
    }),
  );
  return {
    status: "pending",
    signatureId: id,
    withdrawToken: options.withdrawLink ? withdraw.token : undefined,
  };
}

/**
 * The person's signature was there already. The same post again is answered as the first was;
 * another post is "you had already signed". A pending one whose link has expired gets a new
 * link: the person may have lost the first email.
 */
async function answerExisting(
  runtime: Runtime,
  campaign: CampaignInfo,
  entry: LedgerEntry,
  signer: Signer,
  key: string,
  options: SignOptions,
): Promise<SignResult> {
  const existing = await signatureOfPerson(runtime.db.pool, entry.campaignId, entry.caseId, key);
  // Withdrawn (or dropped) between the two statements: the person may sign again, by retrying.
  if (!existing || existing.status === "withdrawn")
    throw new LedgerUnavailableError("The signature changed while it was being stored");
  if (existing.idempotencyKey !== null && existing.idempotencyKey === entry.idempotencyKey) {
    const token = await withdrawToken(runtime, existing.id, options.withdrawLink);
    return { status: "replayed", pending: existing.status === "pending", withdrawToken: token };
  }
  const resent =
    existing.status === "pending" && (await resend(runtime, campaign, existing, signer, options));
  return { status: "already", existing: existing.status === "pending" ? "pending" : "counted", resent };
}

async function resend(
  runtime: Runtime,
  campaign: CampaignInfo,
  existing: Signature,
  signer: Signer,
  options: SignOptions,
): Promise<boolean> {
  const now = options.now ?? new Date();
  if (await hasLiveConfirmLink(runtime.db.pool, existing.id, now)) return false;
  const [confirm, withdraw] = [newLink("confirm", now), newLink("withdraw", now)];
  await storeLinks(runtime.db.pool, existing.id, [confirm, withdraw]);
  const caseName = await caseTitle(runtime.db.pool, existing.caseId, existing.language, campaign);
  await runtime.mailer.send(
    confirmationMail({
      to: normalizeEmail(signer.email),
      name: signer.name ?? null,
      language: existing.language,
      caseName,
      publicUrl: runtime.config.publicUrl,
      confirm,
      withdraw,
      reminder: false,
    }),
  );
  return true;
}
