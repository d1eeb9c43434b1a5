// What other parts may use of case packs; everything else in this folder is its own.
export { PackBuilder, packBuilderOf } from "./builder.js";
export { type Manifest, packChanges, planPack } from "./manifest.js";
export { packRoutes } from "./routes.js";
export { startPackBuilds } from "./start.js";
