// A candidate's verdict (simulator/tuner/evaluator.ts): the cache and the budget's count, the early
// stop against the best so far, and the cost docs/simulator.md states for production.
import { strict as assert } from "assert";
import { tunerProfiles } from "../../../simulator/profiles";
import { Evaluator } from "../../../simulator/tuner/evaluator";
import { withPath } from "../../../simulator/tuner/search-space";
import { TUNE_CASES, tuneCaseInput } from "../../helpers/tune-hashes";

describe("tuner evaluator", function () {
    this.timeout(600000);
    const input = () => tuneCaseInput(TUNE_CASES["production narrow cost"]);

    it("production as the seed gives it: $696.20 a month over the day, 39.8 node-hours (docs/simulator.md)", () => {
        const evaluation = new Evaluator(input()).evaluate(structuredClone(input().raw) as Record<string, unknown>, {
            full: true,
        });
        assert.equal(evaluation.monthlyCost, 696.2);
        assert.equal(evaluation.nodeHours.toFixed(1), "39.8");
        assert.equal(evaluation.full, true);
    });

    it("simulates a candidate once: asked again, the cache answers and the budget's count stays", () => {
        const evaluator = new Evaluator(input());
        const raw = structuredClone(input().raw) as Record<string, unknown>;
        const first = evaluator.evaluate(raw);
        assert.equal(evaluator.evaluations, 1);
        assert.equal(evaluator.evaluate(structuredClone(raw)), first);
        assert.equal(evaluator.evaluations, 1);
    });

    it("against a feasible best, a candidate stops at its first miss and is marked incomplete", () => {
        const evaluator = new Evaluator({ ...input(), profiles: tunerProfiles(1) });
        const raw = input().raw as Record<string, unknown>;
        const fixed = [
            ["namespace", "quota", "requests.cpu", "29"],
            ["namespace", "quota", "limits.cpu", "58"],
            ["services", "agent-orchestrator", "behavior", "scaleUp", "stabilizationWindowSeconds", 0],
            ["services", "agent-orchestrator", "behavior", "scaleDown", "stabilizationWindowSeconds", 420],
            ["services", "web-dashboard", "behavior", "scaleDown", "stabilizationWindowSeconds", 420],
        ].reduce(
            (current, change) => withPath(current, change.slice(0, -1) as string[], change[change.length - 1], raw),
            raw,
        );
        const bar = evaluator.evaluate(fixed, { full: true });
        assert.deepEqual(bar.misses, [], JSON.stringify(bar.misses));
        const worse = withPath(
            fixed,
            ["services", "web-dashboard", "behavior", "scaleDown", "stabilizationWindowSeconds"],
            300,
        );
        const stopped = evaluator.evaluate(worse, { bar });
        assert.equal(stopped.complete, false);
        assert.equal(stopped.misses.length, 1);
    });
});
