import type { Messages } from "../../platform/i18n/messages.js";
import type { ShareSource } from "./sources.js";

// Share links: plain links to each service's own share address, so no third-party script or
// request happens until the reader chooses one. Each shared address carries ?source=<service>,
// which the case page's forms record with the action (sources.ts). Copying the link needs
// script (assets/share.js); without it the address stands in a read-only field, ready to copy.

/** The shared address with its source. */
export function sharedUrl(url: string, source: ShareSource): string {
  const u = new URL(url);
  u.searchParams.set("source", source);
  return u.toString();
}

const enc = encodeURIComponent;

/** Each service's share address for a page and its text. */
export function shareTargets(url: string, text: string): { source: ShareSource; href: string }[] {
  const at = (source: ShareSource) => sharedUrl(url, source);
  return [
    { source: "email", href: `mailto:?subject=${enc(text)}&body=${enc(`${text}\n\n${at("email")}`)}` },
    { source: "whatsapp", href: `https://wa.me/?text=${enc(`${text} ${at("whatsapp")}`)}` },
    { source: "telegram", href: `https://t.me/share/url?url=${enc(at("telegram"))}&text=${enc(text)}` },
    { source: "x", href: `https://x.com/intent/post?text=${enc(text)}&url=${enc(at("x"))}` },
    { source: "facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${enc(at("facebook"))}` },
  ];
}

export function ShareLinks(props: {
  m: Messages;
  /** The page's absolute address, without a query. */
  url: string;
  text: string;
  /** Distinguishes two share blocks on one page (their fields' ids). */
  id: string;
  /**
   * After an action: thanks and the links, without the copy field — this block stands inside the
   * form just sent, where Enter in a text field would send it again.
   */
  thanks?: boolean;
}) {
  const { m, id } = props;
  return (
    <section class="share" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{m.t(props.thanks ? "share.thanks" : "share.title")}</h2>
      <ul class="share-links">
        {shareTargets(props.url, props.text).map((target) => (
          <li>
            <a
              href={target.href}
              data-source={target.source}
              {...(target.source === "email" ? {} : { target: "_blank", rel: "noopener noreferrer" })}
            >
              {m.t(`share.${target.source}`)}
            </a>
          </li>
        ))}
      </ul>
      {props.thanks ? null : (
        <p class="share-copy">
          <label for={`${id}-url`}>{m.t("share.link")}</label>{" "}
          <input id={`${id}-url`} type="url" readOnly value={sharedUrl(props.url, "link")} dir="ltr" />{" "}
          <button type="button" data-copy={`${id}-url`} hidden>
            {m.t("share.copy")}
          </button>{" "}
          <span role="status" data-copied={m.t("share.copied")} />
        </p>
      )}
    </section>
  );
}
