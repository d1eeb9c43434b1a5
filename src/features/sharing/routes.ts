import { readFileSync } from "node:fs";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import sharp from "sharp";
import { Type } from "typebox";
import type { CaseDetail } from "../../core/catalog/case-details.js";
import { currentCampaign } from "../../core/catalog/current.js";
import { pickText } from "../../core/catalog/texts.js";
import { counterView } from "../../core/counter/presenter.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { direction, isUiLocale, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { localHref, THEME_COLOR } from "../../platform/views/layout.js";
import { ShareImageCache } from "./cache.js";
import { renderShareImage, SHARE_HEIGHT, SHARE_WIDTH } from "./image.js";

// GET /:lang/cases/:slug/share.png and /:lang/share.png (the campaign's), the web manifest and
// the PNG icons. Everything here is the same for every visitor: public and cacheable.

const ICON_SVG = readFileSync(new URL("../../platform/views/assets/icon.svg", import.meta.url));
/** The favicon's fallback, Apple's touch icon, the manifest's two. */
const ICON_SIZES = [32, 180, 192, 512] as const;

const Binary = (type: string) => ({
  content: { [type]: { schema: Type.Unsafe<Buffer>({ type: "string", format: "binary" }) } },
});
const ImageParams = Type.Object({ lang: Type.String(), slug: Type.Optional(Type.String()) });
const IconParams = Type.Object({ file: Type.String({ description: "32.png, 180.png, 192.png or 512.png" }) });

export interface SharingDeps {
  casesOf(campaignId: number): Promise<CaseDetail[]>;
}

/** The share image's address for a page (a case's or, without a slug, the campaign's). */
export const shareImagePath = (locale: UiLocale, slug?: string) =>
  slug ? `/${locale}/cases/${slug}/share.png` : `/${locale}/share.png`;

export const SHARE_IMAGE_SIZE = { width: SHARE_WIDTH, height: SHARE_HEIGHT } as const;

function sendImage(request: FastifyRequest, reply: FastifyReply, png: Buffer, etag: string, maxAge: number) {
  reply
    .header("etag", etag)
    .header("cache-control", `public, max-age=${maxAge}`)
    .header("cross-origin-resource-policy", "cross-origin");
  if (request.headers["if-none-match"] === etag) return reply.code(304).send();
  return reply.type("image/png").send(png);
}

export function sharingRoutes(parent: FastifyInstance, runtime: Runtime, deps: SharingDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const images = new ShareImageCache();

  const photoOf = async (detail: CaseDetail): Promise<Buffer | undefined> => {
    const largest = detail.photo?.variants[detail.photo.variants.length - 1];
    if (!detail.photo || !largest) return undefined;
    const found = await runtime.db.pool.query<{ bytes: Buffer }>(
      "SELECT bytes FROM case_photos WHERE set_id = $1 AND width = $2",
      [detail.photo.id, largest.width],
    );
    return found.rows[0]?.bytes;
  };

  app.get(
    "/:lang/share.png",
    { compress: false, schema: { params: ImageParams, response: { 200: Binary("image/png") } } },
    (request, reply) => shareImage(request, reply),
  );
  app.get(
    "/:lang/cases/:slug/share.png",
    { compress: false, schema: { params: ImageParams, response: { 200: Binary("image/png") } } },
    (request, reply) => shareImage(request, reply),
  );

  async function shareImage(
    request: FastifyRequest<{ Params: { lang: string; slug?: string } }>,
    reply: FastifyReply,
  ) {
    const { lang, slug } = request.params;
    const catalog = runtime.catalog();
    const campaign = currentCampaign(catalog);
    if (!isUiLocale(lang) || !campaign) throw new Problem(404, "not_found", "There is no such image.");
    const m = messagesFor(lang);
    const view = counterView(runtime.counters, campaign);
    let card: { title: string; line: string; count: number; photo?: () => Promise<Buffer | undefined> };
    if (slug === undefined) {
      card = { title: campaign.title, line: m.t("meta.description"), count: view.total };
    } else {
      const detail = (await deps.casesOf(campaign.id)).find((c) => c.slug === slug);
      const picked = detail && pickText(detail.texts, lang, campaign.defaultLanguage);
      if (!detail || !picked) throw new Problem(404, "not_found", "There is no such image.");
      card = {
        title: picked.text.title,
        line: picked.text.ask,
        count: view.byCase[slug] ?? 0,
        photo: () => photoOf(detail),
      };
    }
    const key = `${campaign.id}|${slug ?? ""}|${lang}`;
    const image = await images.get(key, `${catalog.version}`, card.count, async () =>
      renderShareImage({
        language: lang,
        site: campaign.title,
        title: card.title,
        line: card.line,
        count: m.number(card.count),
        countLabel: m.t("share.count", { count: card.count }),
        photo: await card.photo?.(),
      }),
    );
    return sendImage(request, reply, image.png, image.etag, 600);
  }

  // Icons: drawn from the one SVG when first asked for, then kept (they change with a release).
  const icons = new Map<string, Promise<{ png: Buffer; etag: string }>>();
  app.get(
    "/icons/:file",
    { compress: false, schema: { params: IconParams, response: { 200: Binary("image/png") } } },
    async (request, reply) => {
      const size = ICON_SIZES.find((s) => request.params.file === `${s}.png`);
      if (!size) throw new Problem(404, "not_found", "There is no such icon.");
      let icon = icons.get(request.params.file);
      if (!icon) {
        icon = sharp(ICON_SVG, { density: (72 * size) / 64 })
          .resize(size, size)
          .png()
          .toBuffer()
          .then((png) => ({ png, etag: `"icon-${size}-${png.length}"` }));
        icons.set(request.params.file, icon);
      }
      const { png, etag } = await icon;
      return sendImage(request, reply, png, etag, 86_400);
    },
  );
  // Browsers that find no icon link ask for this one.
  const moved = Type.Null({ description: "Moved Permanently: the Location header says where" });
  app.get("/favicon.ico", { schema: { hide: true, response: { 301: moved } } }, async (_request, reply) =>
    reply.code(301).header("location", "/icons/32.png").send(null),
  );

  const manifest = (request: FastifyRequest<{ Params: { lang?: string } }>, reply: FastifyReply) => {
    const lang = request.params.lang;
    if (lang !== undefined && !isUiLocale(lang)) return reply.callNotFound();
    const locale = lang ?? negotiateLocale(request.headers["accept-language"]);
    const m = messagesFor(locale);
    const title = currentCampaign(runtime.catalog())?.title ?? "Inkwell";
    const body = {
      name: title,
      // Shown under a home-screen icon, where about 12 characters fit.
      short_name: title.length <= 12 ? title : "Inkwell",
      description: m.t("meta.description"),
      lang: locale,
      dir: direction(locale),
      start_url: localHref(locale, "/"),
      scope: "/",
      display: "standalone",
      background_color: "#ffffff",
      theme_color: THEME_COLOR,
      icons: [
        { src: "/assets/icon.svg", sizes: "any", type: "image/svg+xml" },
        { src: "/icons/192.png", sizes: "192x192", type: "image/png" },
        { src: "/icons/512.png", sizes: "512x512", type: "image/png" },
      ],
    };
    return reply
      .type("application/manifest+json; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .header("vary", "accept-language")
      .send(JSON.stringify(body));
  };
  const ManifestParams = Type.Object({ lang: Type.Optional(Type.String()) });
  const json = {
    200: { content: { "application/manifest+json": { schema: Type.Unsafe({ type: "object" }) } } },
  };
  app.get("/manifest.webmanifest", { schema: { params: ManifestParams, response: json } }, manifest);
  app.get("/:lang/manifest.webmanifest", { schema: { params: ManifestParams, response: json } }, manifest);
}
