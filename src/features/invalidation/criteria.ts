import ipaddr from "ipaddr.js";
import { ACTION_TYPES, type ActionType } from "../../core/ledger/types.js";
import { isSlug } from "../../platform/rules.js";

// What an invalidation takes out, and the one SQL builder that turns it into a selection of
// ledger rows. The office's preview, the CLI's preview and the job's fixed selection all read
// `selection()`, so what the preview counts is what the job takes.

/** The criteria as stated (office form, CLI flags), each optional; at least one is needed. */
export interface CriteriaInput {
  case?: string;
  type?: string;
  from?: string;
  to?: string;
  network?: string;
  domain?: string;
  country?: string;
}

/** Validated criteria, as stored in invalidation_jobs.criteria. */
export interface Criteria {
  case?: string;
  type?: ActionType;
  /** ISO instants: occurred_at >= from and < to. */
  from?: string;
  to?: string;
  /** A CIDR range in its canonical form ("203.0.113.0/24"); a single address is /32 or /128. */
  network?: string;
  domain?: string;
  country?: string;
}

export const CRITERIA_FIELDS = ["case", "type", "from", "to", "network", "domain", "country"] as const;
export type CriteriaField = (typeof CRITERIA_FIELDS)[number];

/** Field → message key (office.invalidation.error.…) of what is wrong with it. */
export type CriteriaErrors = Partial<Record<CriteriaField | "criteria", string>>;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function instant(value: string): string | undefined {
  // A day alone means its start, in UTC.
  let text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  // Without a zone it is UTC, as the form says (JavaScript would read the server's local time).
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text}Z`;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function network(value: string): string | undefined {
  try {
    const [address, bits] = value.includes("/")
      ? ipaddr.parseCIDR(value)
      : (() => {
          const parsed = ipaddr.parse(value);
          return [parsed, parsed.kind() === "ipv4" ? 32 : 128] as const;
        })();
    // An IPv4-mapped IPv6 range means the IPv4 one: the origins hold IPv4 as IPv4.
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
      return `${ipaddr.IPv4.networkAddressFromCIDR(`${(address as ipaddr.IPv6).toIPv4Address()}/${bits - 96}`)}/${bits - 96}`;
    const base =
      address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`);
    return `${base.toString()}/${bits}`;
  } catch {
    return undefined;
  }
}

/** Checks and normalises the criteria; errors name the field and the message key. */
export function parseCriteria(input: CriteriaInput): { criteria: Criteria; errors: CriteriaErrors } {
  const criteria: Criteria = {};
  const errors: CriteriaErrors = {};
  const text = (v: string | undefined) => (v ?? "").trim();
  const caseSlug = text(input.case).toLowerCase();
  if (caseSlug) {
    if (isSlug(caseSlug)) criteria.case = caseSlug;
    else errors.case = "office.invalidation.error.case";
  }
  const type = text(input.type);
  if (type) {
    const known = ACTION_TYPES.find((t) => t === type);
    if (known) criteria.type = known;
    else errors.type = "office.invalidation.error.type";
  }
  for (const field of ["from", "to"] as const) {
    const value = text(input[field]);
    if (!value) continue;
    const parsed = instant(value);
    if (parsed) criteria[field] = parsed;
    else errors[field] = "office.invalidation.error.time";
  }
  if (criteria.from && criteria.to && criteria.from >= criteria.to)
    errors.to = "office.invalidation.error.range";
  const net = text(input.network);
  if (net) {
    const parsed = network(net);
    if (parsed) criteria.network = parsed;
    else errors.network = "office.invalidation.error.network";
  }
  const domain = text(input.domain).toLowerCase().replace(/^@/, "");
  if (domain) {
    if (DOMAIN.test(domain)) criteria.domain = domain;
    else errors.domain = "office.invalidation.error.domain";
  }
  const country = text(input.country).toUpperCase();
  if (country) {
    if (/^[A-Z]{2}$/.test(country)) criteria.country = country;
    else errors.country = "office.invalidation.error.country";
  }
  if (Object.keys(criteria).length === 0 && Object.keys(errors).length === 0)
    errors.criteria = "office.invalidation.error.none";
  return { criteria, errors };
}

/**
 * The address and email-domain criteria, read from `action_origins` (one row per action: the
 * client address and the supporter's email domain). This is the one place that knows where an
 * action's origin is kept.
 */
export function originCondition(criteria: Criteria, values: unknown[]): string | null {
  const parts: string[] = [];
  if (criteria.network) {
    values.push(criteria.network);
    parts.push(`o.address <<= $${values.length}::inet`);
  }
  if (criteria.domain) {
    values.push(criteria.domain);
    parts.push(`o.email_domain = $${values.length}`);
  }
  if (parts.length === 0) return null;
  return `EXISTS (SELECT 1 FROM action_origins o WHERE o.action_id = a.id AND ${parts.join(" AND ")})`;
}

/**
 * `FROM actions a WHERE …`: the actions the criteria take out. Only positive actions that count
 * now: not a restoration (revert:, approve:), not held by a job, not withdrawn, not a
 * solidarity message that moderation took out. `until` bounds what was recorded (a job's
 * selection is what had arrived when it was created); `values` receives the parameters.
 */
export function selection(criteria: Criteria, values: unknown[], until?: Date): string {
  const where = [
    "a.quantity > 0",
    "(a.idempotency_key IS NULL OR a.idempotency_key !~ '^(revert|approve):')",
    `NOT EXISTS (SELECT 1 FROM invalidated_actions h
                  WHERE h.action_id = a.id AND h.state IN ('pending', 'out', 'handed'))`,
    `NOT EXISTS (SELECT 1 FROM actions w
                  WHERE w.campaign_id = a.campaign_id AND w.idempotency_key = 'withdraw:' || a.id::text)`,
    `(a.type <> 'solidarity' OR NOT EXISTS (
        SELECT 1 FROM solidarity_messages m
         WHERE m.campaign_id = a.campaign_id AND m.idempotency_key = a.idempotency_key
           AND m.rejections > m.restorations))`,
  ];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (until) where.push(`a.recorded_at <= ${param(until)}`);
  if (criteria.case) where.push(`a.case_id = (SELECT id FROM cases WHERE slug = ${param(criteria.case)})`);
  if (criteria.type) where.push(`a.type = ${param(criteria.type)}`);
  if (criteria.country) where.push(`a.country = ${param(criteria.country)}`);
  if (criteria.from) where.push(`a.occurred_at >= ${param(criteria.from)}::timestamptz`);
  if (criteria.to) where.push(`a.occurred_at < ${param(criteria.to)}::timestamptz`);
  const origin = originCondition(criteria, values);
  if (origin) where.push(origin);
  return `FROM actions a WHERE ${where.join("\n   AND ")}`;
}

/** One line per criterion, for the office, the CLI and the audit log. */
export function describeCriteria(criteria: Criteria): string {
  return CRITERIA_FIELDS.filter((f) => criteria[f] !== undefined)
    .map((f) => `${f}=${criteria[f]}`)
    .join(" ");
}
