// schema/simulation.ts: the simulator's and the tuner's settings. Every key has a default (the seed's
// validation criteria as numbers, the tuner's search values), and a value the simulator could not
// use is refused at preview with its key.
import { strict as assert } from "assert";
import { errorLines } from "../helpers/bad-configs";
import { stackConfig } from "../helpers/stacks";

/** The first line of each error for production with `simulation` replaced. */
const errorsWithSimulation = (simulation: unknown) =>
    errorLines((raw) => {
        raw.simulation = simulation;
    });

describe("schema/simulation", () => {
    it("defaults every simulation key: 30 s to ready, the seed's criteria, no per-service overrides", () => {
        assert.deepEqual(stackConfig("production").simulation, {
            podReadySeconds: 30,
            scrapeIntervalSeconds: 30,
            seed: 1,
            criteria: {
                responseSeconds: 240,
                maxDirectionChangesPerHour: 4,
                maxOverProvisioning: 1.6,
                quotaRefusalsBelowMax: 0,
            },
            services: {},
            // docs/configuration.md "simulation": the tuner's default search values.
            tuning: {
                prices: {},
                scaleUpStabilizationWindowSeconds: [0, 30, 60],
                scaleDownStabilizationWindowSeconds: [180, 300, 420, 600],
                scaleUpPercent: [100, 200],
                scaleDownPercent: [10, 20, 50],
                services: {},
                nodeGroups: {},
                maxEvaluations: 150,
                headroom: [
                    { cpu: "1", memory: "2Gi" },
                    { cpu: "2", memory: "4Gi" },
                    { cpu: "4", memory: "8Gi" },
                    { cpu: "8", memory: "16Gi" },
                ],
            },
        });
    });

    it("the schema rejects unknown keys and bad values under simulation", () => {
        const errors = errorsWithSimulation({
            criteria: { responseSecond: 100, maxOverProvisioning: 0.5 },
            podReadySeconds: -1,
        });
        assert.equal(errors.length, 3, errors.join("\n"));
        assert.ok(
            errors.some((error) =>
                error.startsWith("berrys-platform:simulation.criteria.responseSecond is not a known key"),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) =>
                error.startsWith("berrys-platform:simulation.criteria.maxOverProvisioning (0.5) must be >= 1"),
            ),
            errors.join("\n"),
        );
        assert.ok(
            errors.some((error) => error.startsWith("berrys-platform:simulation.podReadySeconds (-1) must be >= 0")),
            errors.join("\n"),
        );
    });

    it("a tuning range has min <= max, and a stabilization window to try is one the HPA API takes (0-3600 s)", () => {
        assert.deepEqual(
            errorsWithSimulation({ tuning: { services: { "api-gateway": { maxReplicas: { min: 8, max: 4 } } } } }),
            [
                'berrys-platform:simulation.tuning.services.api-gateway.maxReplicas ({"min":8,"max":4}) must have min <= max',
            ],
        );
        assert.deepEqual(errorsWithSimulation({ tuning: { scaleDownStabilizationWindowSeconds: [300, 3601] } }), [
            "berrys-platform:simulation.tuning.scaleDownStabilizationWindowSeconds.1 (3601) must be between 0 and 3600 seconds",
        ]);
        assert.deepEqual(errorsWithSimulation({ tuning: { scaleUpPercent: [] } }), [
            "berrys-platform:simulation.tuning.scaleUpPercent ([]) must list at least one value",
        ]);
    });
});
