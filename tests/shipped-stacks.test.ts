// Every Pulumi.<stack>.yaml at the repository root is the team's to edit: it is checked only as
// `pulumi preview` would check it, so `npm test` fails on a stack file exactly when preview would.
// Values are pinned on the fixtures (tests/fixtures/stacks/), never here.
import { strict as assert } from "assert";
import { listStacks, PROJECT_DIR } from "../tools/stack-files";
import { checkAsPreview } from "./helpers/preview-checks";

describe("the repository's stack files, checked as preview checks them", function () {
    it("the repository holds at least one stack file", () => {
        assert.ok(listStacks().length > 0, "no Pulumi.<stack>.yaml at the repository root");
    });

    for (const stack of listStacks()) {
        it(`Pulumi.${stack}.yaml parses, matches the JSON Schema, passes preview's checks and renders (warnings printed)`, async () => {
            const outcome = await checkAsPreview(stack, PROJECT_DIR);
            assert.ok(outcome.resources > 0);
            for (const warning of outcome.warnings) console.log(`      warning (${stack}): ${warning}`);
        });
    }
});
