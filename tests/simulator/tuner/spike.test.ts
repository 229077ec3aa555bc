// simulator/tuner/spike.ts: the spike's two cures side by side, with the simulations replaced by a
// table of what each candidate's spike response is (the real ones: tests/simulator/tuner/search.test.ts).
import { strict as assert } from "assert";
import type { Evaluation, ProfileCriterion } from "../../../simulator/tuner/evaluator";
import { HEADROOM_PATH, type Change } from "../../../simulator/tuner/search-space";
import { spikeComparison, type SpikeInput } from "../../../simulator/tuner/spike";
import { fixtureStack, stackConfig, stackWith } from "../../helpers/stacks";

const LIMIT = 240;
const SCALE_UP_WINDOW: Change = {
    path: ["services", "agent-orchestrator", "behavior", "scaleUp", "stabilizationWindowSeconds"],
    from: 60,
    to: 0,
};
const SCALE_DOWN_PERCENT: Change = {
    path: ["services", "agent-orchestrator", "behavior", "scaleDown", "policies"],
    from: [],
    to: [],
};

const criterion = (fields: Partial<ProfileCriterion>): ProfileCriterion => ({
    key: "berrys-platform:simulation.criteria.responseSeconds",
    criterion: "responseSeconds",
    service: "agent-orchestrator",
    value: 0,
    limit: LIMIT,
    ok: true,
    message: "",
    profile: "spike",
    ownLevels: false,
    ...fields,
});

/**
 * An evaluation whose spike response is `seconds` and whose cost is `cost`, with criteria the
 * comparison must leave out: another profile's, another criterion's, and a --load file's spike.
 */
function evaluation(raw: Record<string, unknown>, seconds: number, cost: number): Evaluation {
    return {
        raw,
        misses: [],
        excess: 0,
        criteria: [
            criterion({ value: seconds }),
            criterion({ profile: "ramp", value: 999 }),
            criterion({ criterion: "maxReplicasSeconds" as ProfileCriterion["criterion"], value: 999 }),
            criterion({ ownLevels: true, value: 999 }),
        ],
        replicaHours: 0,
        nodeHours: 0,
        monthlyCost: cost,
        complete: true,
        full: true,
    };
}

/** The response and cost each candidate gets: by its headroom's CPU, or by its scale-up window. */
function evaluateBy(responses: Record<string, [seconds: number, cost: number]>) {
    const seen: unknown[] = [];
    const evaluate = (raw: Record<string, any>): Evaluation => {
        const headroom = raw.addons?.clusterAutoscaler?.headroom;
        const window = raw.services?.["agent-orchestrator"]?.behavior?.scaleUp?.stabilizationWindowSeconds;
        const key = headroom !== undefined ? `headroom ${headroom.cpu}` : `window ${window}`;
        seen.push(key);
        const [seconds, cost] = responses[key];
        return evaluation(raw, seconds, cost);
    };
    return { evaluate, seen };
}

const input = (baseline = stackConfig("production")): SpikeInput => ({
    raw: fixtureStack("production").projectConfig,
    baseline,
});
const BASELINE = evaluation({}, 300, 1000);

describe("spikeComparison", () => {
    it("takes the smallest headroom whose spike response keeps 20 % of its limit to spare, and tries no larger one", () => {
        // 240 s less 20 %: 192 s. 2 CPU gives 200 s (met, without margin), 4 CPU 190 s.
        const { evaluate, seen } = evaluateBy({
            "headroom 1": [260, 1100],
            "headroom 2": [200, 1200],
            "headroom 4": [190, 1400.123],
            "window 0": [180, 1000],
        });
        const spike = spikeComparison(input(), BASELINE, [SCALE_UP_WINDOW, SCALE_DOWN_PERCENT], evaluate);
        assert.deepEqual(seen, ["headroom 1", "headroom 2", "headroom 4", "window 0"]);
        assert.deepEqual(spike.headroom, {
            changes: [{ path: HEADROOM_PATH, from: undefined, to: { cpu: "4", memory: "8Gi" } }],
            costDelta: 400.12,
            responses: [{ service: "agent-orchestrator", value: 190, limit: LIMIT, margin: 50 }],
            withMargin: true,
        });
        assert.deepEqual(spike.headroomTried, stackConfig("production").simulation.tuning.headroom);
        assert.deepEqual(spike.scaleUp, {
            changes: [SCALE_UP_WINDOW],
            costDelta: 0,
            responses: [{ service: "agent-orchestrator", value: 180, limit: LIMIT, margin: 60 }],
            withMargin: true,
        });
    });

    it("no headroom when none leaves the margin, and no scale-up option when the proposal changes no scale-up rule", () => {
        const { evaluate } = evaluateBy({
            "headroom 1": [260, 1100],
            "headroom 2": [230, 1200],
            "headroom 4": [200, 1400],
            "headroom 8": [193, 1800],
        });
        const spike = spikeComparison(input(), BASELINE, [SCALE_DOWN_PERCENT], evaluate);
        assert.equal(spike.headroom, null);
        assert.equal(spike.headroomTried.length, 4);
        assert.equal(spike.scaleUp, null);
    });

    it("tries no headroom for a one-service search or without cluster-autoscaler", () => {
        const { evaluate, seen } = evaluateBy({ "window 0": [300, 1000] });
        const withoutAutoscaler = stackWith("production", (raw) => {
            raw.addons = { ...raw.addons, clusterAutoscaler: { ...raw.addons?.clusterAutoscaler, enabled: false } };
        });
        for (const spikeInput of [{ ...input(), service: "agent-orchestrator" }, input(withoutAutoscaler)]) {
            const spike = spikeComparison(spikeInput, BASELINE, [SCALE_UP_WINDOW], evaluate);
            assert.equal(spike.headroom, null);
            assert.deepEqual(spike.headroomTried, []);
            assert.equal(spike.scaleUp?.withMargin, false, "300 s misses the 240 s limit");
            assert.equal(spike.scaleUp?.responses[0].margin, -60);
        }
        assert.deepEqual(seen, ["window 0", "window 0"]);
    });
});
