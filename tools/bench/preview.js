// What `pulumi preview` costs before its last registration: Pulumi's Node.js language host
// (@pulumi/pulumi cmd/run/run.js, run(), at the installed version) with the engine replaced by the
// bench's replaying mocks. The TypeScript set-up below follows run.js line by line:
// - Pulumi.yaml runtime.options.typescript (default true) makes the language host set
//   PULUMI_NODEJS_TYPESCRIPT, and runtime.options.tsconfig sets PULUMI_NODEJS_TSCONFIG_PATH
//   (pulumi/pulumi v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go, parseOptions and
//   lines 902-907);
// - the tsconfig path defaults to tsconfig.json; ts-node type-checks unless
//   PULUMI_NODEJS_TRANSPILE_ONLY is set, or else the `noCheck` compiler option of that file (read
//   with tsutils.loadTypeScriptCompilerOptions, which does not follow `extends`) is true
//   (run.js, the `transpileOnly` block after "tanspileOnly controls wether ts-node should do type
//   checking", sdk/nodejs/cmd/run/run.ts lines 321-332 at v3.248.0);
// - ts-node is registered with target ES2020, module/moduleResolution nodenext (TypeScript >= 4.7)
//   and sourceMap, overridden by that file's compilerOptions;
// - the entry point is Pulumi.yaml `main`, else package.json `main`, and a function export is called.
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
Promise.resolve(programExport instanceof Function ? programExport() : programExport)
    .then(() => pulumi.runtime.disconnect())
    .catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
