import { initAll } from "../../vendor/govuk/govuk-frontend.min.js";

initAll();

// htmx swaps content in: initialise GOV.UK components inside what arrived.
document.body.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.target });
});
