// The case page's forms with scripts on. The page is the same for every visitor (caches share
// it), so it holds no idempotency key: this script mints one when a form is sent, and keeps it
// while the same form is sent again unchanged (a double click, the back button), so the action
// counts once; a form sent with other values is another action and gets another key. Without
// this script the server recognises a form sent twice (src/features/acting/resubmission.ts).
// It also picks the reader's country from the browser's languages, as long as none is chosen.
(() => {
  const forms = document.querySelectorAll("form[data-once]");
  if (forms.length === 0) return;

  // getRandomValues, not randomUUID: that one exists only on https and localhost.
  const newKey = () => {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  // What the form sends, but for its key and a solved challenge (challenge.js): sent again with
  // one, the post is still the same action.
  const filled = (form) => {
    const fields = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "key" && name !== "altcha" && typeof value === "string") fields.append(name, value);
    }
    return fields.toString();
  };

  const region = (() => {
    for (const tag of navigator.languages ?? [navigator.language]) {
      try {
        const { region } = new Intl.Locale(tag);
        if (region) return region;
      } catch {
        // Not a language tag: try the next one.
      }
    }
    return undefined;
  })();

  for (const form of forms) {
    const country = form.querySelector('select[name="country"]');
    if (country && country.value === "" && region && country.querySelector(`option[value="${region}"]`)) {
      country.value = region;
    }
    let key = form.querySelector('input[name="key"]');
    // A page answering a post that could not be stored holds that post's key: sent again
    // unchanged, it is the same action.
    if (key && key.value !== "") form.dataset.filled = filled(form);
    form.addEventListener("submit", () => {
      if (!key) {
        key = document.createElement("input");
        key.type = "hidden";
        key.name = "key";
        form.append(key);
      }
      const now = filled(form);
      if (key.value === "" || form.dataset.filled !== now) {
        key.value = newKey();
        form.dataset.filled = now;
      }
    });
  }
})();
