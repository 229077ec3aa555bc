import * as assert from "assert";
import { checkConfig } from "../../preflight";
import { monitoringSchema } from "../../schema/monitoring";
import { assertRejected, errorsOf, productionRaw } from "../helpers/bad-configs";

describe("schema/monitoring: addons.monitoring", () => {
    it("defaults every key when the block is left out", () => {
        assert.deepStrictEqual(monitoringSchema.parse(undefined), {
            enabled: true,
            rules: true,
            dashboard: true,
            hpaAtMaxFor: "15m",
            replicasMismatchFor: "15m",
            hpaConditionFor: "5m",
            thrashing: { directionChanges: 4, window: "1h" },
            quotaUsageRatio: 0.9,
            nodeGroupAtMaxFor: "15m",
            unschedulablePodsFor: "10m",
            addonUnavailableFor: "5m",
            // Today's runbook links: the repository's README (issue 12: "defaults to the README's anchors, as today").
            runbookBaseUrl: "docs/runbooks.md",
            severity: {},
        });
    });

    it("defaults the rest of a partly given thrashing block", () => {
        assert.deepStrictEqual(monitoringSchema.parse({ thrashing: { window: "2h" } }).thrashing, {
            directionChanges: 4,
            window: "2h",
        });
    });

    const rejected: [string, unknown][] = [
        ["quotaUsageRatio 0", { quotaUsageRatio: 0 }],
        ["quotaUsageRatio 1.5", { quotaUsageRatio: 1.5 }],
        ["a duration that is not Prometheus's", { hpaAtMaxFor: "15 minutes" }],
        ["thrashing.directionChanges 0", { thrashing: { directionChanges: 0 } }],
        ["a severity for an unknown alert", { severity: { HpaAtMax: "critical" } }],
        ["an unknown severity", { severity: { HpaAtMaxReplicas: "page" } }],
        ["an unknown key", { hpaAtMax: "15m" }],
    ];
    for (const [what, value] of rejected) {
        it(`rejects ${what}`, () => {
            assert.strictEqual(monitoringSchema.safeParse(value).success, false);
        });
    }

    it("accepts quotaUsageRatio 1 (alert only above the hard limit's full use)", () => {
        assert.strictEqual(monitoringSchema.parse({ quotaUsageRatio: 1 }).quotaUsageRatio, 1);
    });

    it("addons.monitoring.runbookBaseUrl: an http(s) URL or a repository path, without a #", () => {
        for (const bad of [
            "https://github.com/acme/berrys-platform/blob/main/README.md#troubleshooting",
            "ftp://host/README.md",
            "my readme.md",
        ]) {
            const raw = productionRaw();
            raw.addons = { monitoring: { runbookBaseUrl: bad } };
            assertRejected(
                errorsOf(raw),
                "addons.monitoring.runbookBaseUrl",
                /must be an http\(s\) URL without a # \(the alert's anchor is appended\), or a path relative to the repository\ne\.g\. https:\/\/github\.com\/acme/,
            );
        }
        const raw = productionRaw();
        raw.addons = {
            monitoring: { runbookBaseUrl: "https://git.example.com/platform/berrys/-/blob/main/README.md" },
        };
        assert.ok(checkConfig(raw, { stack: "production", region: "us-east-1" }).ok);
    });
});
