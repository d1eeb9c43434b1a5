// What other features may use of home; everything else in this folder is its own.

export { Intro } from "./page.js";
export { caseCache } from "./routes.js";
export { TimelineChart } from "./timeline-chart.js";
