// Headroom (addons.clusterAutoscaler.headroom) as capacity/headroom.ts plans it: the units it is split
// into, the capacity report, the drain audit and the checks (the component that renders it:
// tests/components/headroom.test.ts). The production fixture with the issue's headroom (8 CPU,
// 16Gi) is the input.
import { strict as assert } from "assert";
import { drainVerdict } from "../../capacity/drain";
import { headroomCheck, headroomPlan, headroomPods } from "../../capacity/headroom";
import { capacityFindings, formatCapacityTable } from "../../capacity/findings";
import { capacityReport } from "../../capacity/model";
import { addonPodRequests } from "../../capacity/system-pods";
import { ISSUE_HEADROOM, stackWith, withHeadroom } from "../helpers/stacks";

// Worked by hand: an m6i.xlarge offers 3920m and 16384 - (255 + 11 x 58) - 100 = 15391Mi
// (EKS's kube-reserved and the 100Mi hard eviction), 3765m and 15271Mi after the default
// DaemonSet requests (155m, 120Mi). 8 CPU need ceil(8000 / 3765) = 3 units, 16Gi only 2: three
// units of 2667m (8000 / 3, rounded up) and 5462Mi (16384 / 3, rounded up to a whole MiB), one per
// node (two would need 5334m), so three nodes at $0.192/h for 730 h: $420.48 a month.
describe("headroom: units", () => {
    const plan = headroomPlan(withHeadroom())!;

    it("8 CPU and 16Gi become three units of 2667m and 5462Mi, the fewest an m6i.xlarge holds after its DaemonSets", () => {
        assert.equal(plan.units, 3);
        assert.deepEqual(plan.unit, {
            cpuMillicores: 2667,
            memoryBytes: 5462 * 2 ** 20,
            cpu: "2667m",
            memory: "5462Mi",
        });
    });

    it("is off by default: no plan, no placeholder pod", () => {
        const off = stackWith("production", () => undefined);
        assert.equal(headroomPlan(off), null);
        assert.deepEqual(headroomPods(off), []);
        assert.equal(capacityReport(off).headroom, null);
    });

    it("its cost: the three nodes of the group the units fill on their own, at $0.192/h", () => {
        assert.equal(plan.nodeGroup, "default-node-group");
        assert.equal(plan.nodes, 3);
        assert.equal(plan.monthlyCost, 420.48);
    });
});

describe("headroom: capacity, drain audit and checks", () => {
    it("the drain audit: a placeholder pod never pins its node", () => {
        const [pod] = headroomPods(withHeadroom());
        assert.equal(
            drainVerdict(pod, { skipNodesWithLocalStorage: true, skipNodesWithSystemPods: true }).blocks,
            null,
        );
    });

    it("the capacity table shows the units and what they add to the monthly bill; the services' node rows do not count them", () => {
        const config = withHeadroom();
        const report = capacityReport(config, addonPodRequests(config));
        const without = capacityReport(
            stackWith("production", () => undefined),
            addonPodRequests(config),
        );
        assert.deepEqual(
            report.nodes.rows,
            without.nodes.rows,
            "placeholders yield to every service: not a need at max",
        );
        const text = formatCapacityTable(report, []);
        assert.match(
            text,
            new RegExp(
                "headroom \\(addons\\.clusterAutoscaler\\.headroom\\): 8 CPU, 16Gi as 3 placeholder pods .*\\$420\\.48/month",
            ),
        );
    });

    it("warns when the nodes at max size cannot hold the headroom beside the services at min replicas", () => {
        const config = withHeadroom({ cpu: "40", memory: "16Gi" });
        const findings = capacityFindings(config, capacityReport(config, addonPodRequests(config)));
        const found = findings.filter((finding) =>
            finding.message.includes("addons.clusterAutoscaler.headroom (40 CPU"),
        );
        assert.equal(found.length, 1, findings.map((finding) => finding.message).join("\n"));
        assert.equal(found[0].severity, "warning");
        assert.match(found[0].fix, /raise berrys-platform:nodeGroups\.default-node-group\.maxSize to \d+/);
        assert.deepEqual(
            capacityFindings(withHeadroom(), capacityReport(withHeadroom())).filter((finding) =>
                finding.message.includes("headroom"),
            ),
            [],
        );
    });

    it("refuses headroom without cluster-autoscaler, and warns when no service may preempt a placeholder", () => {
        const disabled = headroomCheck({
            ...withHeadroom(),
            addons: {
                ...withHeadroom().addons,
                clusterAutoscaler: { ...withHeadroom().addons.clusterAutoscaler, enabled: false },
            },
        });
        assert.equal(disabled.errors.length, 1);
        assert.match(
            disabled.errors[0],
            /^berrys-platform:addons\.clusterAutoscaler\.headroom \(cpu 8, memory 16Gi\) must come with berrys-platform:addons\.clusterAutoscaler\.enabled true/,
        );
        assert.throws(
            () =>
                withHeadroom(ISSUE_HEADROOM, (raw) => {
                    raw.addons.clusterAutoscaler.enabled = false;
                }),
            /enable cluster-autoscaler, or remove/,
        );
        const standard = headroomCheck(
            withHeadroom(ISSUE_HEADROOM, (raw) => {
                for (const service of Object.values(raw.services) as Record<string, unknown>[])
                    service.priority = "standard";
            }),
        );
        assert.equal(standard.warnings.length, 1);
        assert.match(standard.warnings[0], /taken by no service: only priority critical may preempt/);
        for (const message of [...disabled.errors, ...standard.warnings])
            assert.ok(message.split("\n")[0].length <= 200, message);
        assert.deepEqual(headroomCheck(withHeadroom()), { errors: [], warnings: [] });
    });

    it("refuses a headroom of no CPU or no memory, naming the key", () => {
        assert.throws(
            () => withHeadroom({ cpu: "0", memory: "16Gi" }),
            /addons\.clusterAutoscaler\.headroom\.cpu \("0"\) must be above 0/,
        );
    });
});
