// README.md is what a newcomer reads first (issue 23): at most 300 lines, with what the program is,
// its component tree, the two-command offline set-up, the deploy quick start, where to change what,
// and a link to every page under docs/.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/stack-files";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

/** The text of a `## ` section, up to the next one. */
function section(title: string): string {
    const start = readme.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `README has no "## ${title}" section`);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
}

describe("README.md: what a newcomer reads first", () => {
    it("is at most 300 lines", () => {
        assert.ok(readme.split("\n").length <= 300, `${readme.split("\n").length} lines`);
    });

    it("shows the component tree", () => {
        assert.match(section("Components"), /```\nPlatform \(berrys:platform:Platform\)[\s\S]*├── [\s\S]*```/);
    });

    it("sets up offline in two commands, and gives the deploy quick start", () => {
        const commands = /```sh\n([\s\S]*?)```/.exec(section("Set-up (offline)"))?.[1].trim().split("\n") ?? [];
        assert.deepEqual(commands, ["npm ci && npm run render -- production", "npm test"]);
        assert.match(section("Deploy (quick start)"), /pulumi preview[\s\S]*pulumi up/);
    });

    it("says where to change what: a service, a node group, a stack, an alert", () => {
        const where = section("Where to change what");
        for (const what of ["A service.", "A node group.", "A stack.", "An alert."])
            assert.ok(where.includes(`**${what}**`), what);
    });

    it("links every page under docs/", () => {
        for (const page of fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((file) => file.endsWith(".md"))) {
            assert.ok(readme.includes(`(docs/${page}`), `README does not link docs/${page}`);
        }
    });
});
