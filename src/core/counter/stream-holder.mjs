// A stream process (stream-process.ts). It is a child process of its own, which does not share
// the node's TypeScript loader, so it registers one.
import { register } from "tsx/esm/api";

register();
const { serveStreams } = await import("./stream-process.ts");
serveStreams(process.argv.slice(2));
