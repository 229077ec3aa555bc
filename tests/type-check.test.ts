// The program is loaded without type-checking (Pulumi.yaml: tools/register-ts.js instead of
// ts-node), so `npm test` is where a type error must stop a change: these tests hold the chain
// `npm test` -> `typecheck` script -> tsc on tsconfig.typecheck.json (tsconfig.json's program and
// options) -> every program file, and run the script to show that a type error fails it, also on a
// second run that finds build info, and that a change of the installed packages is checked again.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as TypeScript from "typescript";
import * as YAML from "yaml";
import { PROJECT_DIR } from "../tools/stack-files";
import { BUILD_BOOKKEEPING, LOCK_FILES, optionsWithout, parseTsconfig } from "./helpers/tsconfig";

const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
const scripts: Record<string, string> = packageJson.scripts;
const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
const ts = require("typescript") as typeof TypeScript;

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

/** Runs a package.json script's command as npm does (sh, local binaries on PATH) in `cwd`. */
function runScript(command: string, cwd: string) {
    const env = { ...process.env, NODE_OPTIONS: "", PATH: `${path.join(PROJECT_DIR, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` };
    const result = spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", env });
    // Colours when tsc sets `pretty` (a terminal), plain `file(line,column): error` otherwise.
    return { status: result.status, output: `${result.stdout}${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, "") };
}

describe("type safety without a type-check at preview", function () {
    this.timeout(120_000);
    const checkConfigFile = path.join(PROJECT_DIR, "tsconfig.typecheck.json");
    const program = parseTsconfig(path.join(PROJECT_DIR, "tsconfig.json"));
    const check = parseTsconfig(checkConfigFile);

    it("Pulumi loads the program through tools/register-ts.js, not ts-node (which would type-check every preview)", () => {
        const options = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).runtime.options;
        // pulumi/pulumi v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions: typescript
        // defaults to true; nodeargs are passed to node before the run script.
        assert.equal(options.typescript, false);
        assert.equal(options.nodeargs, "--require ./tools/register-ts.js");
        assert.equal(packageJson.main, "index.ts");
    });

    it("npm test runs the typecheck script: tsc -b on tsconfig.typecheck.json, which is tsconfig.json's program and options, without noCheck", () => {
        assert.match(scripts.test, /(^| )typecheck( |$)/);
        assert.equal(scripts.typecheck, "tsc -b tsconfig.typecheck.json");
        assert.equal(tsconfig.compilerOptions.noCheck, undefined);
        assert.equal(check.options.noCheck, undefined);
        assert.equal(check.options.noEmit, true);
        assert.deepEqual(optionsWithout(check.options, BUILD_BOOKKEEPING), optionsWithout(program.options, BUILD_BOOKKEEPING));
        // Its roots: tsconfig.json's, and the lock files as inputs of build mode's up-to-date check.
        assert.deepEqual(check.fileNames.map((file) => path.resolve(file)).sort(), [...program.fileNames.map((file) => path.resolve(file)), ...LOCK_FILES].sort());
    });

    it("tsconfig.json covers every TypeScript file of the program, its tools and its tests", () => {
        const covered = new Set(program.fileNames.map((file) => path.resolve(file)));
        const missing = repositoryTypeScript().filter((file) => !covered.has(file));
        assert.deepEqual(missing, []);
        assert.ok(covered.has(path.join(PROJECT_DIR, "index.ts")));
    });

    it("every file the program imports from outside node_modules is a root, so build mode's up-to-date check sees its changes", () => {
        // Build mode compares only the roots with the build info; the lock files stand for
        // node_modules. A bare specifier resolves into node_modules only without paths or baseUrl.
        assert.equal(program.options.paths, undefined);
        assert.equal(program.options.baseUrl, undefined);
        const roots = new Set(program.fileNames.map((file) => path.resolve(file)));
        const outside: string[] = [];
        for (const file of program.fileNames) {
            const { importedFiles, referencedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
            const specifiers = importedFiles.map((imported) => imported.fileName).filter((name) => name.startsWith("."));
            for (const specifier of specifiers) {
                const resolved = ts.resolveModuleName(specifier, file, program.options, ts.sys).resolvedModule;
                if (resolved === undefined || !roots.has(path.resolve(resolved.resolvedFileName))) {
                    outside.push(`${path.relative(PROJECT_DIR, file)}: ${specifier} -> ${resolved?.resolvedFileName ?? "(unresolved)"}`);
                }
            }
            outside.push(...referencedFiles.map((reference) => `${path.relative(PROJECT_DIR, file)}: /// <reference path="${reference.fileName}">`));
        }
        assert.deepEqual(outside, []);
    });

    it("the typecheck script fails on a type error, fresh and again with build info, and checks again after the installed packages change", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-type-error-"));
        try {
            // tsconfig.typecheck.json as it is, on a tsconfig.json with the repository's options and
            // one file. Without the standard library (a second of parsing per run, and this test
            // runs tsc six times): a stand-in declares the global types the checker requires.
            const write = (file: string, text: string) => {
                fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
                fs.writeFileSync(path.join(dir, file), text);
                // Build mode compares a root's text with the build info only when the root is newer
                // than the build info; written milliseconds after a run, it might not be: dated
                // ahead, every root is compared by its text. (Not the tsconfigs: a tsconfig newer
                // than the build info always means a new check.)
                if (!file.startsWith("tsconfig")) {
                    const ahead = Date.now() / 1000 + 60;
                    fs.utimesSync(path.join(dir, file), ahead, ahead);
                }
            };
            write("tsconfig.typecheck.json", fs.readFileSync(checkConfigFile, "utf8"));
            write("tsconfig.json", JSON.stringify({
                extends: path.join(PROJECT_DIR, "tsconfig.json"),
                compilerOptions: { types: [], noLib: true },
                include: ["*.ts"],
            }));
            write("globals.d.ts", ["Array<T>", "Boolean", "CallableFunction", "Function", "IArguments", "NewableFunction", "Number", "Object", "RegExp", "String"]
                .map((name) => `interface ${name} {}\n`).join(""));
            // An installed package, as npm records it in both lock files.
            const install = (version: string, type: string) => {
                write("node_modules/replicas/index.d.ts", `export declare const minReplicas: ${type};\n`);
                const lock = JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/replicas": { version } } });
                write("package-lock.json", lock);
                write("node_modules/.package-lock.json", lock);
            };
            const typecheck = (run: string, expected: "pass" | RegExp) => {
                const result = runScript(scripts.typecheck, dir);
                if (expected === "pass") {
                    assert.equal(result.status, 0, `${run}:\n${result.output}`);
                } else {
                    assert.notEqual(result.status, 0, `${run} passed`);
                    assert.match(result.output, expected, `${run}:\n${result.output}`);
                }
            };
            const typeError = (line: number, column: number, type: string) =>
                new RegExp(`broken\\.ts(:${line}:${column} - |\\(${line},${column}\\): )error TS2322: Type '${type}' is not assignable to type 'number'`);

            install("1.0.0", "number");
            write("broken.ts", 'export const minReplicas: number = "3";\n');
            typecheck("fresh run", typeError(1, 14, "string"));
            assert.ok(fs.existsSync(path.join(dir, "node_modules/.cache/tsc/typecheck.tsbuildinfo")), "the first run left no build info: the second is not a build-mode rerun");
            typecheck("second run, build info recording the error", typeError(1, 14, "string"));

            write("broken.ts", 'import * as installed from "replicas";\nexport const minReplicas: number = installed.minReplicas;\n');
            typecheck("run after the fix", "pass");
            // A package's declarations are not an input of the up-to-date check on their own: this
            // run is skipped (so the next one shows what the lock file adds)...
            write("node_modules/replicas/index.d.ts", "export declare const minReplicas: string;\n");
            typecheck("run after a change in node_modules alone", "pass");
            // ...and an install, which rewrites the lock files, makes the program be checked again.
            install("2.0.0", "string");
            typecheck("run after an install changed a package's types", typeError(2, 14, "string"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
