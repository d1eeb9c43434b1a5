import { Field, formatTime, ot } from "../office/index.js";
import { SOURCE_KINDS, type Source, type SourceKind, TOP } from "./activity.js";

// /office/activity: one hour, per case, who acted most against their usual level.

export interface ActivityProps {
  campaigns: [string, string][];
  campaign: string;
  /** The hour shown (its start, UTC). */
  hour: Date;
  /** The hour field's value, YYYY-MM-DDTHH (UTC). */
  hourValue: string;
  previous: string;
  next: string | undefined;
  cases: { slug: string; sources: Source[] }[];
}

const KIND_KEYS: Record<SourceKind, string> = {
  address: "office.activity.addresses",
  network: "office.activity.networks",
  domain: "office.activity.domains",
};

function SourceTable(props: { slug: string; kind: SourceKind; sources: Source[] }) {
  const { kind, sources } = props;
  return (
    <table>
      <caption>{ot(KIND_KEYS[kind])}</caption>
      <thead>
        <tr>
          <th scope="col">{ot(`office.activity.${kind}`)}</th>
          <th scope="col" class="num">
            {ot("office.activity.actions")}
          </th>
          <th scope="col" class="num">
            {ot("office.activity.median")}
          </th>
          <th scope="col" class="num">
            {ot("office.activity.busiest")}
          </th>
          <th scope="col">{ot("office.activity.verdict")}</th>
        </tr>
      </thead>
      <tbody>
        {sources.map((s) => (
          <tr class={s.unusual ? "unusual" : undefined}>
            <td>
              <code>{s.key}</code>
            </td>
            <td class="num">{s.actions}</td>
            <td class="num">{s.median}</td>
            <td class="num">{s.busiest}</td>
            <td>
              {s.unusual ? <strong>{ot("office.activity.unusual")}</strong> : ot("office.activity.usual")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Activity(p: ActivityProps) {
  const query = (hour: string) => `/office/activity?campaign=${encodeURIComponent(p.campaign)}&hour=${hour}`;
  return (
    <>
      <p>{ot("office.activity.intro", { top: TOP })}</p>
      <form class="stack filters" method="get" action="/office/activity">
        <Field
          name="campaign"
          label={ot("office.activity.campaign")}
          value={p.campaign}
          options={p.campaigns}
        />
        <Field
          name="hour"
          label={ot("office.activity.hour")}
          value={p.hourValue}
          hint={ot("office.activity.hourHint")}
          attrs={{ pattern: "\\d{4}-\\d{2}-\\d{2}T\\d{2}" }}
        />
        <button type="submit">{ot("office.activity.show")}</button>
      </form>
      <h2>{ot("office.activity.from", { time: formatTime(p.hour) })}</h2>
      <p>
        <a href={query(p.previous)}>{ot("office.activity.previous")}</a>
        {p.next ? (
          <>
            {" · "}
            <a href={query(p.next)}>{ot("office.activity.next")}</a>
          </>
        ) : null}
      </p>
      {p.cases.length === 0 ? <p>{ot("office.activity.none")}</p> : null}
      {p.cases.map((c) => (
        <section aria-labelledby={`case-${c.slug}`}>
          <h3 id={`case-${c.slug}`}>{ot("office.activity.case", { slug: c.slug })}</h3>
          {SOURCE_KINDS.map((kind) => {
            const sources = c.sources.filter((s) => s.kind === kind);
            return sources.length > 0 ? <SourceTable slug={c.slug} kind={kind} sources={sources} /> : null;
          })}
        </section>
      ))}
    </>
  );
}
