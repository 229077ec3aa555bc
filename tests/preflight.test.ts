// preflight.ts: the one entry index.ts, render and simulate call. config.ts validates its own keys;
// the cross-checks (here the adapter's rule for an HPA metric) and the capacity errors come on top.
import { strict as assert } from "assert";
import { configCheck, ConfigCheck, parseConfig } from "../config";
import { checkConfig, CROSS_CHECKS, preflight } from "../preflight";
import { fixtureStack } from "./helpers/stacks";

const file = fixtureStack("production");
const production = () => structuredClone(file.projectConfig) as Record<string, any>;

describe("preflight: config at the ground, cross-checks and capacity composed above it", () => {
    it("config.ts alone accepts an HPA metric no adapter rule serves: that rule belongs to the adapter", () => {
        const raw = production();
        raw.services["api-gateway"].metrics[2].name = "http_request_per_second";
        assert.equal(parseConfig(raw, file.context).ok, true);
        const checked = checkConfig(raw, file.context);
        assert.equal(checked.ok, false);
        assert.match(
            checked.ok ? "" : checked.errors[0],
            /^berrys-platform:services\.api-gateway\.metrics\.2\.name \(http_request_per_second\) must be a metric the prometheus-adapter serves/,
        );
    });

    it("refuses a config error at the config stage, before counting capacity", () => {
        const raw = production();
        raw.nodeGroups["default-node-group"].maxSize = 1;
        const result = preflight(raw, file.context);
        assert.equal(result.ok, false);
        assert.equal(result.ok ? "" : result.stage, "config");
        assert.match(
            result.ok ? "" : result.message,
            /^Invalid configuration \(\d+ problems?\):\n {2}- berrys-platform:nodeGroups\.default-node-group\./,
        );
    });

    it("refuses production's seed quota once warnings are errors, at the capacity stage, naming limits.cpu", () => {
        const raw = production();
        raw.guardrails = { ...raw.guardrails, warningsAsErrors: true };
        const result = preflight(raw, file.context);
        assert.equal(result.ok, false);
        assert.equal(result.ok ? "" : result.stage, "capacity");
        // The seed's limits.cpu quota is 32; its services need 45.5 at max replicas (docs/seed.md).
        assert.ok(
            !result.ok &&
                result.errors.some(
                    (error) =>
                        error.startsWith(
                            "berrys-platform:namespace.quota.limits.cpu (32) < 45.5 needed at max replicas",
                        ) && error.includes("berrys-platform:namespace.quota.limits.cpu"),
                ),
            result.ok ? "" : result.message,
        );
        assert.match(result.ok ? "" : result.message, /^Capacity check failed/);
    });

    it("passes production with its two capacity warnings (the seed's quota), each once", () => {
        const result = preflight(production(), file.context);
        assert.ok(result.ok, result.ok ? "" : result.message);
        const quota = result.warnings.filter((warning) =>
            /^berrys-platform:namespace\.quota\.\S+ \(\d+\) < /.test(warning),
        );
        assert.deepEqual(quota.map((warning) => warning.split(" ")[0]).sort(), [
            "berrys-platform:namespace.quota.limits.cpu",
            "berrys-platform:namespace.quota.requests.cpu",
        ]);
        assert.equal(new Set(result.warnings).size, result.warnings.length);
    });
});

/** A cross-check that finds `found` and counts its runs. */
function countingCheck(found: { errors?: string[]; warnings?: string[] }): { check: ConfigCheck; runs: () => number } {
    let runs = 0;
    const check = configCheck("Counts its runs.", () => {
        runs++;
        return { errors: found.errors ?? [], warnings: found.warnings ?? [] };
    });
    return { check, runs: () => runs };
}

const WARNING = "berrys-platform:services.api-gateway.maxReplicas (8) is a test warning\nthe fix line";
const ERROR = "berrys-platform:services.api-gateway.maxReplicas (8) must be a test error";

describe("preflight: each cross-check runs once, and what it finds is reported once", () => {
    it("an accepted stack: one run; its warning logged once and among the capacity findings once", () => {
        const counting = countingCheck({ warnings: [WARNING] });
        const result = preflight(production(), file.context, [...CROSS_CHECKS, counting.check]);
        assert.equal(counting.runs(), 1);
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.equal(result.warnings.filter((warning) => warning === WARNING).length, 1);
        const findings = result.capacity.findings.filter((finding) => finding.message.endsWith("a test warning"));
        assert.deepEqual(
            findings.map((finding) => [finding.severity, finding.fix]),
            [["warning", "the fix line"]],
        );
    });

    it("a cross-check's error: one run, the error once, at the config stage", () => {
        const counting = countingCheck({ errors: [ERROR] });
        const result = preflight(production(), file.context, [...CROSS_CHECKS, counting.check]);
        assert.equal(counting.runs(), 1);
        assert.ok(!result.ok && result.stage === "config");
        assert.deepEqual(result.errors, [ERROR]);
    });

    it("a key that fails its own schema: one run on the config without it", () => {
        const counting = countingCheck({ warnings: [WARNING] });
        const raw = production();
        raw.services["web-dashboard"].minReplicas = "two";
        const result = preflight(raw, file.context, [...CROSS_CHECKS, counting.check]);
        assert.equal(counting.runs(), 1);
        assert.ok(!result.ok && result.stage === "config");
        assert.equal(result.errors.length, 1, result.message);
    });

    it("warnings as errors: one run, the warning is a capacity error once and no longer a warning", () => {
        const counting = countingCheck({ warnings: [WARNING] });
        const raw = production();
        raw.guardrails = { ...raw.guardrails, warningsAsErrors: true };
        const result = preflight(raw, file.context, [...CROSS_CHECKS, counting.check]);
        assert.equal(counting.runs(), 1);
        assert.ok(!result.ok && result.stage === "capacity");
        assert.equal(result.errors.filter((error) => error === WARNING).length, 1);
        assert.ok(!result.warnings.includes(WARNING), result.warnings.join("\n"));
    });

    it("checkConfig alone runs each check once too", () => {
        const counting = countingCheck({ warnings: [WARNING] });
        const checked = checkConfig(production(), file.context, [counting.check]);
        assert.equal(counting.runs(), 1);
        assert.ok(checked.ok);
        assert.deepEqual(checked.crossChecks, { errors: [], warnings: [WARNING] });
    });
});

describe("preflight: every cross-key check states its rule for the configuration reference", () => {
    it("each of CROSS_CHECKS carries a one-sentence doc", () => {
        for (const check of CROSS_CHECKS) {
            assert.ok(
                typeof check.doc === "string" && /^[A-Za-z].*\.$/.test(check.doc),
                `${check.name} has no doc sentence`,
            );
        }
    });
});
