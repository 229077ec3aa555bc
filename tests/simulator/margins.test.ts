// simulator/margins.ts: each verdict states its margin and the assumption it hangs on, the
// break-even computed by re-running the profile (issue 10 item 6).
import { strict as assert } from "assert";
import { profile } from "../../simulator/profiles";
import { CriterionResult, evaluateCriteria, formatReport, verdictMargins } from "../../simulator/report";
import { needsMargin } from "../../simulator/margins";
import { simulate } from "../../simulator/run";
import { stackConfig } from "../helpers/stacks";

describe("simulation criteria: margins and break-evens", () => {
    const criterion = (ok: boolean, value: number, limit: number): CriterionResult => ({
        key: "k",
        criterion: "responseSeconds",
        service: "s",
        value,
        limit,
        ok,
        message: "",
    });
    it("a criterion missed, or met with less than 20 % of its limit to spare, gets a margin; one of limit 0 met does not", () => {
        assert.equal(needsMargin(criterion(false, 290, 240)), true);
        assert.equal(needsMargin(criterion(true, 200, 240)), true, "40 s to spare < 48 s");
        assert.equal(needsMargin(criterion(true, 192, 240)), false, "48 s to spare");
        assert.equal(needsMargin(criterion(true, 0, 0)), false);
    });

    it("production spike: agent-orchestrator's miss hangs on the assumed node provisioning time; the break-even meets it and 5 s more misses it", () => {
        const config = stackConfig("production");
        const spike = profile("spike", config.simulation.seed);
        const result = simulate(config, spike);
        const missed = evaluateCriteria(config, result).find(
            (c) => c.criterion === "responseSeconds" && c.service === "agent-orchestrator",
        )!;
        assert.equal(missed.ok, false);
        const [margin] = verdictMargins(config, result, [missed]);
        assert.equal(margin.margin, 240 - missed.value);
        assert.equal(margin.assumption?.key, "berrys-platform:addons.clusterAutoscaler.nodeProvisioningSeconds");
        assert.equal(margin.assumption?.value, 180);
        const breakEven = margin.assumption!.breakEven!;
        const at = (seconds: number) => {
            const changed = {
                ...config,
                addons: {
                    ...config.addons,
                    clusterAutoscaler: { ...config.addons.clusterAutoscaler, nodeProvisioningSeconds: seconds },
                },
            };
            return evaluateCriteria(changed, simulate(changed, spike)).find(
                (c) => c.criterion === "responseSeconds" && c.service === "agent-orchestrator",
            )!.ok;
        };
        assert.equal(at(breakEven), true, `met at ${breakEven} s`);
        assert.equal(at(breakEven + 5), false, `missed at ${breakEven + 5} s`);
        const report = formatReport(config, result, ["agent-orchestrator"]);
        assert.ok(
            report.includes(
                `    margin: missed by ${missed.value - 240} s; hangs on berrys-platform:addons.clusterAutoscaler.nodeProvisioningSeconds (180 s assumed): met at ${breakEven} s`,
            ),
            report,
        );
    });
});
