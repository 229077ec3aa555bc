// components/monitoring/runbooks.ts: docs/runbooks.md holds the generated runbooks, and preview warns
// a stack whose setting still names the README, where the alerts' anchors no longer exist.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { runbookAnchor, troubleshootingMarkdown } from "../../../components/monitoring/runbooks";
import { SCALING_ALERTS } from "../../../schema/monitoring";
import { checkConfig } from "../../../preflight";
import { fixtureStack } from "../../helpers/stacks";

function warningsWith(runbookBaseUrl: string | undefined): string[] {
    const file = fixtureStack("production");
    if (runbookBaseUrl !== undefined) file.projectConfig.addons = { monitoring: { runbookBaseUrl } };
    const result = checkConfig(file.projectConfig, file.context);
    assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
    return result.warnings.filter((warning) => warning.includes("runbookBaseUrl"));
}

describe("addons.monitoring.runbookBaseUrl: preview warns when it still names the README", () => {
    it("defaults to docs/runbooks.md, which nothing warns about", () => {
        assert.deepEqual(warningsWith(undefined), []);
        assert.deepEqual(warningsWith("https://github.com/acme/berrys-platform/blob/main/docs/runbooks.md"), []);
    });

    it("README.md (the old default) and a README URL are warned about by key, with the docs/runbooks.md address to set", () => {
        const cases: [string, string][] = [
            ["README.md", "docs/runbooks.md"],
            [
                "https://github.com/acme/berrys-platform/blob/main/README.md",
                "https://github.com/acme/berrys-platform/blob/main/docs/runbooks.md",
            ],
            ["https://git.example.com/platform/readme", "https://git.example.com/platform/docs/runbooks.md"],
        ];
        for (const [value, suggested] of cases) {
            const [warning, ...rest] = warningsWith(value);
            assert.deepEqual(rest, [], value);
            const [first, fix] = warning.split("\n");
            assert.equal(
                first,
                `berrys-platform:addons.monitoring.runbookBaseUrl (${value}) points at the README, which holds no alert runbooks`,
            );
            assert.ok(first.length <= 200);
            assert.ok(fix.startsWith(`set it to ${suggested}:`), fix);
        }
    });
});

describe("docs/runbooks.md: one subsection per scaling alert", () => {
    it("docs/runbooks.md holds the generated runbooks verbatim, so every runbook_url anchor exists", () => {
        const readme = readFileSync(join(__dirname, "../../../docs/runbooks.md"), "utf8");
        assert.ok(
            readme.includes(troubleshootingMarkdown()),
            "docs/runbooks.md's Troubleshooting differs from troubleshootingMarkdown(): paste its output",
        );
        for (const alert of SCALING_ALERTS) {
            assert.ok(
                readme.includes(`\n#### ${alert}\n`),
                `docs/runbooks.md lacks "#### ${alert}" (anchor #${runbookAnchor(alert)})`,
            );
        }
    });
});
