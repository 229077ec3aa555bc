// tune() on narrowed searches of the production fixture (tests/helpers/tune-hashes.ts): its result
// pinned by hash, and what the seed and docs/simulator.md promise of it, read from the result object.
import { strict as assert } from "assert";
import * as fs from "fs";
import { serviceModels } from "../../../simulator/service-model";
import { tunerProfiles } from "../../../simulator/profiles";
import { evaluateCriteria } from "../../../simulator/report";
import { SimulationResult, simulate } from "../../../simulator/run";
import { cents, Evaluator, frozen } from "../../../simulator/tuner/evaluator";
import { HEADROOM_PATH, withPath } from "../../../simulator/tuner/search-space";
import { preflight } from "../../../preflight";
import { fixtureStack } from "../../helpers/stacks";
import { HELD, resultHash, TUNE_CASES, TUNE_HASHES_FILE, tuneCase, tuneCaseInput } from "../../helpers/tune-hashes";

const CRITERIA = "berrys-platform:simulation.criteria.";
const pathOf = (change: { path: readonly (string | number)[] }) => change.path.join(".");

describe("tune() results are unchanged (tests/fixtures/tune-hashes.json; npm run pins:tune after a meant change)", function () {
    this.timeout(600000);
    const expected = JSON.parse(fs.readFileSync(TUNE_HASHES_FILE, "utf8")) as Record<string, string>;
    for (const name of Object.keys(TUNE_CASES)) {
        it(name, () => assert.equal(resultHash(tuneCase(name)), expected[name]));
    }
});

describe("tune() on production, narrowed: the seed's misses fixed at the lowest cost", function () {
    this.timeout(600000);
    const name = "production narrow cost";

    it("before: agent-orchestrator misses the spike's 240 s, web-dashboard flips on the oscillating load, the quota warns twice", () => {
        const misses = tuneCase(name).baseline.misses;
        const missed = (key: string, profile: string, service: string) =>
            misses.some((miss) => miss.key === CRITERIA + key && miss.profile === profile && miss.service === service);
        assert.ok(missed("responseSeconds", "spike", "agent-orchestrator"), JSON.stringify(misses));
        assert.ok(missed("maxDirectionChangesPerHour", "oscillating", "web-dashboard"), JSON.stringify(misses));
        assert.equal(misses.filter((miss) => miss.key === "check").length, 2);
    });

    it("after: every criterion met on every profile at the stack file's levels, and no check finding", () => {
        const result = tuneCase(name);
        assert.equal(result.feasible, true);
        assert.deepEqual(result.best.misses, []);
        // Simulated here, at the baseline's levels, with the simulator's own pieces.
        const input = tuneCaseInput(TUNE_CASES[name]);
        const checked = preflight(result.best.raw, fixtureStack("production").context);
        if (!checked.ok) throw new Error(checked.errors.join("\n"));
        const baseModels = serviceModels(input.baseline);
        for (const each of tunerProfiles(1)) {
            const simulated: SimulationResult = simulate(checked.config, frozen(each, baseModels));
            const failed: string[] = evaluateCriteria(checked.config, simulated)
                .filter((criterion) => !criterion.ok)
                .map((criterion) => criterion.message);
            assert.deepEqual(failed, [], each.name);
        }
    });

    it("the local guarantee: undo any one change and a criterion fails, a check finding returns, or the cost rises", () => {
        const result = tuneCase(name);
        assert.ok(result.changes.length >= 3, JSON.stringify(result.changes));
        const input = tuneCaseInput(TUNE_CASES[name]);
        // A fresh evaluator: nothing shared with the search's cache. Against the proposal as the bar,
        // a candidate stops at its first miss: enough to show it fails or costs more.
        const evaluator = new Evaluator(input);
        for (const change of result.changes) {
            const undone = evaluator.evaluate(withPath(result.best.raw, change.path, change.from, input.raw), {
                bar: result.best,
            });
            assert.ok(
                undone.misses.length > 0 || cents(undone.monthlyCost) > cents(result.best.monthlyCost),
                `undoing ${pathOf(change)} keeps every criterion at $${undone.monthlyCost} <= $${result.best.monthlyCost}`,
            );
        }
    });

    it("the spike's two cures: the smallest headroom with 20 % of 240 s to spare, and the proposal's scale-up window change", () => {
        const spike = tuneCase(name).spike!;
        assert.ok(spike.headroom !== null);
        assert.equal(pathOf(spike.headroom.changes[0]), HEADROOM_PATH.join("."));
        for (const response of spike.headroom.responses) assert.ok(response.margin >= 48, JSON.stringify(response));
        assert.ok(
            spike.scaleUp?.changes.some(
                (change) =>
                    pathOf(change) === "services.agent-orchestrator.behavior.scaleUp.stabilizationWindowSeconds" &&
                    change.from === 60 &&
                    change.to === 0,
            ),
            JSON.stringify(spike.scaleUp),
        );
    });
});

describe("tune() on production with the scale-up windows held: headroom as a knob", function () {
    this.timeout(600000);

    it("the proposal takes headroom, the cheapest way left to meet the spike; undone, the spike's response fails", () => {
        const result = tuneCase("production held headroom");
        assert.equal(result.feasible, true);
        const undo = result.undo.find((each) => pathOf(each.change) === HEADROOM_PATH.join("."));
        assert.ok(undo !== undefined, JSON.stringify(result.changes));
        assert.ok(HELD.headroom.some((size) => JSON.stringify(size) === JSON.stringify(undo.change.to)));
        assert.ok(undo.fails.some((miss) => miss.key === `${CRITERIA}responseSeconds` && miss.profile === "spike"));
        assert.ok(undo.costDelta < 0, "headroom costs the nodes its placeholders keep");
    });
});

describe("tune() with --service: no configuration meets every criterion", function () {
    this.timeout(600000);

    it("agent-orchestrator's settings alone leave web-dashboard flipping: infeasible, the closest raises the quota", () => {
        const result = tuneCase("production narrow agent-orchestrator");
        assert.equal(result.feasible, false);
        assert.deepEqual(result.undo, []);
        assert.ok(
            result.best.misses.some(
                (miss) =>
                    miss.key === `${CRITERIA}maxDirectionChangesPerHour` &&
                    miss.profile === "oscillating" &&
                    miss.service === "web-dashboard",
            ),
        );
        assert.ok(
            result.changes.some(
                (change) =>
                    pathOf(change) === "namespace.quota.limits.cpu" && change.from === "32" && change.to === "58",
            ),
        );
        assert.ok(result.dimensions.every((dim) => dim.path[0] !== "services" || dim.path[1] === "agent-orchestrator"));
    });
});
