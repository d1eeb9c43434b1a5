import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { CounterView } from "../../core/counter/presenter.js";
import type { Messages } from "../../platform/i18n/messages.js";

// The big live counter. Numbers carry data-live names and labels carry their plural forms, so
// the enhancement script can update both from the stream without the catalogs; without
// scripts the page refreshes itself.

function Count(props: { name: string; value: number; m: Messages; labelKey: string }) {
  const { m } = props;
  return (
    <>
      <span class="number" data-live={props.name}>
        {m.number(props.value)}
      </span>{" "}
      <span data-live-label={props.name} data-plural={JSON.stringify(m.pluralForms(props.labelKey))}>
        {m.t(props.labelKey, { count: props.value })}
      </span>
    </>
  );
}

/** Said while the node is cut off from the ledger: the numbers are from a moment, not live. */
export function StaleNotice(props: { m: Messages; since: Date }) {
  return (
    <p class="stale" role="status" data-live-stale="">
      {props.m.t("counter.stale", { time: props.m.moment(props.since) })}
    </p>
  );
}

export function CounterPanel(props: {
  m: Messages;
  campaign: CampaignInfo;
  view: CounterView;
  status: string;
  staleSince?: Date | undefined;
}) {
  const { m, campaign, view } = props;
  const ofPrevious = view.previousTotal ? view.total / view.previousTotal : null;
  const ofGoal = view.goal > 0 ? view.total / view.goal : null;
  return (
    <section
      class="counter"
      aria-labelledby="counter-total"
      data-stream={`/api/v1/campaigns/${campaign.slug}/counter/stream`}
      data-locale={m.locale}
    >
      <p class="total" id="counter-total">
        <Count name="total" value={view.total} m={m} labelKey="counter.actionsLabel" />
      </p>
      {view.previousTotal !== null && ofPrevious !== null ? (
        <p class="compare">
          <strong data-live="ofPrevious" data-of={view.previousTotal}>
            {m.percent(ofPrevious)}
          </strong>{" "}
          {m.t("counter.ofLastYear")}{" "}
          <span class="muted">({m.t("counter.lastYear", { previous: m.number(view.previousTotal) })})</span>
        </p>
      ) : null}
      {ofGoal !== null ? (
        <div class="goal">
          <progress
            max={view.goal}
            value={Math.min(view.total, view.goal)}
            aria-label={m.t("counter.progress")}
            data-live="progress"
          />
          <p>
            <strong data-live="ofGoal" data-of={view.goal}>
              {m.percent(ofGoal)}
            </strong>{" "}
            {m.t("counter.ofGoal", { goal: m.number(view.goal) })}
          </p>
        </div>
      ) : null}
      {props.status === "open" ? (
        <p class="rate">
          <Count name="perMinute" value={view.perMinute} m={m} labelKey="counter.perMinuteLabel" />
        </p>
      ) : (
        <p class="status">
          {props.status === "closed"
            ? m.t("counter.closed")
            : m.t("counter.upcoming", { start: m.date(campaign.startsAt) })}
        </p>
      )}
      {props.staleSince ? <StaleNotice m={m} since={props.staleSince} /> : null}
      {/* Read out at most once a minute by the script, not on every change. */}
      <p class="visually-hidden" aria-live="polite" data-live-announce="" />
    </section>
  );
}
