// The whole program (index.ts) under the mock engine: what it registers for the fixture stacks.
import { strict as assert } from "assert";
import * as fs from "fs";
import { PROGRAM_HASHES_FILE, programCases, programHash } from "./helpers/program-hashes";

describe("the program (index.ts)", () => {
    describe("registers the same resources as before (what a refactor of the components must not change)", () => {
        const expected = JSON.parse(fs.readFileSync(PROGRAM_HASHES_FILE, "utf8")) as Record<string, string>;

        it("covers every fixture stack", () => {
            assert.deepEqual(
                programCases().map(([name]) => name),
                Object.keys(expected),
            );
        });

        for (const [name, stack, options] of programCases()) {
            it(`${name}: every resource's URN, parent, options, inputs and secrets, and the outputs`, async () => {
                assert.equal(
                    await programHash(stack, options),
                    expected[name],
                    "regenerate with `node -r ./tools/register-ts.js tests/helpers/program-hashes.ts` only when the change is meant",
                );
            });
        }
    });
});
