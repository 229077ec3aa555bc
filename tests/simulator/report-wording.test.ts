// The simulate report says what happened: under-provisioning by that name, why a step's load was
// never reached, and no "blocked by quota: none" for a service the quota starved from the start.
import { strict as assert } from "assert";
import { parseConfig, PlatformConfig } from "../../config";
import { profile } from "../../simulator/profiles";
import { formatReport } from "../../simulator/report";
import { simulate } from "../../simulator/run";
import { readStackFile } from "../../tools/stack-files";

/** Staging with a quota of 1 CPU of requests: 7 pods' worth at minReplicas, so most never exist. */
function starvedStaging(): PlatformConfig {
    const file = readStackFile("staging");
    const raw = structuredClone(file.projectConfig) as Record<string, any>;
    raw.namespace.quota["requests.cpu"] = "1";
    const parsed = parseConfig(raw, file.context);
    assert.ok(parsed.ok);
    return parsed.config;
}

/** The report's block of one service: from its heading to the next blank line. */
function block(report: string, service: string): string {
    const start = report.indexOf(`\n${service}: `);
    assert.ok(start >= 0, `${service} missing`);
    return report.slice(start + 1, report.indexOf("\n\n", start + 1));
}

describe("simulate report wording", () => {
    let report: string;
    before(() => {
        const config = starvedStaging();
        report = formatReport(config, simulate(config, profile("peak")));
    });

    it("a service the quota starved from the warm-up on reports the refused pods, not 'blocked by quota: none'", () => {
        for (const service of ["model-orchestration", "api-gateway", "web-dashboard"]) {
            const text = block(report, service);
            assert.match(text, /served 0% of all load/, text);
            assert.match(text, /blocked by quota: \d+ pods? refused \(requests\.cpu: \d+\)/, text);
            assert.doesNotMatch(text, /blocked by quota: none/, text);
        }
    });

    it("'not reached' at peak names the quota as the reason", () => {
        for (const service of ["model-orchestration", "api-gateway", "web-dashboard"]) {
            assert.match(block(report, service), /: not reached: the ResourceQuota refused pods \(requests\.cpu: \d+\); floor/);
        }
    });

    it("calls under-provisioning that", () => {
        assert.match(block(report, "api-gateway"), /^ {2}longest under-provisioning \(fewer ready pods than needed, loaded over 10% past their target\): \d+ s from /m);
    });

    it("a step met in time keeps its seconds and a run without refusals says none (staging spike)", () => {
        const file = readStackFile("staging");
        const parsed = parseConfig(file.projectConfig, file.context);
        assert.ok(parsed.ok);
        const text = formatReport(parsed.config, simulate(parsed.config, profile("spike")));
        assert.match(block(text, "api-gateway"), /enough ready replicas \(2 -> 4\): \d+ s; floor/);
        assert.match(block(text, "api-gateway"), /blocked by quota: none; blocked by node max: none$/m);
    });
});
