// The program's layers, top to bottom, written down once (docs/development.md draws them). Imports
// run down only; `npm test` runs `npm run deps`, which fails on a cycle or an upward import.
// tests/ and examples/ stand outside the layers.
const LAYERS = [
    { name: "tools", path: "^tools/" }, // command-line entry points (render, simulate, bench, ...)
    { name: "entry", path: "^(index|preflight)\\.ts$" }, // the program, and the checks every entry point runs
    // Pulumi components | the scaling simulator: neither imports the other
    { name: "components", path: "^components/", sideways: "^simulator/" },
    { name: "simulator", path: "^simulator/", sideways: "^components/" },
    { name: "capacity", path: "^capacity/" }, // the capacity model and findings
    { name: "catalog", path: "^catalog/" }, // pure data tables (compatibility, charts, pods)
    { name: "config", path: "^config\\.ts$" }, // the one parser of the stack's config
    { name: "schema", path: "^schema/" }, // its zod schemas
    { name: "config-path", path: "^config-path\\.ts$" }, // a value at a config path; "did you mean" hints
    { name: "quantity", path: "^quantity\\.ts$" }, // Kubernetes quantities
];

const above = (index) => LAYERS.slice(0, index).map((layer) => layer.path);

module.exports = {
    forbidden: [
        {
            name: "no-circular",
            severity: "error",
            comment: "A cycle means no layer can be read without the others.",
            from: {},
            to: { circular: true },
        },
        ...LAYERS.slice(1).map((layer, offset) => ({
            name: `${layer.name}-imports-down-only`,
            severity: "error",
            comment: `${layer.name} may import only the layers below it`,
            from: { path: layer.path },
            to: {
                path: [
                    ...above(offset + 1).filter((path) => path !== layer.path),
                    ...(layer.sideways ? [layer.sideways] : []),
                ],
            },
        })),
        {
            name: "program-never-imports-outside-layers",
            severity: "error",
            comment: "The program and its tools never import tests or examples.",
            from: { pathNot: "^(tests|examples)/" },
            to: { path: "^(tests|examples)/" },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "^(node_modules|out|bin)/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
    },
};
