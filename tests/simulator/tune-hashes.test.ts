import { strict as assert } from "assert";
import * as fs from "fs";
import { TUNE_CASES, TUNE_HASHES_FILE, tuneHash } from "../helpers/tune-hashes";

describe("tune() results are unchanged (tests/fixtures/tune-hashes.json; npm run test:tune-hashes after a meant change)", function () {
    this.timeout(600000);
    const expected = JSON.parse(fs.readFileSync(TUNE_HASHES_FILE, "utf8")) as Record<string, string>;
    for (const name of Object.keys(TUNE_CASES)) {
        it(name, () => assert.equal(tuneHash(name), expected[name]));
    }
});
