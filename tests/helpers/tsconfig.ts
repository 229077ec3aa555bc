// Reading the tsconfigs the type checks use as tsc reads them, for the tests that hold what
// `npm test` type-checks (tests/type-check.test.ts, tests/examples/consumer.test.ts).
import * as assert from "assert";
import * as path from "path";
import type * as TypeScript from "typescript";
import { PROJECT_DIR } from "../../tools/stack-files";

const ts = require("typescript") as typeof TypeScript;

/** A tsconfig as tsc reads it (`extends`, comments): its options and root files. */
export function parseTsconfig(file: string): TypeScript.ParsedCommandLine {
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
    assert.equal(error, undefined, `${file}: ${error && ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(file), undefined, file);
    assert.deepEqual(parsed.errors, [], file);
    return parsed;
}

/** What a build-mode check config adds to the tsconfig it checks: no emit, and its build info. */
export const BUILD_BOOKKEEPING = ["noEmit", "incremental", "tsBuildInfoFile", "configFilePath"];

/** The lock files `npm install`, `npm update` and `npm ci` rewrite when they change node_modules. */
export const LOCK_FILES = [path.join(PROJECT_DIR, "package-lock.json"), path.join(PROJECT_DIR, "node_modules", ".package-lock.json")];

/** `options` without the keys in `except`, for comparing a check config with the tsconfig it checks. */
export function optionsWithout(options: TypeScript.CompilerOptions, except: string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(options).filter(([key]) => !except.includes(key)));
}
