// A form sent over its address's budgets comes back with a proof-of-work challenge
// (src/features/abuse). This solves it in ALTCHA's own worker (a dedicated worker from this
// origin, so the page's CSP allows it, and the page stays responsive), puts the solution in the
// form's `altcha` field and sends the form again. Without scripts, or where the worker cannot
// run (crypto.subtle needs https or localhost), the page says how long to wait instead.
(() => {
  const field = document.querySelector("input[data-challenge]");
  if (!field?.form || typeof Worker === "undefined") return;
  const form = field.form;
  const show = (selector, visible) => {
    const element = form.querySelector(selector);
    if (element) element.hidden = !visible;
  };
  let challenge;
  let worker;
  try {
    challenge = JSON.parse(field.dataset.challenge);
    worker = new Worker(field.dataset.worker);
  } catch {
    return;
  }
  const fail = () => {
    worker.terminate();
    show("[data-limit-solving]", false);
    show("[data-limit-wait]", true);
  };
  show("[data-limit-wait]", false);
  show("[data-limit-solving]", true);
  worker.addEventListener("error", fail);
  worker.addEventListener("message", (event) => {
    const solution = event.data;
    worker.terminate();
    if (!solution || solution.error || typeof solution.counter !== "number") return fail();
    field.value = btoa(
      JSON.stringify({ challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } }),
    );
    show("[data-limit-solving]", false);
    if (field.dataset.auto === "yes") {
      // requestSubmit runs the submit listeners (forms.js keeps the post's key).
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    } else {
      show("[data-limit-ready]", true);
    }
  });
  worker.postMessage({ type: "work", challenge, counterStart: 0, counterStep: 1, timeout: 90000 });
})();
