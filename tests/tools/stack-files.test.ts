// readStackFile parses a stack file once and hands out copies: what a caller changes stays its
// own, and an edited file is read afresh (tools/stack-files.ts parsedFiles).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../../tools/stack-files";

describe("readStackFile: parsed once, read fresh after an edit", () => {
    it("returns a copy each time, and the new text once the file changes", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-stack-files-"));
        try {
            const file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(
                file,
                "config:\n  aws:region: us-east-1\n  berrys-platform:namespace:\n    name: berrys-dev\n",
            );
            const first = readStackFile("dev", dir);
            (first.projectConfig.namespace as { name: string }).name = "changed-by-a-caller";
            assert.deepEqual(readStackFile("dev", dir).projectConfig.namespace, { name: "berrys-dev" });
            fs.writeFileSync(
                file,
                "config:\n  aws:region: eu-west-1\n  berrys-platform:namespace:\n    name: berrys-dev2\n",
            );
            const edited = readStackFile("dev", dir);
            assert.deepEqual(edited.projectConfig.namespace, { name: "berrys-dev2" });
            assert.equal(edited.context.region, "eu-west-1");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
