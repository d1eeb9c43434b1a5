// What other features may use of map; everything else in this folder is its own.
export { landImagePath, worldImagePath } from "./images.js";
export { renderWorldMap } from "./render.js";
export { mapImageRoutes } from "./routes.js";
export { renderCountryTable } from "./table.js";
export { getWorld } from "./world.js";
export { prepareWorld } from "./world-thread.js";
