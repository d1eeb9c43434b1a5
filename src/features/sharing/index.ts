// What other features may use of sharing; everything else in this folder is its own.

export { ShareLinks, sharedUrl, shareTargets } from "./links.js";
export { SHARE_IMAGE_SIZE, shareImagePath, sharingRoutes } from "./routes.js";
export { SHARE_SOURCES, type ShareSource, shareSource, sourceOfPost } from "./sources.js";
