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

/**
 * TypeScript 7's executable, which the launcher (NATIVE_TSC) runs with the arguments it was given
 * (typescript-native 7.0.2 `lib/tsc.js`, `getExePath`): `lib/tsc` of the platform's package,
 * resolved from the launcher's package as it resolves it.
 */
function nativeExecutable(): string {
    const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}`;
    const packageJson = require.resolve(`${platformPackage}/package.json`, {
        paths: [path.join(PROJECT_DIR, "node_modules", "typescript-native")],
    });
    return path.join(path.dirname(packageJson), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
}

/**
 * `tsc --showConfig -p <file>` of TypeScript 7: what it would check, without checking it. Asked
 * of the executable directly: the same answer, without the launcher's node start-up.
 */
export function nativeConfig(file: string): NativeConfig {
    const result = spawnSync(nativeExecutable(), ["--showConfig", "-p", file], { cwd: PROJECT_DIR, encoding: "utf8" });
    assert.equal(result.status, 0, `${file}:\n${result.stdout}${result.stderr}${result.error ?? ""}`);
    const shown = JSON.parse(result.stdout) as { compilerOptions: Record<string, unknown>; files: string[] };
    return {
        compilerOptions: shown.compilerOptions,
        files: shown.files.map((name) => path.resolve(path.dirname(file), name)),
    };
}

/** `options` without the keys in `except`, for comparing a check config with the tsconfig it checks. */
export function optionsWithout(options: Record<string, unknown>, except: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(options).filter(([key]) => !except.includes(key)));
}
