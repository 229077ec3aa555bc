// The whole program (index.ts) under the mock engine: what it registers for the fixture stacks.
import { strict as assert } from "assert";
import * as fs from "fs";
import { nodeRoleName } from "../components/node-group";
import { ROOT_NAME } from "../config";
import { resource, runStack } from "./helpers/program";
import { PROGRAM_HASHES_FILE, programCases, programHash } from "./helpers/program-hashes";
import { stackConfig } from "./helpers/stacks";

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
                    "regenerate with `npm run pins:program` only when the change is meant",
                );
            });
        }
    });
});

describe("the root component's name, ROOT_NAME, is the one the name checks predict with", () => {
    it("the program registers the root component under ROOT_NAME", async () => {
        const run = await runStack("node-groups");
        resource(run, "berrys:platform:Platform", ROOT_NAME);
    });

    it("each node group's IAM role is registered under the name the length check predicts", async () => {
        const run = await runStack("node-groups");
        const groups = Object.keys(stackConfig("node-groups").nodeGroups);
        assert.ok(groups.length > 1, groups.join(", "));
        for (const group of groups) {
            resource(run, "aws:iam/role:Role", nodeRoleName(group));
        }
    });
});
