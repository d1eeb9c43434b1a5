// Share links: a copy button for the link to share, and the share link's ?source carried into
// the page's forms, so the action records which link brought it. Without script the link stands
// in a read-only field, and the server reads the source from the Referer instead.
(() => {
  const source = new URLSearchParams(location.search).get("source");
  if (source) {
    for (const form of document.querySelectorAll('form[method="post"]')) {
      if (form.querySelector('input[name="source"]')) continue;
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "source";
      input.value = source.slice(0, 32);
      form.append(input);
    }
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copied]");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      const done = () => {
        if (status) status.textContent = status.dataset.copied;
      };
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, () => {});
      else if (document.execCommand("copy")) done();
    });
  }
})();
