// The import rules of src/ (docs/ARCHITECTURE.md, "Import rules"). `npm run lint` runs them.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "A cycle makes two modules one; split what both need into a third.",
      from: {},
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "core-is-the-engine",
      severity: "error",
      comment: "src/core (catalog, ledger, counter) knows no feature, no UI and no composition.",
      from: { path: "^src/core/" },
      to: { path: "^src/(features|server|demo|main\\.ts)" },
    },
    {
      name: "platform-knows-no-product",
      severity: "error",
      comment: "src/platform (db, http, i18n, views, mail, jobs) serves everything and imports none of it.",
      from: { path: "^src/platform/" },
      to: { path: "^src/(core|features|server|demo|main\\.ts)" },
    },
    {
      name: "features-through-their-index",
      severity: "error",
      comment: "Another feature is used only through what its index.ts exports.",
      from: { path: "^src/features/([^/]+)/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^src/features/[^/]+/", pathNot: ["^src/features/$1/", "^src/features/[^/]+/index\\.ts$"] },
    },
    {
      name: "tests-through-their-index",
      severity: "error",
      comment:
        "A feature's tests may read its own internals; other features only through index.ts or fixtures.",
      from: { path: "^src/features/([^/]+)/.+\\.test\\.tsx?$" },
      to: {
        path: "^src/features/[^/]+/",
        pathNot: ["^src/features/$1/", "^src/features/[^/]+/(index|fixtures)\\.ts$"],
      },
    },
    {
      name: "features-are-not-composition",
      severity: "error",
      comment: "src/server, src/demo and main.ts assemble features; features never import them.",
      from: { path: "^src/(features|core|platform)/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^src/(server|demo|main\\.ts)" },
    },
    {
      name: "src-ships-without-tests",
      severity: "error",
      comment: "Running code never needs test support.",
      from: { path: "^src/", pathNot: "(\\.test\\.tsx?|fixtures\\.ts)$" },
      to: { path: "^test/" },
    },
    {
      name: "no-dev-dependencies-at-run-time",
      severity: "error",
      comment: "A package that only tests use is a devDependency; running code may not need it.",
      from: { path: "^src/", pathNot: "(\\.test\\.tsx?|fixtures\\.ts)$" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "resolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
