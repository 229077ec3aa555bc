import { strict as assert } from "assert";
import { profile } from "../../simulator/profiles";
import { responseFloor, resultJson } from "../../simulator/report";
import { serviceModel } from "../../simulator/service-model";
import { SimulationResult, simulate, STEP_SECONDS } from "../../simulator/run";
import * as fs from "fs";
import { SIMULATION_HASHES_FILE, simulationCases, simulationHash } from "../helpers/simulation-hashes";
import { stackConfig } from "../helpers/stacks";

describe("simulator run (the loop around the HPA)", () => {
    const production = stackConfig("production");
    const gateway = serviceModel(production, "api-gateway");

    describe("a run", () => {
        let spike: SimulationResult;
        before(() => {
            spike = simulate(production, profile("spike"));
        });

        it("is deterministic: the same config and profile give the same JSON", () => {
            assert.deepEqual(
                resultJson(production, simulate(production, profile("spike"))),
                resultJson(production, spike),
            );
        });

        it("records every 15 s from t = 0 and starts in steady state at base load", () => {
            assert.equal(spike.times[0], 0);
            assert.equal(spike.times[1] - spike.times[0], 15);
            const run = spike.services.find((candidate) => candidate.model.name === "api-gateway")!;
            assert.equal(run.series.ready[0], 2);
            assert.equal(run.series.desired[0], 2);
            assert.equal(STEP_SECONDS, 5);
        });

        it("api-gateway answers the spike as fast as its settings allow: 30 s window + 30 s to ready", () => {
            const run = spike.services.find((candidate) => candidate.model.name === "api-gateway")!;
            assert.deepEqual(run.stepResponses, [{ step: 600, seconds: 60, before: 2, needed: 4 }]);
            assert.deepEqual(responseFloor(gateway, 2, 4, 30, 180), { seconds: 60, withNode: 240 });
        });
    });
});

// A refactor of the simulator changes no result: every fixture stack under every load profile
// gives the JSON it gave when the hashes were written. A change of behaviour that is meant
// regenerates them (`npm run pins:simulation`) in the commit that explains it.
describe("simulate() results are unchanged (tests/fixtures/simulation-hashes.json)", () => {
    const expected: Record<string, string> = JSON.parse(fs.readFileSync(SIMULATION_HASHES_FILE, "utf8"));

    it("the hashes cover every fixture stack under every load profile, and nothing else", () => {
        assert.deepEqual(
            Object.keys(expected).sort(),
            simulationCases()
                .map(([stack, name]) => `${stack} ${name}`)
                .sort(),
        );
    });

    for (const [stack, name] of simulationCases()) {
        it(`${stack} under ${name}`, () => {
            assert.equal(
                simulationHash(stack, name),
                expected[`${stack} ${name}`],
                `simulate() on fixture ${stack} under ${name} changed; if meant, run npm run pins:simulation`,
            );
        });
    }
});
