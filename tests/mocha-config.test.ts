// .mocharc.js lists the test files itself, the longest first (so that both workers end together):
// it must still run every file the former glob `tests/**/*.test.ts` found, each once.
import { strict as assert } from "assert";
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
