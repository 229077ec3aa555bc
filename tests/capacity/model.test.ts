import * as assert from "assert";
import { PlatformConfig } from "../../config";
import { capacityReport, formatAmount, QuotaRow, SystemPod } from "../../capacity/model";
import { itKeepsOutput } from "../helpers/capacity-hashes";
import { productionWith, smallStaging, stackConfig } from "../helpers/stacks";
import { formatCapacityTable } from "../../capacity/findings";

const GIB = 2 ** 30;
const MIB = 2 ** 20;

function quotaRow(
    config: PlatformConfig,
    resource: QuotaRow["resource"],
    systemPods: readonly SystemPod[] = [],
): QuotaRow {
    return capacityReport(config, systemPods).quota.find((row) => row.resource === resource)!;
}

describe("capacity/model", () => {
    describe("the production stack (the seed's numbers)", () => {
        const config = stackConfig("production");
        const report = capacityReport(config);
        const limit = (name: string) => Number(config.services[name].resources.limits.cpu.replace(/m$/, "e-3"));

        it("agent-orchestrator (10 x 1) and model-orchestration (15 x 2) alone need 40 CPU of limits at max replicas", () => {
            const services = report.services.filter((service) =>
                ["agent-orchestrator", "model-orchestration"].includes(service.name),
            );
            assert.deepStrictEqual(
                services.map((service) => [service.maxReplicas, service.perPod.limits.cpu]),
                [
                    [10, 1],
                    [15, 2],
                ],
            );
            assert.strictEqual(
                services.reduce((total, service) => total + service.maxReplicas * service.perPod.limits.cpu, 0),
                40,
            );
        });

        it("limits.cpu: quota 32 < 10 x 1 + 15 x 2 + 8 x api-gateway's + 6 x web-dashboard's limit needed at max", () => {
            const row = report.quota.find((quota) => quota.resource === "limits.cpu")!;
            const needed = 10 * 1 + 15 * 2 + 8 * limit("api-gateway") + 6 * limit("web-dashboard");
            assert.strictEqual(needed, 45.5);
            assert.strictEqual(row.hard, 32);
            assert.strictEqual(row.atMax, needed);
            assert.strictEqual(row.headroom.atMax, 32 - needed);
            assert.strictEqual(row.atMin, 3 * 1 + 3 * 2 + 2 * limit("api-gateway") + 2 * limit("web-dashboard"));
        });

        it("a rolling update at max adds 25% (rounded up) of each service: 3 + 4 + 2 + 2 pods", () => {
            assert.deepStrictEqual(
                report.services.map((service) => service.surgeAtMax),
                [3, 4, 2, 2],
            );
            const pods = report.quota.find((quota) => quota.resource === "pods")!;
            assert.deepStrictEqual([pods.atMin, pods.atMax, pods.atMaxDuringRollout, pods.hard], [10, 39, 50, 100]);
            assert.strictEqual(
                report.quota.find((quota) => quota.resource === "limits.cpu")!.atMaxDuringRollout,
                45.5 + 3 * 1 + 4 * 2 + 2 * 0.5 + 2 * 0.25,
            );
        });

        it("model-orchestration reaches 8 of 15 replicas with the others at max and 13 with the others at min, stopped by limits.cpu", () => {
            const service = report.services.find((candidate) => candidate.name === "model-orchestration")!;
            // Others at max: 10 + 8 x 0.5 + 6 x 0.25 = 15.5 of 32, leaving 16.5 = 8 pods of 2; at min: 3 + 1 + 0.5 = 4.5, leaving 27.5 = 13.
            assert.deepStrictEqual(service.reachable, {
                othersAtMin: { replicas: 13, limitedBy: "limits.cpu" },
                othersAtMax: { replicas: 8, limitedBy: "limits.cpu" },
            });
        });

        it("requests fit the quota at max (22.6 of 24 CPU) but not a rollout at max (28.8)", () => {
            const row = report.quota.find((quota) => quota.resource === "requests.cpu")!;
            assert.deepStrictEqual([row.atMin, row.atMax, row.atMaxDuringRollout], [5.2, 22.6, 28.8]);
        });

        it("nodes: 10 x m6i.xlarge offer 10 x (3920m - 155m DaemonSets) CPU and 10 x (15391Mi - 120Mi) memory", () => {
            const [cpu, memory] = report.nodes.rows;
            assert.strictEqual(cpu.allocatable, 37.65);
            assert.strictEqual(memory.allocatable, 10 * (15391 - 120) * MIB);
            assert.deepStrictEqual([cpu.atMin, cpu.atMax], [5.2, 22.6]);
            assert.strictEqual(report.nodes.complete, true);
            assert.ok(report.services.every((service) => service.fitsOnANode === true));
        });

        it("connections: 3 pooled services x max replicas x 30 = 990 of 1802 - 3", () => {
            assert.deepStrictEqual(
                report.connections && {
                    budget: report.connections.budget,
                    atMin: report.connections.atMin,
                    atMax: report.connections.atMax,
                    rollout: report.connections.atMaxDuringRollout,
                    largest: report.connections.largestPoolPerPod,
                },
                { budget: 1799, atMin: 240, atMax: 990, rollout: 1260, largest: Math.floor(1799 / 33) },
            );
        });

        it("is plain JSON (the capacity stack output carries it as is)", () => {
            assert.deepStrictEqual(JSON.parse(JSON.stringify(report)), report);
        });
    });

    describe("a staging-sized stack with a quota of 8/16 CPU and 5 x m6i.large", () => {
        const report = capacityReport(smallStaging());
        it("needs 8.3 CPU of requests at max against a quota of 8, and 16.75 of limits against 16", () => {
            const byResource = Object.fromEntries(report.quota.map((row) => [row.resource, row]));
            assert.deepStrictEqual([byResource["requests.cpu"].atMax, byResource["requests.cpu"].hard], [8.3, 8]);
            assert.deepStrictEqual([byResource["limits.cpu"].atMax, byResource["limits.cpu"].hard], [16.75, 16]);
        });
        it("5 x m6i.large hold the requests at max (8.3 of 8.875 CPU) but not a rollout at max (11.15)", () => {
            const cpu = report.nodes.rows[0];
            assert.deepStrictEqual([cpu.available, cpu.atMax, cpu.atMaxDuringRollout], [8.875, 8.3, 11.15]);
        });
    });

    describe("quota arithmetic", () => {
        it("counts CPU in whole millicores, so 3 x 100m is 0.3 and not 0.30000000000000004", () => {
            const config = productionWith((raw) => {
                raw.services = { web: { ...raw.services["web-dashboard"], minReplicas: 3, maxReplicas: 3 } };
            });
            assert.strictEqual(quotaRow(config, "requests.cpu").atMin, 0.3);
        });
        it("a quota key the stack does not set has no hard limit and no headroom", () => {
            const config = productionWith((raw) => {
                delete raw.namespace.quota["limits.memory"];
            });
            const row = quotaRow(config, "limits.memory");
            assert.deepStrictEqual([row.hard, row.headroom.atMax, row.text.hard], [null, null, "none"]);
        });
        it("maxSurge as a count or a percentage, rounded up as the Deployment controller does", () => {
            const config = productionWith((raw) => {
                raw.services["agent-orchestrator"].maxSurge = 1;
                raw.services["model-orchestration"].maxSurge = "10%";
            });
            const report = capacityReport(config);
            assert.deepStrictEqual(
                report.services.slice(0, 2).map((service) => [service.surgeAtMin, service.surgeAtMax]),
                [
                    [1, 1],
                    [1, 2],
                ],
            );
        });
        it("a service alone under a generous quota reaches its maxReplicas, limited by nothing", () => {
            const config = productionWith((raw) => {
                raw.namespace.quota = { pods: "1000" };
            });
            assert.ok(
                capacityReport(config).services.every(
                    (service) =>
                        service.reachable.othersAtMax.replicas === service.maxReplicas &&
                        service.reachable.othersAtMax.limitedBy === null,
                ),
            );
        });
        it("the pods quota stops a service when it is the tightest", () => {
            const config = productionWith((raw) => {
                raw.namespace.quota = { pods: "12" };
            });
            const agent = capacityReport(config).services[0];
            // Others at min: 3 + 2 + 2 = 7 pods, leaving 5.
            assert.deepStrictEqual(agent.reachable.othersAtMin, { replicas: 5, limitedBy: "pods" });
        });
    });

    describe("system pods", () => {
        const config = stackConfig("production");
        const prometheus: SystemPod = {
            name: "prometheus",
            namespace: "monitoring",
            replicas: 2,
            requests: { cpu: 0.5, memory: 2 * GIB },
        };
        it("take node capacity wherever they run", () => {
            const [cpu, memory] = capacityReport(config, [prometheus]).nodes.rows;
            assert.deepStrictEqual([cpu.systemPods, cpu.available], [1, 36.65]);
            assert.strictEqual(memory.systemPods, 4 * GIB);
            assert.strictEqual(cpu.atMax, 22.6, "the services' needs do not change");
        });
        it("count against the quota only in the platform's namespace, with the LimitRange's default limits when they set none", () => {
            assert.strictEqual(quotaRow(config, "pods", [prometheus]).atMin, 10);
            const local = { ...prometheus, namespace: "berrys-production" };
            assert.strictEqual(quotaRow(config, "pods", [local]).atMin, 12);
            assert.strictEqual(quotaRow(config, "requests.cpu", [local]).atMin, 5.2 + 1);
            assert.strictEqual(
                quotaRow(config, "limits.cpu", [local]).atMin,
                10.5 + 2 * 0.5,
                "LimitRange default cpu 500m",
            );
            const [cpu] = capacityReport(config, [local]).nodes.rows;
            assert.deepStrictEqual([cpu.systemPods, cpu.atMin], [1, 5.2], "nodes count them once, as system pods");
        });
    });

    describe("nodes", () => {
        it("a group of several types is sized by the smallest, resource by resource", () => {
            const config = productionWith((raw) => {
                raw.nodeGroups["default-node-group"].instanceTypes = ["c6i.2xlarge", "r6i.xlarge"];
            });
            const group = capacityReport(config).nodes.groups[0];
            // CPU from r6i.xlarge (4 vCPU), memory from c6i.2xlarge (16 GiB).
            assert.deepStrictEqual(group.perNode, { cpu: 3.92, memory: (16384 - 893 - 100) * MIB, pods: 58 });
        });
        it("an unknown type makes the node report incomplete unless guardrails.instanceTypes adds it", () => {
            const unknown = productionWith((raw) => {
                raw.nodeGroups["default-node-group"].instanceTypes = ["x2iedn.xlarge"];
            });
            const report = capacityReport(unknown);
            assert.deepStrictEqual(
                [report.nodes.complete, report.nodes.groups[0].unknownTypes, report.services[0].fitsOnANode],
                [false, ["x2iedn.xlarge"], null],
            );
            const added = productionWith((raw) => {
                raw.nodeGroups["default-node-group"].instanceTypes = ["x2iedn.xlarge"];
                raw.guardrails.instanceTypes = { "x2iedn.xlarge": { vcpu: 4, memoryMiB: 131072, maxPods: 58 } };
            });
            assert.strictEqual(capacityReport(added).nodes.complete, true);
        });
        it("a pod larger than any node does not fit on a node", () => {
            const config = productionWith((raw) => {
                raw.services["model-orchestration"].resources = {
                    requests: { cpu: "4", memory: "1Gi" },
                    limits: { cpu: "4", memory: "2Gi" },
                };
            });
            assert.strictEqual(capacityReport(config).services[1].fitsOnANode, false);
        });
    });

    describe("connections", () => {
        it("are not modelled without guardrails.database", () => {
            const config = productionWith((raw) => {
                delete raw.guardrails.database;
            });
            assert.strictEqual(capacityReport(config).connections, null);
        });
        it("give each service the largest pool that fits with the others at max", () => {
            const config = productionWith((raw) => {
                raw.guardrails.database = { maxConnections: 503, reservedConnections: 3 };
            });
            const connections = capacityReport(config).connections!;
            // 500 for the services; agent-orchestrator's 10 pods share what 450 + 240 leave: (500 - 690) < 0 -> 0.
            assert.deepStrictEqual(
                connections.services.map((service) => service.largestPoolPerPod),
                [0, 0, 0],
            );
            assert.strictEqual(connections.largestPoolPerPod, Math.floor(500 / 33));
        });
    });

    describe("formatAmount", () => {
        const cases: [Parameters<typeof formatAmount>[0], number, string][] = [
            ["cores", 45.5, "45.5"],
            ["cores", 0.155, "0.155"],
            ["cores", -13.5, "-13.5"],
            ["cores", 22.6, "22.6"],
            ["bytes", 48 * GIB, "48Gi"],
            ["bytes", 22.75 * GIB, "22.75Gi"],
            ["bytes", 120 * MIB, "120Mi"],
            ["bytes", 512, "512"],
            ["bytes", -GIB / 2, "-512Mi"],
            ["pods", 39, "39"],
        ];
        for (const [unit, value, text] of cases) {
            it(`${value} ${unit} -> ${text}`, () => assert.strictEqual(formatAmount(unit, value), text));
        }
    });
});

// Issue 21: sidecars (a SQL proxy, a log shipper) add to what a pod requests and what the quota counts.
describe("capacity/model: services.<service>.sidecars, the per-pod sidecar allowance", () => {
    it("adds the allowance to every pod of the service: api-gateway's 8 pods at max request 8 x 100m more CPU and 8 x 64Mi more memory", () => {
        const base = stackConfig("production");
        const withSidecars = productionWith((raw) => {
            raw.services["api-gateway"].sidecars = {
                requests: { cpu: "100m", memory: "64Mi" },
                limits: { cpu: "200m", memory: "128Mi" },
            };
        });
        const maxReplicas = withSidecars.services["api-gateway"].maxReplicas;
        assert.strictEqual(maxReplicas, 8);
        const delta = (resource: QuotaRow["resource"]) =>
            quotaRow(withSidecars, resource).atMax - quotaRow(base, resource).atMax;
        assert.ok(Math.abs(delta("requests.cpu") - maxReplicas * 0.1) < 1e-9, String(delta("requests.cpu")));
        assert.strictEqual(delta("requests.memory"), maxReplicas * 64 * MIB);
        assert.ok(Math.abs(delta("limits.cpu") - maxReplicas * 0.2) < 1e-9, String(delta("limits.cpu")));
        assert.strictEqual(delta("pods"), 0);
    });

    it("refuses an allowance whose request exceeds its limit, by key", () => {
        assert.throws(
            () =>
                productionWith((raw) => {
                    raw.services["api-gateway"].sidecars = {
                        requests: { cpu: "300m", memory: "64Mi" },
                        limits: { cpu: "200m", memory: "128Mi" },
                    };
                }),
            /services\.api-gateway\.sidecars/,
        );
    });
});

itKeepsOutput("capacityReport");

describe("capacity report: monthly cost of the nodes", () => {
    it("production: 3 x m6i.xlarge at min size is $420.48 a month, 10 at max size $1401.60 (3 x 0.192 x 730, 10 x 0.192 x 730)", () => {
        const cost = capacityReport(stackConfig("production")).nodes.monthlyCost;
        assert.deepEqual([cost.atMin, cost.atMax, cost.currency, cost.hoursPerMonth], [420.48, 1401.6, "USD", 730]);
        assert.deepEqual(cost.text, { atMin: "$420.48", atMax: "$1401.60" });
    });

    it("render's table prints the cost at min and at max size", () => {
        const config = stackConfig("production");
        assert.match(
            formatCapacityTable(capacityReport(config), []),
            /\$420\.48 at min size \(3 nodes\), \$1401\.60 at max size \(10 nodes\)/,
        );
    });

    it("a group of several types costs its dearest type; a price override changes the cost", () => {
        const config = productionWith((raw) => {
            raw.nodeGroups["default-node-group"].instanceTypes = ["m6i.xlarge", "m7i.xlarge"];
            raw.simulation = { tuning: { prices: { "m6i.xlarge": 0.3 } } };
        });
        const group = capacityReport(config).nodes.groups[0];
        assert.equal(group.pricePerHour, 0.3);
        assert.deepEqual(group.monthlyCost, { atMin: 657, atMax: 2190 });
    });

    it("a type without a price leaves the cost unknown and the table names the key to set", () => {
        const config = productionWith((raw) => {
            // A type the stack describes itself (guardrails.instanceTypes) has a size but no price.
            raw.guardrails = {
                ...raw.guardrails,
                instanceTypes: { "m8i.xlarge": { vcpu: 4, memoryMiB: 16384, maxPods: 58 } },
            };
            raw.nodeGroups["default-node-group"].instanceTypes = ["m8i.xlarge"];
        });
        const report = capacityReport(config);
        assert.deepEqual([report.nodes.monthlyCost.atMin, report.nodes.monthlyCost.atMax], [null, null]);
        assert.match(
            formatCapacityTable(report, []),
            /no price for default-node-group: set berrys-platform:simulation\.tuning\.prices/,
        );
    });
});
