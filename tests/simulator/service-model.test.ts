import { strict as assert } from "assert";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import {
    cpuMillicores,
    durationSeconds,
    loadPerPod,
    memoryBytes,
    neededReplicas,
    serviceModel,
    simulationChecks,
} from "../../simulator/service-model";
import { fixtureStack, stackConfig } from "../helpers/stacks";

/** Production with `simulation` replaced. */
function withSimulation(simulation: unknown): ReturnType<typeof checkConfig> {
    const file = fixtureStack("production");
    return checkConfig({ ...file.projectConfig, simulation }, file.context);
}

function parsed(simulation: unknown): PlatformConfig {
    const result = withSimulation(simulation);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.config;
}

describe("simulator model (load -> what the HPA reads)", () => {
    const production = stackConfig("production");

    it("model-orchestration measures load in model_requests_per_second, 20 per pod (its Pods target)", () => {
        const model = serviceModel(production, "model-orchestration");
        assert.equal(model.loadUnit, "model_requests_per_second");
        assert.equal(model.capacityPerPod, 20);
        assert.deepEqual(model.cpu, { base: 10, atCapacity: 65 });
        assert.deepEqual(model.memory, { base: 40, atCapacity: 60 });
        // CPU reaches its 2-core limit (200% of the 1-core request) at 20 x (200 - 10) / (65 - 10).
        assert.equal(model.maxLoadPerPod, (20 * 190) / 55);
    });

    it("agent-orchestrator is CPU-bound: load in millicores of work, 500m x (70 - 10)% = 300 per pod", () => {
        const model = serviceModel(production, "agent-orchestrator");
        assert.equal(model.loadUnit, "millicores of CPU work");
        assert.equal(model.capacityPerPod, 300);
        assert.equal(cpuMillicores(model, 300), 350, "a pod serving capacityPerPod runs at the 70% target");
        assert.equal(cpuMillicores(model, 0), 50, "an idle pod uses baseCpuUtilization (10%)");
        assert.equal(memoryBytes(model, 300), 0.6 * 512 * 2 ** 20);
    });

    it("turns the HPA spec into the controller's units: Pods targets in milli-units, behavior as written", () => {
        const model = serviceModel(production, "api-gateway");
        assert.deepEqual(
            model.hpa.metrics.map((metric) => metric.target),
            [
                { type: "Utilization", averageUtilization: 70 },
                { type: "Utilization", averageUtilization: 80 },
                { type: "AverageValue", averageValue: 100000 },
            ],
        );
        assert.deepEqual(model.sources[2], { kind: "pods", scale: 1, windowSeconds: 120 });
        assert.equal(model.hpa.behavior?.scaleUp?.stabilizationWindowSeconds, 30);
    });

    it("simulation.services overrides the derived defaults", () => {
        const config = parsed({ services: { "api-gateway": { capacityPerPod: 80, baseCpuUtilization: 20 } } });
        const model = serviceModel(config, "api-gateway");
        assert.equal(model.capacityPerPod, 80);
        assert.equal(model.cpu.base, 20);
        // Its Pods metric still reads requests/s: a pod serving 80 reports 80.
        assert.equal(model.sources[2].kind === "pods" && model.sources[2].scale, 1);
    });

    it("needed replicas serve the load at the target, within min and max", () => {
        const model = serviceModel(production, "model-orchestration");
        assert.equal(neededReplicas(model, 0), 3);
        assert.equal(neededReplicas(model, 120), 6);
        assert.equal(neededReplicas(model, 121), 7);
        assert.equal(neededReplicas(model, 10000), 15);
        assert.equal(loadPerPod(model, 120, 0), 0, "no ready pod serves nothing");
        assert.equal(loadPerPod(model, 1000, 3), model.maxLoadPerPod, "a pod serves no more than its CPU limit allows");
    });

    it("reads Go and Prometheus durations", () => {
        assert.equal(durationSeconds("2m"), 120);
        assert.equal(durationSeconds("1h30m"), 5400);
        assert.equal(durationSeconds("90s"), 90);
    });

    describe("config errors", () => {
        it("an unknown service in simulation.services is an error naming the key", () => {
            // checkConfig runs the check among preflight.ts's CROSS_CHECKS: the stack does not parse.
            const result = withSimulation({ services: { "api-gatway": { capacityPerPod: 50 } } });
            const errors = result.ok ? [] : result.errors;
            assert.equal(errors.length, 1);
            assert.match(
                errors[0],
                /^berrys-platform:simulation\.services\.api-gatway must name a service of berrys-platform:services/,
            );
            assert.match(errors[0], /did you mean api-gateway\?/);
        });

        it("CPU at capacity must stay above idle CPU", () => {
            const result = withSimulation({ services: { "web-dashboard": { baseCpuUtilization: 80 } } });
            assert.deepEqual(result.ok ? [] : result.errors, [
                "berrys-platform:simulation.services.web-dashboard.baseCpuUtilization (80) must leave cpuUtilizationAtCapacity (70) above " +
                    "baseCpuUtilization (80): a pod's CPU must grow with its load",
            ]);
        });

        it("the seed's stacks pass the simulation checks", () => {
            for (const stack of ["production", "staging"])
                assert.deepEqual(simulationChecks(stackConfig(stack)), { errors: [], warnings: [] });
        });
    });
});
