// `npm run schema` (tools/schema.ts): writes the stack file's JSON Schema and the configuration
// reference, and says which of them changed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REFERENCE_FILE } from "../../tools/configuration-reference";
import { SCHEMA, schemaMain } from "../../tools/schema";
import { SCHEMA_FILE } from "../../tools/stack-file-schema";
import { PROJECT_DIR } from "../../tools/stack-files";
import { projectWith, runCaptured } from "../helpers/commands";

describe("npm run schema", () => {
    let dir: string;
    beforeEach(() => {
        dir = projectWith({});
        for (const file of [SCHEMA_FILE, REFERENCE_FILE])
            fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes the two files the repository commits, then reports them unchanged", async () => {
        const first = await runCaptured(SCHEMA, schemaMain, [], dir);
        assert.equal(first.code, 0, first.err);
        assert.equal(first.out, `wrote ${SCHEMA_FILE}\nwrote ${REFERENCE_FILE}\n`);
        for (const file of [SCHEMA_FILE, REFERENCE_FILE]) {
            assert.equal(
                fs.readFileSync(path.join(dir, file), "utf8"),
                fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"),
                `${file}: what npm run schema writes is what the repository holds`,
            );
        }
        const second = await runCaptured(SCHEMA, schemaMain, [], dir);
        assert.equal(second.out, `unchanged ${SCHEMA_FILE}\nunchanged ${REFERENCE_FILE}\n`);
    });

    it("rewrites a stale file", async () => {
        fs.writeFileSync(path.join(dir, REFERENCE_FILE), "# stale\n");
        fs.writeFileSync(path.join(dir, SCHEMA_FILE), fs.readFileSync(path.join(PROJECT_DIR, SCHEMA_FILE), "utf8"));
        const run = await runCaptured(SCHEMA, schemaMain, [], dir);
        assert.equal(run.out, `unchanged ${SCHEMA_FILE}\nwrote ${REFERENCE_FILE}\n`);
        assert.notEqual(fs.readFileSync(path.join(dir, REFERENCE_FILE), "utf8"), "# stale\n");
    });
});
