// The type checks of `npm test` as TypeScript 7 runs them (devDependency `typescript-native`), for
// the tests that hold what they check (tests/type-check.test.ts, tests/examples/consumer.test.ts).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/stack-files";

/** The native compiler's launcher, relative to the project, as the package.json scripts run it. */
export const NATIVE_TSC = "node_modules/typescript-native/bin/tsc";

/** A tsconfig as TypeScript 7 resolves it (`extends`, `include`): its options and root files. */
export interface NativeConfig {
    readonly compilerOptions: Record<string, unknown>;
    /** Absolute paths. */
    readonly files: string[];
}

/** Runs a package.json script's command as npm does (sh, local binaries on PATH) in `cwd`. */
export function runScript(command: string, cwd: string): { status: number | null; output: string } {
    const env = {
        ...process.env,
        NODE_OPTIONS: "",
        PATH: `${path.join(PROJECT_DIR, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`,
    };
    const result = spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", env });
    // Colours when tsc sets `pretty` (a terminal), plain `file(line,column): error` otherwise.
    // eslint-disable-next-line no-control-regex -- ESC starts the colour codes it strips
    return { status: result.status, output: `${result.stdout}${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, "") };
}

/** `tsc --showConfig -p <file>` of TypeScript 7: what it would check, without checking it. */
export function nativeConfig(file: string): NativeConfig {
    const result = runScript(`node ${NATIVE_TSC} --showConfig -p ${JSON.stringify(file)}`, PROJECT_DIR);
    assert.equal(result.status, 0, `${file}:\n${result.output}`);
    const shown = JSON.parse(result.output) as { compilerOptions: Record<string, unknown>; files: string[] };
    return {
        compilerOptions: shown.compilerOptions,
        files: shown.files.map((name) => path.resolve(path.dirname(file), name)),
    };
}

/** `options` without the keys in `except`, for comparing a check config with the tsconfig it checks. */
export function optionsWithout(options: Record<string, unknown>, except: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(options).filter(([key]) => !except.includes(key)));
}
