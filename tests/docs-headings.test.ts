// A message or comment that sends the reader to a section, as `docs/operations.md "Deploying from
// nothing"`, names a heading that exists in that page, word for word: a warning once pointed at a
// README heading that did not exist.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/cli";

const SOURCE_DIRS = ["capacity", "catalog", "components", "schema", "simulator", "tools"];

function sourceFiles(): string[] {
    const walk = (dir: string): string[] =>
        fs
            .readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true })
            .flatMap((entry) =>
                entry.isDirectory()
                    ? walk(`${dir}/${entry.name}`)
                    : entry.name.endsWith(".ts")
                      ? [`${dir}/${entry.name}`]
                      : [],
            );
    return [...SOURCE_DIRS.flatMap(walk), "config.ts", "preflight.ts", "index.ts"];
}

/** The headings of a Markdown page, without their #s. */
function headings(page: string): Set<string> {
    const text = fs.readFileSync(path.join(PROJECT_DIR, page), "utf8");
    return new Set(
        text
            .split("\n")
            .filter((line) => /^#{1,6} /.test(line))
            .map((line) => line.replace(/^#+ /, "").trim()),
    );
}

describe("sections the program's messages name", () => {
    it('every docs/<page>.md "<heading>" cited in the source is a heading of that page', () => {
        const cited: string[] = [];
        for (const file of sourceFiles()) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").replace(/\\"/g, '"');
            for (const match of text.matchAll(/((?:docs\/[a-z-]+|README)\.md)'?s? "([^"\n]+)"/g)) {
                const page = match[1];
                cited.push(`${file}: ${page} "${match[2]}"`);
                assert.ok(fs.existsSync(path.join(PROJECT_DIR, page)), `${file} names ${page}, which does not exist`);
                assert.ok(
                    headings(page).has(match[2]),
                    `${file} names ${page} "${match[2]}", which is not a heading there`,
                );
            }
        }
        assert.ok(cited.length >= 5, `found only ${cited.join(", ")}`);
    });
});
