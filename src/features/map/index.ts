// What other features may use of map; everything else in this folder is its own.
export { renderWorldMap } from "./render.js";
export { renderCountryTable } from "./table.js";
export { getWorld } from "./world.js";
