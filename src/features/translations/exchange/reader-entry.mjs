// The entry of the thread that reads a large exchange file. The app runs its TypeScript through
// tsx (bin/inkwell.js), whose loader a worker thread does not inherit: it registers it here.
import { register } from "tsx/esm/api";

register();
await import("./reader-worker.ts");
