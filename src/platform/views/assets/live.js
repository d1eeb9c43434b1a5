// Live numbers for pages rendered on the server: subscribes to the counter stream and updates
// every element marked data-live…; without this script the page refreshes itself.
(() => {
  const root = document.querySelector("[data-stream]");
  if (!root || !("EventSource" in window)) return;
  const locale = root.dataset.locale;
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const plural = new Intl.PluralRules(locale);
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const ANNOUNCE_EVERY_MS = 60000;
  let announcedAt = Date.now();

  const countUp = (el, to, format) => {
    const from = Number(el.dataset.value ?? to);
    el.dataset.value = String(to);
    if (still || from === to || document.hidden) {
      el.textContent = format(to);
      return;
    }
    const start = performance.now();
    const step = (t) => {
      const k = Math.min(1, (t - start) / 700);
      el.textContent = format(Math.round(from + (to - from) * (1 - (1 - k) ** 3)));
      if (k < 1) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  };
  const formatNumber = (n) => numbers.format(n);
  const formatPercent = (n) => percents.format(n / 1000);
  const shares = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const formatShare = (n) => shares.format(n / 1000);

  // One element, one value: a plural label, a bar, a share of a fixed number (data-of) or of
  // the live total (data-of="total", one decimal: small countries are a fraction of a percent).
  const show = (el, value, total) => {
    if (el.dataset.plural) {
      const forms = JSON.parse(el.dataset.plural);
      el.textContent = forms[plural.select(value)] ?? forms.other;
    } else if (el.tagName === "PROGRESS") el.value = Math.min(value, Number(el.max));
    else if (el.dataset.of === "total")
      countUp(el, total ? Math.round((value / total) * 1000) : 0, formatShare);
    else if (el.dataset.of) countUp(el, Math.round((value / Number(el.dataset.of)) * 1000), formatPercent);
    else countUp(el, value, formatNumber);
  };
  const set = (name, value) => {
    for (const el of document.querySelectorAll(`[data-live="${name}"], [data-live-label="${name}"]`)) {
      show(el, value);
    }
  };

  // The browser reconnects by itself after a dropped connection, but not after an HTTP error:
  // a node that is full answers 503 (its proxy should have sent the viewer elsewhere) and the
  // stream stays closed. Then the page tries again later, at a random moment in a window that
  // doubles up to two minutes, so a crowd refused together does not come back together.
  let retryWindowMs = 4000;
  const connect = () => {
    const stream = new EventSource(root.dataset.stream);
    // Marks the page as live (styles and tests can tell); cleared while the stream reconnects.
    stream.addEventListener("open", () => {
      root.dataset.connected = "true";
      retryWindowMs = 4000;
    });
    stream.addEventListener("error", () => {
      delete root.dataset.connected;
      if (stream.readyState !== EventSource.CLOSED) return;
      setTimeout(connect, retryWindowMs / 2 + Math.random() * (retryWindowMs / 2));
      retryWindowMs = Math.min(retryWindowMs * 2, 120000);
    });
    stream.addEventListener("counter", onCounter);
  };

  function onCounter(event) {
    const counter = JSON.parse(event.data);
    set("total", counter.total);
    for (const name of ["ofPrevious", "ofGoal", "progress"]) set(name, counter.total);
    set("perMinute", counter.perMinute);
    // The server's notice that the numbers are not live goes once they are again.
    if (counter.stale === false) for (const el of document.querySelectorAll("[data-live-stale]")) el.remove();
    for (const el of document.querySelectorAll("[data-live-case]")) {
      countUp(el, counter.byCase[el.dataset.liveCase] ?? 0, formatNumber);
    }
    for (const el of document.querySelectorAll("[data-live-country]")) {
      show(el, counter.byCountry[el.dataset.liveCountry] ?? 0, counter.total);
    }
    // Screen readers hear the total now and then, not on every change.
    const announcer = document.querySelector("[data-live-announce]");
    if (announcer && Date.now() - announcedAt >= ANNOUNCE_EVERY_MS) {
      announcedAt = Date.now();
      const label = document.querySelector('[data-live-label="total"]');
      announcer.textContent = `${formatNumber(counter.total)} ${label ? label.textContent : ""}`;
    }
  }
  connect();
})();
