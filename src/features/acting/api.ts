import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type Static, Type } from "typebox";
import { type ReporterGate, verifiedReporter } from "../../core/ledger/auth.js";
import type { StoredRef } from "../../core/ledger/batcher.js";
import { buildEntry, sameAction } from "../../core/ledger/intake.js";
import { ACTION_TYPES, type ActionType, type LedgerEntry } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import { clientAddress } from "../../platform/http/client.js";
import { Problem, sendProblem } from "../../platform/http/problems.js";
import { problemResponses } from "../../platform/http/schemas.js";
import { negotiateLocale } from "../../platform/i18n/locales.js";
import { Email, normalizeEmail } from "../../platform/rules.js";
import { emailDomain } from "../abuse/index.js";
import { isPersonalSignature, sign } from "../signatures/index.js";

export const ActionBody = Type.Object(
  {
    campaign: Type.String({ minLength: 1, maxLength: 64 }),
    case: Type.String({ minLength: 1, maxLength: 64 }),
    // A plain enum (not a union of literals) gives one clear validation error listing the values.
    type: Type.Unsafe<ActionType>(Type.String({ enum: [...ACTION_TYPES] })),
    country: Type.String({ pattern: "^[A-Za-z]{2}$" }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    occurredAt: Type.Optional(Type.String({ format: "date-time", maxLength: 40 })),
    channel: Type.Optional(Type.String({ pattern: "^[a-z0-9][a-z0-9_-]{0,31}$" })),
    supporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          email: Type.Optional(Email()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const ActionHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: "^[\\x21-\\x7E]+$",
      description: "makes retries safe: unique per campaign",
    }),
  ),
});

const StoredAction = Type.Object(
  {
    id: Type.String(),
    campaign: Type.String(),
    case: Type.String(),
    type: Type.String(),
    country: Type.String(),
    quantity: Type.Integer(),
    channel: Type.String(),
    occurredAt: Type.String({ format: "date-time" }),
    recordedAt: Type.String({ format: "date-time" }),
  },
  { title: "StoredAction" },
);

const SIGNATURE_CODES = ["already_signed", "confirmation_sent"] as const;
const SignatureAnswer = Type.Object(
  {
    code: Type.Unsafe<(typeof SIGNATURE_CODES)[number]>(
      Type.String({
        enum: [...SIGNATURE_CODES],
        description:
          "`confirmation_sent`: stored, counted once its signer follows the link emailed to them; " +
          "`already_signed`: this person (their email as one person) signed this case of this edition before — nothing was counted",
      }),
    ),
    message: Type.String(),
    campaign: Type.String(),
    case: Type.String(),
    signature: Type.Unsafe<"pending" | "counted">(
      Type.String({ enum: ["pending", "counted"], description: "Where that person's signature is" }),
    ),
  },
  { title: "SignatureAnswer" },
);

/** A small body is all an action needs; anything larger is refused before parsing. */
const BODY_LIMIT = 16 * 1024;

/**
 * `reporters` is the bearer-token check (reporterGate); it runs first on the route, before the
 * body is parsed. Every other action spends its address's budgets (features/abuse): over them,
 * 429 with Retry-After, and nothing is stored.
 */
export function actionRoutes(app: FastifyInstance, runtime: Runtime, reporters: ReporterGate): void {
  const gate = app.actionGate;
  if (!gate) throw new Error("The action routes need the app's actionGate");
  const present = (action: StoredRef, campaign: string, caseSlug: string): Static<typeof StoredAction> => ({
    id: action.id,
    campaign,
    case: caseSlug,
    type: action.type,
    country: action.country.trim(),
    quantity: action.quantity,
    channel: action.channel,
    occurredAt: action.occurredAt.toISOString(),
    recordedAt: action.recordedAt.toISOString(),
  });

  /** The action a repeated Idempotency-Key names, if it is the same action; else 422. */
  const replayed = (
    action: StoredRef,
    entry: LedgerEntry,
    campaign: string,
    fallbackCase: string,
    reply: FastifyReply,
  ) => {
    if (!sameAction(entry, action)) {
      throw new Problem(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different action.",
      );
    }
    reply.header("idempotent-replayed", "true");
    const caseSlug = runtime.catalog().caseSlugs.get(action.caseId) ?? fallbackCase;
    return reply.code(200).send(present(action, campaign, caseSlug));
  };

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    "/api/v1/actions",
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ["actions"],
        summary: "Record an action, or one reported batch",
        description:
          "JSON only. The answer comes only after the action is committed: a 201 or 200 is never " +
          "lost. A bearer reporter token allows `quantity > 1` and past dates within the campaign.\n\n" +
          "A petition of quantity 1 with `supporter.email` is a person's signature: one per person, " +
          "case and edition, the email read as one person (case and spaces; dots and +tags only " +
          "for providers that ignore them, e.g. gmail.com). A second one counts nothing and is " +
          "answered 200 `already_signed`. When the edition asks for confirmation, a signature is " +
          "answered 202 `confirmation_sent` and counts once its signer follows the emailed link " +
          "(the email is in the language Accept-Language names).",
        security: [{}, { reporterToken: [] }],
        body: ActionBody,
        headers: ActionHeaders,
        response: {
          200: Type.Union([StoredAction, SignatureAnswer], {
            description:
              "Replayed: the key was used before for the same action (a StoredAction); or `already_signed` (a SignatureAnswer)",
          }),
          201: { ...StoredAction, description: "Stored" },
          202: {
            ...SignatureAnswer,
            description: "`confirmation_sent`: a signature awaiting its confirmation",
          },
          ...problemResponses({
            400: "`malformed_json`, `empty_body`, `validation_failed`",
            401: "`invalid_token`, `invalid_authorization`",
            403: "`reporter_token_required`: quantity > 1 without a reporter token",
            409: "`campaign_not_open`, `campaign_not_started`",
            413: "`body_too_large`: over 16 KB",
            415: "`unsupported_media_type`: not application/json",
            422: "`unknown_campaign`, `unknown_case`, `unknown_country`, `occurred_at_out_of_range`, `idempotency_key_reused`",
            429:
              "`rate_limited`: this address used its budget of actions (per minute or hour, per case or in all; Retry-After says when it starts again); " +
              "`too_many_token_failures`: too many wrong bearer tokens from this address (Retry-After)",
            503: "`ledger_unavailable`: nothing was stored (Retry-After)",
          }),
        },
      },
      onRequest: reporters,
    },
    async (request, reply) => {
      const reporter = verifiedReporter(request);
      const catalog = runtime.catalog();
      const key = request.headers["idempotency-key"];
      const entry = buildEntry(request.body, catalog, reporter, key);
      const supporter = request.body.supporter;
      const email = supporter?.email === undefined ? undefined : normalizeEmail(supporter.email);
      const verdict = await gate.check(request, { caseId: entry.caseId, quantity: entry.quantity });
      if (!verdict.allowed) {
        return sendProblem(
          reply.header("retry-after", String(verdict.retryAfter)),
          new Problem(
            429,
            "rate_limited",
            `Too many actions from this address; try again in ${verdict.retryAfter} s.`,
            { retryAfter: verdict.retryAfter },
          ),
        );
      }
      entry.address = clientAddress(request);
      entry.emailDomain = emailDomain(email);
      // A LedgerUnavailableError is answered 503 ledger_unavailable with Retry-After by the
      // error handler, which also logs an outage once rather than once per action.
      const campaign = catalog.campaignsById.get(entry.campaignId);
      if (campaign && isPersonalSignature(entry, email)) {
        const language = negotiateLocale(request.headers["accept-language"]);
        const signed = await sign(runtime, campaign, entry, { email, name: supporter?.name, language });
        const answer = (code: (typeof SIGNATURE_CODES)[number], status: "pending" | "counted") => ({
          code,
          message:
            code === "already_signed"
              ? "This person had already signed this case: nothing was counted."
              : "Stored; it counts once its signer follows the link sent by email.",
          campaign: campaign.slug,
          case: request.body.case,
          signature: status,
        });
        if (signed.status === "already")
          return reply.code(200).send(answer("already_signed", signed.existing));
        if (signed.status === "pending") return reply.code(202).send(answer("confirmation_sent", "pending"));
        if (signed.status === "counted")
          return reply.code(201).send(present(signed.action, campaign.slug, request.body.case));
        reply.header("idempotent-replayed", "true");
        // Replayed, with no action under this key: a signature awaiting confirmation, or one
        // counted since by its confirmation's own entry.
        if (!signed.action)
          return signed.pending
            ? reply.code(202).send(answer("confirmation_sent", "pending"))
            : reply.code(200).send(answer("already_signed", "counted"));
        return replayed(signed.action, entry, request.body.campaign, request.body.case, reply);
      }
      const outcome = await runtime.batcher.submit(
        entry,
        supporter ? { name: supporter.name, email } : undefined,
      );
      if (!outcome.action) throw new Error("An action without a signature step was skipped");
      if (!outcome.created)
        return replayed(outcome.action, entry, request.body.campaign, request.body.case, reply);
      const caseSlug = catalog.caseSlugs.get(outcome.action.caseId) ?? request.body.case;
      return reply.code(201).send(present(outcome.action, request.body.campaign, caseSlug));
    },
  );
}
