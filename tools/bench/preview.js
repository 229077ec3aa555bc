// What `pulumi preview` costs before its last registration: Pulumi's Node.js language host
// (@pulumi/pulumi v3.248.0 cmd/run/run.js, `run`) with the engine replaced by the bench's replaying
// mocks. The TypeScript set-up below does what `run` does (Pulumi.yaml's runtime options, the
// tsconfig, ts-node's type check or not, the entry point); docs/design/bench.md says where each
// step comes from upstream.
"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
const { startReplay } = require("./replay");

const projectDir = process.cwd();
// Pulumi.yaml, as the bench parsed it (the CLI reads it in Go, at no cost to this process).
const { project } = startReplay(pulumi);
const options = (typeof project.runtime === "object" && project.runtime.options) || {};

if (options.typescript !== false) {
    const tsConfigPath = options.tsconfig ?? "tsconfig.json";
    const skipProject = !fs.existsSync(tsConfigPath);
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
    const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    require(tsnodeRequire).register({
        compiler: typescriptRequire,
        transpileOnly,
        project: tsConfigPath,
        skipProject,
        compilerOptions: {
            target: "ES2020",
            module: "nodenext",
            moduleResolution: "nodenext",
            sourceMap: "true",
            ...compilerOptions,
        },
    });
}

const packageJson = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8"));
const main = path.join(projectDir, project.main ?? packageJson.main ?? ".");
const programExport = require(main);
// `transforms` are engine callbacks, which mocks cannot serve (@pulumi/pulumi v3.248.0
// `registerResource` refuses them without the engine's support): left out through the root
// component's options, as the mock engine leaves them out (tools/mock-engine.ts `declarations`).
const withoutTransforms = (args) =>
    args.opts.transforms?.length ? { props: args.props, opts: { ...args.opts, transforms: undefined } } : undefined;
Promise.resolve(
    programExport instanceof Function ? programExport({ transformations: [withoutTransforms] }) : programExport,
)
    .then(() => pulumi.runtime.disconnect())
    .catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
