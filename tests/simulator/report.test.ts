// The simulate report says what happened: under-provisioning by that name, why a step's load was
// never reached, and no "blocked by quota: none" for a service the quota starved from the start.
import { strict as assert } from "assert";
import { parseConfig, PlatformConfig } from "../../config";
import { profile } from "../../simulator/profiles";
import { criteriaVerdict, formatReport, provisioningText } from "../../simulator/report";
import { SIMULATE } from "../../tools/simulate";
import { replicaHoursChange } from "../../tools/tune";
import { PROFILE_NAMES } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { fixtureStack } from "../helpers/stacks";
import * as fs from "fs";
import { reportCases, SIMULATION_REPORTS_FILE, simulationReport } from "../helpers/simulation-reports";

/** Staging with a quota of 1 CPU of requests: 7 pods' worth at minReplicas, so most never exist. */
function starvedStaging(): PlatformConfig {
    const file = fixtureStack("staging");
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
            assert.match(text, /blocked by quota: \d+ pods? refused \(by requests\.cpu: \d+ pods?\)/, text);
            assert.doesNotMatch(text, /blocked by quota: none/, text);
        }
    });

    it("'not reached' at peak names the quota as the reason", () => {
        for (const service of ["model-orchestration", "api-gateway", "web-dashboard"]) {
            assert.match(
                block(report, service),
                /: not reached: the ResourceQuota refused pods \(by requests\.cpu: \d+ pods?\); floor/,
            );
        }
    });

    it("calls under-provisioning that", () => {
        assert.match(
            block(report, "api-gateway"),
            /^ {2}longest under-provisioning \(fewer ready pods than needed, loaded over 10% past their target\): \d+ s from /m,
        );
    });

    it("a step met in time keeps its seconds and a run without refusals says none (staging spike)", () => {
        const file = fixtureStack("staging");
        const parsed = parseConfig(file.projectConfig, file.context);
        assert.ok(parsed.ok);
        const text = formatReport(parsed.config, simulate(parsed.config, profile("spike")));
        assert.match(block(text, "api-gateway"), /enough ready replicas \(2 -> 4\): \d+ s; floor/);
        assert.match(block(text, "api-gateway"), /blocked by quota: none; blocked by node max: none$/m);
    });

    it("a service short of the replicas it needed is under-provisioned, not 'over-provisioning: 0.x'", () => {
        for (const service of ["model-orchestration", "api-gateway", "web-dashboard"]) {
            const text = block(report, service);
            assert.match(
                text,
                /^ {2}under-provisioned: 0(\.\d+)? x the replicas needed on average \(fewer than needed\)$/m,
                text,
            );
            assert.doesNotMatch(text, /over-provisioning: 0/, text);
        }
        assert.equal(provisioningText(1.234), "over-provisioning: 1.23 x the replicas needed on average");
        assert.equal(
            provisioningText(0.89),
            "under-provisioned: 0.89 x the replicas needed on average (fewer than needed)",
        );
    });

    it("a quota refusal counts pods and says so: 'by limits.cpu: 4 pods', never 'limits.cpu: 4'", () => {
        const config = starvedStaging();
        const text = formatReport(config, simulate(config, profile("spike")));
        assert.match(text, /by requests\.cpu: \d+ pods?\)/);
        assert.doesNotMatch(text, /\((limits|requests)\.(cpu|memory): \d+\)/);
    });

    it("one criterion met reads 'the one checked is met', not 'all 1 met'", () => {
        assert.equal(criteriaVerdict(1, 0), "Criteria: the one checked is met.");
        assert.equal(criteriaVerdict(4, 0), "Criteria: all 4 met.");
        assert.equal(criteriaVerdict(4, 1), "Criteria: 1 of 4 missed:");
        assert.equal(criteriaVerdict(0, 0), "Criteria: none checked by this profile.");
    });

    it("tune: a change that moves the replica-hours by less than 0.05 reads 'unchanged', never '-0.0 replica-hours'", () => {
        assert.equal(replicaHoursChange(0.04), "replica-hours unchanged");
        assert.equal(replicaHoursChange(-0.04), "replica-hours unchanged");
        assert.equal(replicaHoursChange(1.46), "-1.5 replica-hours");
        assert.equal(replicaHoursChange(-2), "+2.0 replica-hours");
    });

    it("simulate --help counts the profiles it lists", () => {
        const option = SIMULATE.options.find((spec) => spec.name === "--profile")!;
        assert.equal(option.choices!.length, PROFILE_NAMES.length);
        assert.match(option.help, new RegExp(`instead of all ${PROFILE_NAMES.length}$`));
        assert.doesNotMatch(option.help, /five/);
    });
});

// A refactor of the report changes no word: every fixture stack's report under peak, spike and
// rollout is the one it printed when the reports were written (tests/helpers/simulation-reports.ts).
describe("formatReport's text is unchanged (tests/fixtures/simulation-reports.json)", () => {
    const expected: Record<string, string[]> = JSON.parse(fs.readFileSync(SIMULATION_REPORTS_FILE, "utf8"));

    it("the reports cover every fixture stack under peak, spike and rollout", () => {
        assert.deepEqual(
            Object.keys(expected).sort(),
            reportCases()
                .map(([stack, name]) => `${stack} ${name}`)
                .sort(),
        );
    });

    for (const [stack, name] of reportCases()) {
        it(`${stack} under ${name}`, () => {
            assert.deepEqual(simulationReport(stack, name).split("\n"), expected[`${stack} ${name}`]);
        });
    }
});
