// The program is loaded without type-checking (Pulumi.yaml: tools/register-ts.js instead of
// ts-node), so `npm test` is where a type error must stop a change: these tests hold the chain
// `npm test` -> `typecheck` script -> TypeScript 7 on tsconfig.typecheck.json (tsconfig.json's
// program and options) and the consumer's -> every file, and run the script to show that a type
// error fails it.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "../tools/stack-files";
import { NATIVE_TSC, nativeConfig, optionsWithout, runScript } from "./helpers/tsconfig";

const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
const scripts: Record<string, string> = packageJson.scripts;
const majorOf = (packageDir: string) =>
    Number(
        JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, packageDir, "package.json"), "utf8")).version.split(".")[0],
    );

/** Every TypeScript file of the repository but the consumer example (checked by its own tsconfig). */
function repositoryTypeScript(dir = PROJECT_DIR): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return ["node_modules", "out", "bin", "examples"].includes(entry.name) || entry.name.startsWith(".")
                ? []
                : repositoryTypeScript(full);
        }
        return entry.name.endsWith(".ts") ? [full] : [];
    });
}

describe("type safety without a type-check at preview", function () {
    this.timeout(120_000);
    const checkConfigFile = path.join(PROJECT_DIR, "tsconfig.typecheck.json");
    const check = nativeConfig(checkConfigFile);
    const program = nativeConfig(path.join(PROJECT_DIR, "tsconfig.json"));

    it("Pulumi loads the program through tools/register-ts.js, not ts-node (which would type-check every preview)", () => {
        const options = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).runtime.options;
        // pulumi/pulumi v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go parseOptions: typescript
        // defaults to true; nodeargs are passed to node before the run script.
        assert.equal(options.typescript, false);
        assert.equal(options.nodeargs, "--require ./tools/register-ts.js");
        assert.equal(packageJson.main, "index.ts");
    });

    it("npm test runs the typecheck script: TypeScript 7 on tsconfig.typecheck.json, tsconfig.json's options but what 7 requires, without noCheck", () => {
        assert.match(scripts.test, /(^| )typecheck( |$)/);
        // Build mode checks both programs in one run, which parses the SDK declarations they share
        // once; --force checks them even where an earlier build's output looks up to date (noEmit
        // leaves none, but a developer's `tsc` may).
        assert.match(scripts.typecheck, new RegExp(`^node ${NATIVE_TSC} -b --force tsconfig\\.typecheck\\.json `));
        // The compiler API stays 5 (ts-node, dependency-cruiser, typescript-eslint; @pulumi/pulumi 3.248.0's
        // peerDependencies ask for typescript ">= 3.8.3 < 7"); the check is 7's.
        assert.equal(majorOf("node_modules/typescript"), 5);
        assert.equal(majorOf("node_modules/typescript-native"), 7);
        assert.equal(check.compilerOptions.noCheck, undefined);
        assert.equal(check.compilerOptions.noEmit, true);
        // 7 removed node10 resolution and loads only the global types `types` lists.
        assert.equal(program.compilerOptions.moduleResolution, "node");
        assert.equal(check.compilerOptions.moduleResolution, "bundler");
        assert.deepEqual(
            optionsWithout(check.compilerOptions, ["noEmit", "moduleResolution", "types"]),
            optionsWithout(program.compilerOptions, ["moduleResolution"]),
        );
        assert.deepEqual(check.files, program.files);
    });

    it("the type check covers every TypeScript file of the program, its tools and its tests", () => {
        const covered = new Set(check.files);
        const missing = repositoryTypeScript().filter((file) => !covered.has(file));
        assert.deepEqual(missing, []);
        assert.ok(covered.has(path.join(PROJECT_DIR, "index.ts")));
    });

    it("the typecheck script fails on a type error against an installed package's declarations, and reports that error alone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-type-error-"));
        try {
            // The repository's tsconfig.json and tsconfig.typecheck.json as they are, its installed
            // packages, and one file of the program in place of the others. The script checks the
            // consumer too (tests/examples/consumer.test.ts): here an empty one, at little cost.
            for (const file of ["tsconfig.json", "tsconfig.typecheck.json"])
                fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
            const consumer = path.join(dir, "examples", "consumer");
            fs.mkdirSync(consumer, { recursive: true });
            fs.writeFileSync(path.join(consumer, "index.ts"), "export {};\n");
            fs.writeFileSync(
                path.join(consumer, "tsconfig.typecheck.json"),
                JSON.stringify({
                    compilerOptions: { noEmit: true, skipLibCheck: true, types: [] },
                    files: ["index.ts"],
                }),
            );
            fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
            fs.writeFileSync(
                path.join(dir, "index.ts"),
                `import * as pulumi from "@pulumi/pulumi";\nexport const stack: number = pulumi.getStack();\n`,
            );
            const broken = runScript(scripts.typecheck, dir);
            assert.notEqual(broken.status, 0, `a type error passed:\n${broken.output}`);
            // That error and no other (an unresolved import, a tsconfig TypeScript 7 refuses, a missing
            // global type would each add theirs): the set-up is sound and the error alone fails the
            // script, which passes on the repository's own files whenever `npm test` runs.
            // @pulumi/pulumi 3.248.0 metadata.d.ts: `export declare function getStack(): string;`
            const errors = broken.output.split("\n").filter((line) => /error TS\d+/.test(line));
            assert.equal(errors.length, 1, broken.output);
            assert.match(
                errors[0],
                /index\.ts(:2:14 - |\(2,14\): )error TS2322: Type 'string' is not assignable to type 'number'/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
