// The program is loaded without type-checking (Pulumi.yaml: tools/register-ts.js instead of
// ts-node), so `npm test` is where a type error must stop a change: these tests hold the chain
// `npm test` -> `typecheck` script -> tsc on tsconfig.json -> every program file, and run tsc as
// that script does to show that a type error fails it, also on a second, incremental run.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "../tools/stack-files";

const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
const scripts: Record<string, string> = packageJson.scripts;
const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));

/** Every TypeScript file of the repository but the consumer example (checked by its own tsconfig). */
function repositoryTypeScript(dir = PROJECT_DIR): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return ["node_modules", "out", "bin", "examples"].includes(entry.name) || entry.name.startsWith(".") ? [] : repositoryTypeScript(full);
        }
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

describe("type safety without a type-check at preview", function () {
    this.timeout(120_000);

    it("Pulumi loads the program through tools/register-ts.js, not ts-node (which would type-check every preview)", () => {
        const options = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).runtime.options;
        // pulumi/pulumi v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions: typescript
        // defaults to true; nodeargs are passed to node before the run script.
        assert.equal(options.typescript, false);
        assert.equal(options.nodeargs, "--require ./tools/register-ts.js");
        assert.equal(packageJson.main, "index.ts");
    });

    it("npm test runs the typecheck script: tsc --noEmit on tsconfig.json, which does not set noCheck", () => {
        assert.match(scripts.test, /(^| )typecheck( |$)/);
        assert.match(scripts.typecheck, /^tsc --noEmit( |$)/);
        assert.doesNotMatch(scripts.typecheck, / -p | --project | --noCheck/);
        assert.equal(tsconfig.compilerOptions.noCheck, undefined);
    });

    it("tsconfig.json covers every TypeScript file of the program, its tools and its tests", () => {
        const ts = require("typescript") as typeof import("typescript");
        const parsed = ts.parseJsonConfigFileContent(tsconfig, ts.sys, PROJECT_DIR);
        const covered = new Set(parsed.fileNames.map((file) => path.resolve(file)));
        const missing = repositoryTypeScript().filter((file) => !covered.has(file));
        assert.deepEqual(missing, []);
        assert.ok(covered.has(path.join(PROJECT_DIR, "index.ts")));
    });

    it("the typecheck script fails on a type error, on a fresh run and on an incremental one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-type-error-"));
        try {
            // The repository's compiler options, on one file with a type error.
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
                extends: path.join(PROJECT_DIR, "tsconfig.json"),
                compilerOptions: { types: [] },
                include: ["broken.ts"],
            }));
            fs.writeFileSync(path.join(dir, "broken.ts"), 'export const minReplicas: number = "3";\n');
            const command = scripts.typecheck.replace("node_modules/.cache/tsc/program.tsbuildinfo", path.join(dir, "build.tsbuildinfo"));
            const tsc = path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc");
            const args = [...command.split(" ").slice(1), "-p", path.join(dir, "tsconfig.json")];
            for (const run of ["fresh", "incremental"]) {
                const result = spawnSync(process.execPath, [tsc, ...args], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
                assert.notEqual(result.status, 0, `${run} run passed`);
                // tsconfig.json sets `pretty`: colours and `file:line:column - error`.
                const output = result.stdout.replace(/\u001b\[[0-9;]*m/g, "");
                assert.match(output, /broken\.ts:1:14 - error TS2322: Type 'string' is not assignable to type 'number'/, `${run} run:\n${output}`);
            }
            assert.ok(fs.existsSync(path.join(dir, "build.tsbuildinfo")), "the first run left no build info: the second was not incremental");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
