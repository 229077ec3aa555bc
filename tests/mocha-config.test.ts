// .mocharc.js lists the test files itself, the longest first (so that both workers end together):
// it must still run every file the former glob `tests/**/*.test.ts` found, each once. And the tests
// mirror the source (docs/development.md): a module's tests are in tests/<its path>.test.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/stack-files";

describe("mocha's configuration", () => {
    it("runs every tests/**/*.test.ts once, as the glob finds them", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS config, loaded as mocha loads it
        const config = require(path.join(PROJECT_DIR, ".mocharc.js"));
        // mocha's own file lookup, as it ran for `spec: ["tests/**/*.test.ts"]`.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module without type declarations
        const lookupFiles = require("mocha/lib/cli/lookup-files");
        const globbed: string[] = lookupFiles(path.join(PROJECT_DIR, "tests", "**", "*.test.ts"), ["ts"], true).map(
            (file: string) => path.relative(PROJECT_DIR, file),
        );
        assert.ok(globbed.includes(path.join("tests", "mocha-config.test.ts")));
        assert.equal(new Set(config.spec).size, config.spec.length, "a file listed twice runs twice");
        assert.deepEqual([...config.spec].map((file: string) => path.normalize(file)).sort(), globbed.sort());
    });
});

/** Modules without a test file of their own, and why. */
const WITHOUT_OWN_TESTS: Readonly<Record<string, string>> = {
    "simulator/hpa/index.ts": "re-exports the HPA port's files, each tested at its own path",
};

/** The TypeScript modules of the program and its tools, relative to the project, `/`-separated. */
function modulesIn(dir: string): string[] {
    return fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((entry) => {
        const file = dir === "." ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) return modulesIn(file);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
    });
}

describe("the tests' layout", () => {
    // The folders tsconfig.json's program covers (`<folder>/**/*.ts`), the tests' own aside.
    const include: string[] = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8")).include;
    const roots = include
        .flatMap((pattern) => /^([\w-]+)\/\*\*\/\*\.ts$/.exec(pattern)?.[1] ?? [])
        .filter((root) => root !== "tests");
    const modules = [
        ...fs.readdirSync(PROJECT_DIR).filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts")),
        ...roots.flatMap((root) => modulesIn(root)),
    ];
    const hasOwnTest = (module: string) =>
        fs.existsSync(path.join(PROJECT_DIR, "tests", module.replace(/\.ts$/, ".test.ts")));

    it("every module has its tests at tests/<its path>.test.ts, or a reason here why not", () => {
        assert.ok(roots.includes("components") && roots.includes("simulator"), roots.join(", "));
        assert.ok(modules.includes("index.ts") && modules.includes("simulator/hpa/controller.ts"), modules.join(", "));
        assert.deepEqual(
            modules.filter((module) => !hasOwnTest(module) && WITHOUT_OWN_TESTS[module] === undefined),
            [],
        );
    });

    it("every module excused still exists and still has no test file of its own", () => {
        for (const module of Object.keys(WITHOUT_OWN_TESTS)) {
            assert.ok(modules.includes(module), `${module} is gone: remove it from WITHOUT_OWN_TESTS`);
            assert.ok(!hasOwnTest(module), `${module} has its own tests now: remove it from WITHOUT_OWN_TESTS`);
        }
    });
});
