#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step to forget.
import { register } from "tsx/esm/api";

// Node 20 and older are end of life: say so once, then carry on.
const nodeMajor = Number(process.versions.node.split(".")[0]);
if (nodeMajor < 22) {
  console.error(
    `Warning: Node.js ${process.version} is end of life and not supported by Inkwell; use Node.js 22 or 24 (LTS). Continuing anyway.`,
  );
}

register();
const { main } = await import("../src/main.ts");
await main(process.argv);
