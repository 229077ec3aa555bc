// The monthly bill is the whole of what the program creates, not the nodes alone: the EKS control
// plane (standard or extended support), the NAT gateways, the nodes' root volumes and Prometheus's
// volumes beside the nodes; Spot nodes are priced at on-demand and the figures say they are an
// upper bound. Prices: us-east-1, 730 h a month (AWS: EKS $0.10/h standard, $0.60/h extended;
// NAT gateway $0.045/h plus $0.005/h for its public IPv4; gp3 $0.08/GiB-month; a KMS key $1/month).
import { strict as assert } from "assert";
import { controlPlaneSupport, formatBill, monthlyBill } from "../../capacity/bill";
import { formatCapacityTable } from "../../capacity/findings";
import { capacityReport } from "../../capacity/model";
import type { PlatformConfig } from "../../config";
import { checkCapacity } from "../../preflight";
import { itKeepsOutput } from "../helpers/capacity-hashes";
import { stackWith } from "../helpers/stacks";

/** One group of 3 to 5 m6i.xlarge with 50 GiB disks, one NAT gateway, two Prometheus replicas of 50Gi. */
function fixture(change: (raw: Record<string, any>) => void = () => undefined): PlatformConfig {
    return stackWith("staging", (raw) => {
        raw.cluster = { ...raw.cluster, version: "1.34" };
        raw.network = { mode: "create", cidrBlock: "10.40.0.0/16", availabilityZoneCount: 3, natGateways: "single" };
        raw.nodeGroups = {
            general: { instanceTypes: ["m6i.xlarge"], minSize: 3, maxSize: 5, desiredSize: 3, diskSizeGiB: 50 },
        };
        raw.addons = { ...raw.addons, prometheus: { mode: "install", replicas: 2, storageSize: "50Gi" } };
        change(raw);
    });
}

const line = (bill: ReturnType<typeof monthlyBill>, item: string) => {
    const found = bill.lines.find((candidate) => candidate.item === item);
    assert.ok(found !== undefined, `no line ${item}`);
    return found;
};

describe("monthly bill: everything the program creates", () => {
    it("Kubernetes 1.34 costs $0.10/h before its standard support ends on 2026-12-02 and $0.60/h after (extended support)", () => {
        const config = fixture();
        const nodes = capacityReport(config).nodes;
        assert.equal(controlPlaneSupport("1.34", "2026-12-02", "EXTENDED"), "standard");
        assert.equal(controlPlaneSupport("1.34", "2026-12-03", "EXTENDED"), "extended");
        assert.deepEqual(line(monthlyBill(config, nodes, "2026-11-01"), "EKS control plane").atMin, 73);
        const extended = monthlyBill(config, nodes, "2026-12-07");
        assert.equal(extended.controlPlane.support, "extended");
        assert.equal(line(extended, "EKS control plane").atMax, 438);
    });

    it("cluster.upgradePolicy.supportType STANDARD never bills extended support: EKS upgrades the control plane at the end of standard support instead", () => {
        assert.equal(controlPlaneSupport("1.34", "2026-12-03", "STANDARD"), "standard");
        const config = fixture();
        const standard = {
            ...config,
            cluster: { ...config.cluster, upgradePolicy: { supportType: "STANDARD" as const } },
        };
        const bill = monthlyBill(standard, capacityReport(standard).nodes, "2026-12-07");
        assert.equal(bill.controlPlane.support, "standard");
        assert.equal(line(bill, "EKS control plane").atMax, 73);
    });

    it("counts the NAT gateways with their addresses, the root volumes at min and max size, and Prometheus's volumes", () => {
        const bill = monthlyBill(fixture(), capacityReport(fixture()).nodes, "2026-11-01");
        assert.equal(line(bill, "NAT gateways").atMin, 36.5);
        assert.deepEqual([line(bill, "node root volumes").atMin, line(bill, "node root volumes").atMax], [12, 20]);
        assert.equal(line(bill, "Prometheus volumes").atMax, 8);
        const nodes = line(bill, "nodes");
        // m6i.xlarge on-demand in us-east-1: $0.192/h.
        assert.deepEqual([nodes.atMin, nodes.atMax], [420.48, 700.8]);
        assert.equal(bill.atMin, 420.48 + 73 + 36.5 + 12 + 8 + 1);
        assert.equal(bill.atMax, 700.8 + 73 + 36.5 + 20 + 8 + 1);
        const perZone = fixture((raw) => {
            raw.network.natGateways = "one-per-az";
        });
        assert.equal(
            line(monthlyBill(perZone, capacityReport(perZone).nodes, "2026-11-01"), "NAT gateways").atMin,
            109.5,
        );
        const external = fixture((raw) => {
            raw.addons.prometheus = { mode: "external", url: "http://prometheus.monitoring.svc:9090" };
        });
        assert.equal(
            line(monthlyBill(external, capacityReport(external).nodes, "2026-11-01"), "Prometheus volumes").atMin,
            0,
        );
    });

    it("a Spot group is priced at on-demand and every total says it is an upper bound", () => {
        const config = fixture((raw) => {
            raw.nodeGroups.spot = {
                instanceTypes: ["m6i.xlarge"],
                minSize: 0,
                maxSize: 4,
                desiredSize: 0,
                capacityType: "SPOT",
            };
        });
        const capacity = checkCapacity(config, "2026-11-01");
        assert.equal(capacity.report.bill.upperBound, true);
        assert.equal(capacity.report.nodes.monthlyCost.upperBound, true);
        assert.match(formatBill(capacity.report.bill), /total .* \(an upper bound: Spot nodes priced at on-demand\)/);
        assert.match(
            formatCapacityTable(capacity.report, capacity.findings),
            /monthly cost .*\(an upper bound: Spot nodes priced at on-demand\)/,
        );
        const onDemand = checkCapacity(fixture(), "2026-11-01");
        assert.equal(onDemand.report.bill.upperBound, false);
        assert.doesNotMatch(formatBill(onDemand.report.bill), /upper bound/);
    });

    it("the capacity output carries the bill as plain JSON, and its printed line names the support state", () => {
        const capacity = checkCapacity(fixture(), "2026-12-07");
        assert.equal(capacity.report.bill.controlPlane.pricePerHour, 0.6);
        assert.match(
            formatBill(capacity.report.bill),
            /^ {2}EKS control plane +\$438\.00 \/ \$438\.00 +\$0\.6\/h, Kubernetes 1\.34 in extended support$/m,
        );
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(capacity.report)));
    });
});

itKeepsOutput("monthlyBill");
