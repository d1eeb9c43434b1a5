// The pack renderer's thread entry: plain JavaScript, so it starts the same way under
// `inkwell start` (which registers tsx itself), the tests and the benches.
import { register } from "tsx/esm/api";

register();
await import("./render-jobs.ts");
