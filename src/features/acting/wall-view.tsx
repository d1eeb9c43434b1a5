import type { Messages } from "../../platform/i18n/messages.js";
import type { WallMessage } from "./wall.js";

/** Approved messages of solidarity, each in its own language and direction. */
export function SolidarityWall(props: { m: Messages; messages: WallMessage[] }) {
  const { m, messages } = props;
  if (messages.length === 0) return null;
  return (
    <section aria-labelledby="wall-title" class="wall">
      <h2 id="wall-title">{m.t("act.wall.title")}</h2>
      <ul>
        {messages.map((message) => (
          <li>
            <blockquote lang={message.language} dir="auto">
              {message.body}
            </blockquote>
            <p class="muted">
              {message.author ?? m.t("act.wall.anonymous")}, {m.country(message.country)}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
