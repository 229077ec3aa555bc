// simulation.tuning's checks (simulator/tuner/checks.ts): bad bounds name the key, and every rule the
// tuner's search depends on is one preview runs, so the tuner refuses nothing preview accepts.
import { strict as assert } from "assert";
import { CROSS_CHECKS, preflight } from "../../../preflight";
import { tuningChecks } from "../../../simulator/tuner/checks";
import { CandidateCheck, Evaluator } from "../../../simulator/tuner/evaluator";
import { dimensions } from "../../../simulator/tuner/search-space";
import { profile } from "../../../simulator/profiles";
import { fixtureStack, stackConfig } from "../../helpers/stacks";

describe("simulation.tuning: bad bounds name the key", () => {
    const file = fixtureStack("production");
    const withTuning = (tuning: unknown, instanceTypes?: unknown) => {
        const raw = structuredClone(file.projectConfig) as Record<string, any>;
        raw.simulation = { tuning };
        if (instanceTypes !== undefined) {
            raw.guardrails = { ...raw.guardrails, instanceTypes };
        }
        const result = preflight(raw, file.context);
        return result.ok ? [] : result.errors;
    };

    it("a range with min above max", () => {
        const errors = withTuning({ services: { "api-gateway": { maxReplicas: { min: 9, max: 6 } } } });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:simulation\.tuning\.services\.api-gateway\.maxReplicas .*must have min <= max/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
    });

    it("a service or node group the stack does not have, and an instance type without size or price", () => {
        const errors = withTuning(
            {
                services: { "api-gatway": {} },
                nodeGroups: {
                    "default-node-group": { instanceTypes: ["m6i.2xlarge", "x9z.huge", "m8i.xlarge"] },
                    spare: {},
                },
                // m8i.xlarge: sized by the stack (guardrails.instanceTypes), but the price table has no row for it.
            },
            { "m8i.xlarge": { vcpu: 4, memoryMiB: 16384, maxPods: 58 } },
        );
        assert.ok(
            errors.some((error) =>
                error.startsWith("berrys-platform:simulation.tuning.services.api-gatway must name a service"),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) =>
                error.startsWith("berrys-platform:simulation.tuning.nodeGroups.spare must name a node group"),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) =>
                /instanceTypes\.1 \(x9z\.huge\) must be an instance type capacity\/instance-types\.ts knows/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) =>
                /instanceTypes\.2 \(m8i\.xlarge\) has no price: set berrys-platform:simulation\.tuning\.prices\.m8i\.xlarge/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
        assert.ok(!errors.some((error) => error.includes("m6i.2xlarge")));
    });

    it("a target search without the load model pinned: preview refuses it, naming the keys to set", () => {
        const errors = withTuning({ services: { "api-gateway": { targets: { cpu: { min: 60, max: 80 } } } } });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:simulation\.tuning\.services\.api-gateway\.targets\.cpu searches a target, but berrys-platform:simulation\.services\.api-gateway\.capacityPerPod, .* are derived from the targets/.test(
                    error,
                ),
            ),
            errors.join("\n"),
        );
    });
});

describe("the tuner refuses nothing preview accepts", () => {
    const file = fixtureStack("production");
    const pinned = (): Record<string, any> => {
        const raw = structuredClone(file.projectConfig) as Record<string, any>;
        raw.simulation = {
            services: {
                "api-gateway": { capacityPerPod: 100, cpuUtilizationAtCapacity: 70, memoryUtilizationAtCapacity: 60 },
            },
            tuning: { services: { "api-gateway": { targets: { cpu: { min: 60, max: 80, step: 10 } } } } },
        };
        return raw;
    };

    it("a target search with the load model pinned passes preview, and the tuner searches the target", () => {
        const result = preflight(pinned(), file.context);
        assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
        const cpu = dimensions(result.config, pinned()).find(
            (dim) => dim.path.join(".") === "services.api-gateway.metrics.0.averageUtilization",
        );
        assert.deepEqual(cpu?.values, [60, 70, 80]);
    });

    it("a candidate is refused for preview's errors only, and one preview accepts is simulated", () => {
        const check = (raw: Record<string, unknown>): CandidateCheck => {
            const result = preflight(raw, file.context);
            return result.ok
                ? { ok: true, config: result.config, problems: [] }
                : { ok: false, problems: result.errors };
        };
        const evaluator = new Evaluator({ baseline: stackConfig("production"), check, profiles: [profile("spike")] });
        const refused = pinned();
        delete refused.simulation.services;
        const expected = preflight(refused, file.context);
        assert.equal(expected.ok, false);
        assert.deepEqual(
            evaluator.evaluate(refused).misses.map((miss) => miss.message),
            expected.ok ? [] : expected.errors,
        );
        assert.equal(evaluator.evaluations, 0, "nothing simulated for a candidate preview refuses");
        const accepted = evaluator.evaluate(pinned());
        assert.equal(evaluator.evaluations, 1);
        assert.ok(accepted.criteria.length > 0);
        assert.deepEqual(
            accepted.misses.filter((miss) => miss.key === "check"),
            [],
        );
        assert.ok(CROSS_CHECKS.includes(tuningChecks), "preview runs the tuner's checks");
    });
});
