// tools/register-ts.js, the loader `pulumi preview`, the npm scripts and mocha load the program
// through: what the program relies on in the JavaScript sucrase emits for it, shown on small
// TypeScript files required through the loader as the program's own files are.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/stack-files";

/** Writes `files` (name -> TypeScript) to a fresh directory; returns its path. */
function sources(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-register-ts-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

describe("tools/register-ts.js: the program's TypeScript as Node runs it", () => {
    it("emits strict-mode code (tsconfig.json `strict`): writing to a frozen object throws, as the simulator's frozen states rely on", async () => {
        const dir = sources({
            "frozen.ts":
                "export function write(): void { const state = Object.freeze({ n: 1 }); (state as { n: number }).n = 2; }",
        });
        const loaded: { write(): void } = await import(path.join(dir, "frozen.ts"));
        assert.throws(() => loaded.write(), TypeError);
    });

    it("emits `import()` as require (tsconfig.json `module: commonjs`): render's `await import` of a .ts file loads it", async () => {
        const dir = sources({
            "entry.ts": 'export async function load(): Promise<number> { return (await import("./value")).value; }',
            "value.ts": "export const value = 42;",
        });
        const entry: { load(): Promise<number> } = await import(path.join(dir, "entry.ts"));
        assert.equal(await entry.load(), 42);
    });

    it("gives a default import of a CommonJS module its module.exports (tsconfig.json `esModuleInterop`)", async () => {
        const dir = sources({
            "cjs.js": "module.exports = function answer() { return 42; };",
            "user.ts": 'import answer from "./cjs"; export const value = answer();',
        });
        const user: { value: number } = await import(path.join(dir, "user.ts"));
        assert.equal(user.value, 42);
    });

    it("keeps class fields as ES2022 defines them (tsconfig.json `target` es2022, whose default useDefineForClassFields tsc checks)", async () => {
        // [[Define]]: a field defines its own property; a base class's setter of that name is not called.
        const dir = sources({
            "fields.ts": [
                "export const calls: number[] = [];",
                "class Base { set value(v: number) { calls.push(v); } }",
                "export class Derived extends Base { value = 1; }",
            ].join("\n"),
        });
        const loaded: { calls: number[]; Derived: new () => { value: number } } = await import(
            path.join(dir, "fields.ts")
        );
        const derived = new loaded.Derived();
        assert.deepEqual(loaded.calls, []);
        assert.deepEqual(Object.getOwnPropertyDescriptor(derived, "value")?.value, 1);
    });

    it("refuses a syntax error with the file, line and column (from 1, as an editor shows them)", async () => {
        const dir = sources({ "broken.ts": "export const a = 1;\nexport const b = ;\n" });
        const file = path.join(dir, "broken.ts");
        await assert.rejects(import(file), (error: Error) => {
            assert.ok(error instanceof SyntaxError, String(error));
            assert.match(error.message, new RegExp(`^${file.replace(/[.\\/]/g, "\\$&")}:2:18: `));
            return true;
        });
    });

    it("refuses a tsconfig.json that asks for an emit the loader does not produce, naming the option", () => {
        // A copy of the loader in a project whose tsconfig.json changes one of the repository's options.
        const dir = sources({ "index.ts": "export const a = 1;\n" });
        fs.mkdirSync(path.join(dir, "tools"));
        fs.copyFileSync(path.join(PROJECT_DIR, "tools", "register-ts.js"), path.join(dir, "tools", "register-ts.js"));
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
        const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
        const loadWith = (changed: Record<string, unknown>) => {
            fs.writeFileSync(
                path.join(dir, "tsconfig.json"),
                JSON.stringify({ compilerOptions: { ...compilerOptions, ...changed } }),
            );
            return spawnSync(process.execPath, ["-r", "./tools/register-ts.js", "index.ts"], {
                cwd: dir,
                encoding: "utf8",
            });
        };
        const esModules = loadWith({ module: "esnext" });
        assert.notEqual(esModules.status, 0);
        assert.match(esModules.stderr, /tsconfig\.json compilerOptions\.module is "esnext"/);
        // Below es2022, tsc would check class fields assigned in the constructor, which is not what runs.
        const older = loadWith({ target: "es2020" });
        assert.notEqual(older.status, 0);
        assert.match(
            older.stderr,
            /tsconfig\.json compilerOptions\.target is "es2020"; tools\/register-ts\.js emits as "es2022" does/,
        );
    });

    it("tsconfig.json sets isolatedModules: the type check refuses what a file-by-file transpiler would emit wrong", () => {
        // sucrase sees one file at a time (a `const enum` from another file, a re-exported type
        // without `export type`, would be emitted wrong); tsc checks the program with the same options.
        const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
        assert.equal(compilerOptions.isolatedModules, true);
    });
});
