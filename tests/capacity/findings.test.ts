import * as assert from "assert";
import { ConfigCheck, PlatformConfig } from "../../config";
import { capacityFindings, Finding, formatCapacityTable, formatFinding } from "../../capacity/findings";
import { capacityReport } from "../../capacity/model";
import { runChecks } from "../../preflight";
import { itKeepsOutput } from "../helpers/capacity-hashes";
import { productionWith, smallStaging, stackConfig } from "../helpers/stacks";

function findings(config: PlatformConfig, checks: readonly ConfigCheck[] = []): Finding[] {
    return capacityFindings(config, capacityReport(config), runChecks(config, checks));
}

/** A parsed config with one service replaced by hand: for settings the schema itself rejects. */
function withService(
    config: PlatformConfig,
    name: string,
    change: Partial<PlatformConfig["services"][string]>,
): PlatformConfig {
    return { ...config, services: { ...config.services, [name]: { ...config.services[name], ...change } } };
}

describe("capacity/findings", () => {
    describe("the production stack shows the seed's limits.cpu warning", () => {
        const found = findings(stackConfig("production"));
        const limitsCpu = found.find((finding) => finding.keys.includes("berrys-platform:namespace.quota.limits.cpu"))!;

        it("as a warning, not an error: the platform runs at min replicas", () => {
            assert.ok(limitsCpu);
            assert.strictEqual(limitsCpu.severity, "warning");
            assert.ok(found.every((finding) => finding.severity === "warning"));
        });
        it("with the numbers: quota 32 < 45.5 needed at max, and model-orchestration reaching 8 of 15", () => {
            assert.strictEqual(
                formatFinding(limitsCpu),
                "berrys-platform:namespace.quota.limits.cpu (32) < 45.5 needed at max replicas: model-orchestration reaches 8 of 15 replicas " +
                    "(13 while the others are at min)\n" +
                    "agent-orchestrator 10 x 1 + model-orchestration 15 x 2 + api-gateway 8 x 500m + web-dashboard 6 x 250m at max replicas; " +
                    "raise berrys-platform:namespace.quota.limits.cpu to 45.5 (58 to also fit every rolling update) or lower maxReplicas",
            );
        });
        it("naming the quota key and the maxReplicas it blocks", () => {
            assert.deepStrictEqual(limitsCpu.keys, [
                "berrys-platform:namespace.quota.limits.cpu",
                "berrys-platform:services.agent-orchestrator.maxReplicas",
                "berrys-platform:services.model-orchestration.maxReplicas",
                "berrys-platform:services.api-gateway.maxReplicas",
                "berrys-platform:services.web-dashboard.maxReplicas",
            ]);
        });
        it("and exactly one more: requests.cpu cannot hold every service's rolling update at max (28.8 > 24)", () => {
            assert.deepStrictEqual(
                found.map((finding) => finding.message.split(" needed")[0]),
                [
                    "berrys-platform:namespace.quota.requests.cpu (24) < 28.8",
                    "berrys-platform:namespace.quota.limits.cpu (32) < 45.5",
                ],
            );
            assert.match(found[0].message, /while every service rolls out at max replicas: /);
            assert.match(
                found[0].fix,
                /^maxSurge adds agent-orchestrator 3, model-orchestration 4, api-gateway 2, web-dashboard 2 pods; /,
            );
            assert.ok(found[0].keys.includes("berrys-platform:services.model-orchestration.maxSurge"));
        });
        it("and no connection finding: 990 connections at max fit db.r6g.large's 1802 - 3", () => {
            assert.ok(
                !found.some((finding) => finding.keys[0] === "berrys-platform:guardrails.database.maxConnections"),
            );
        });
    });

    describe("the staging stack", () => {
        it("has no findings: its quota and nodes hold every service at max replicas during a rollout", () => {
            assert.deepStrictEqual(findings(stackConfig("staging")), []);
        });
    });

    describe("a staging-sized stack with a quota of 8/16 CPU and 5 x m6i.large", () => {
        const found = findings(smallStaging());
        it("warns on requests.cpu and limits.cpu at max, and on node CPU during a rollout at max", () => {
            assert.deepStrictEqual(
                found.map((finding) => [finding.severity, finding.message.split(":").slice(0, 2).join(":")]),
                [
                    ["warning", "berrys-platform:namespace.quota.requests.cpu (8) < 8.3 needed at max replicas"],
                    ["warning", "berrys-platform:namespace.quota.limits.cpu (16) < 16.75 needed at max replicas"],
                    [
                        "warning",
                        "berrys-platform:nodeGroups (5 x m6i.large) offer less than the 11.15 of cpu requested while every service rolls out at max replicas",
                    ],
                ],
            );
            assert.match(
                found[0].fix,
                /^agent-orchestrator 4 x 500m \+ model-orchestration 5 x 1 \+ api-gateway 4 x 250m \+ web-dashboard 3 x 100m at max replicas; /,
            );
            assert.match(found[2].message, /: 8\.875 allocatable at max size$/);
            assert.match(
                found[2].fix,
                /raise berrys-platform:nodeGroups\.default-node-group\.maxSize to 7 or use a larger instance type$/,
            );
        });
    });

    describe("guardrails.warningsAsErrors", () => {
        it("turns every warning into an error", () => {
            const config = productionWith((raw) => {
                raw.guardrails.warningsAsErrors = true;
            });
            const found = findings(config);
            assert.strictEqual(found.length, 2);
            assert.ok(found.every((finding) => finding.severity === "error"));
        });
    });

    describe("errors: the platform cannot run even at min replicas", () => {
        it("a quota below the needs at min replicas", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.namespace.quota["requests.memory"] = "4Gi";
                }),
            );
            const error = found.find(
                (finding) => finding.keys[0] === "berrys-platform:namespace.quota.requests.memory",
            )!;
            assert.strictEqual(error.severity, "error");
            assert.match(
                error.message,
                /^berrys-platform:namespace\.quota\.requests\.memory \(4Gi\) must be >= 5\.25Gi, what the services need at min replicas/,
            );
            assert.match(error.message, /model-orchestration starts 1 of its 3 minReplicas$/);
            assert.match(error.fix, /^agent-orchestrator 3 x 512Mi \+ model-orchestration 3 x 1Gi/);
            assert.strictEqual(
                found.filter((finding) => finding.keys[0] === "berrys-platform:namespace.quota.requests.memory").length,
                1,
                "no second finding at max for the same key",
            );
            assert.strictEqual(found[0], error, "errors come first");
        });
        it("nodes too small for the requests at min replicas", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.nodeGroups["default-node-group"] = {
                        ...raw.nodeGroups["default-node-group"],
                        instanceTypes: ["t3.medium"],
                        minSize: 1,
                        maxSize: 2,
                        desiredSize: 1,
                    };
                }),
            );
            const error = found.find((finding) => finding.message.includes(" of cpu requested"))!;
            assert.strictEqual(error.severity, "error");
            assert.strictEqual(
                error.message,
                "berrys-platform:nodeGroups (2 x t3.medium) must offer the 5.2 of cpu requested at min replicas: 3.55 allocatable at max size",
            );
            assert.match(
                error.fix,
                /raise berrys-platform:nodeGroups\.default-node-group\.maxSize to 3 or use a larger instance type$/,
            );
        });
        it("a pod that fits on no node", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.services["model-orchestration"].resources = {
                        requests: { cpu: "4", memory: "1Gi" },
                        limits: { cpu: "4", memory: "2Gi" },
                    };
                }),
            );
            const error = found.find(
                (finding) => finding.keys[0] === "berrys-platform:services.model-orchestration.resources.requests",
            )!;
            assert.strictEqual(error.severity, "error");
            assert.match(
                error.message,
                /must fit on a node: the largest offers 3\.765 CPU and 14\.91Gi after its DaemonSets/,
            );
        });
        it("an unknown instance type is an error whose fix is berrys-platform:guardrails.instanceTypes, not a guess and not silence", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.nodeGroups["default-node-group"].instanceTypes = ["x2iedn.xlarge"];
                }),
            );
            const error = found.find(
                (finding) => finding.keys[0] === "berrys-platform:nodeGroups.default-node-group.instanceTypes",
            )!;
            assert.strictEqual(error.severity, "error");
            assert.deepStrictEqual(error.keys, [
                "berrys-platform:nodeGroups.default-node-group.instanceTypes",
                "berrys-platform:guardrails.instanceTypes",
            ]);
            assert.strictEqual(
                error.fix,
                "add berrys-platform:guardrails.instanceTypes.x2iedn.xlarge with its vcpu, memoryMiB and maxPods",
            );
            // guardrails.instanceTypes is the way out: described there, the type is known and sized.
            const described = findings(
                productionWith((raw) => {
                    raw.nodeGroups["default-node-group"].instanceTypes = ["x2iedn.xlarge"];
                    raw.guardrails = {
                        ...raw.guardrails,
                        instanceTypes: { "x2iedn.xlarge": { vcpu: 4, memoryMiB: 131072, maxPods: 58 } },
                    };
                }),
            );
            assert.ok(!described.some((finding) => finding.keys.includes("berrys-platform:guardrails.instanceTypes")));
            assert.ok(!found.some((finding) => finding.message.startsWith("berrys-platform:nodeGroups (")));
        });
    });

    describe("PodDisruptionBudgets against minReplicas (pdbAllowedDisruptions)", () => {
        const production = stackConfig("production");
        it("minAvailable above minReplicas can never be satisfied", () => {
            const found = findings(
                withService(production, "agent-orchestrator", {
                    pdb: { minAvailable: 4, unhealthyPodEvictionPolicy: "AlwaysAllow" },
                }),
            );
            assert.deepStrictEqual(found[0], {
                severity: "error",
                keys: [
                    "berrys-platform:services.agent-orchestrator.pdb.minAvailable",
                    "berrys-platform:services.agent-orchestrator.minReplicas",
                ],
                message:
                    "berrys-platform:services.agent-orchestrator.pdb.minAvailable (4) must ask for fewer than minReplicas (3) pods, not 4: " +
                    "the budget is never met and blocks every eviction",
                fix: "use minAvailable <= 2, or raise minReplicas to 5",
            });
        });
        const blocking: [string, PlatformConfig["services"][string]["pdb"]][] = [
            ["minAvailable equal to minReplicas", { minAvailable: 3, unhealthyPodEvictionPolicy: "AlwaysAllow" }],
            ["minAvailable 100%", { minAvailable: "100%", unhealthyPodEvictionPolicy: "AlwaysAllow" }],
            ["maxUnavailable 0", { maxUnavailable: 0, unhealthyPodEvictionPolicy: "AlwaysAllow" }],
            [
                "maxUnavailable 10% of 3 (rounds down to 0)",
                { maxUnavailable: "10%", unhealthyPodEvictionPolicy: "AlwaysAllow" },
            ],
        ];
        for (const [title, pdb] of blocking) {
            it(`${title} blocks every eviction`, () => {
                const found = findings(withService(production, "agent-orchestrator", { pdb }));
                assert.strictEqual(found[0].severity, "error");
                assert.match(
                    found[0].message,
                    /must allow one eviction at minReplicas \(3\): it would block every node drain/,
                );
            });
        }
        it("the stacks' budgets allow an eviction at minReplicas", () => {
            for (const stack of ["production", "staging"]) {
                assert.ok(
                    !findings(stackConfig(stack)).some((finding) => finding.keys.some((key) => key.includes(".pdb."))),
                );
            }
        });
    });

    describe("HPAs", () => {
        it("a utilization target on a resource the container does not request is an error", () => {
            const production = stackConfig("production");
            const service = production.services["web-dashboard"];
            const found = findings(
                withService(production, "web-dashboard", {
                    resources: { ...service.resources, requests: { ...service.resources.requests, cpu: "0" } },
                }),
            );
            const error = found.find(
                (finding) => finding.keys[0] === "berrys-platform:services.web-dashboard.metrics.0",
            )!;
            assert.strictEqual(error.severity, "error");
            assert.strictEqual(
                error.message,
                "berrys-platform:services.web-dashboard.resources.requests.cpu (0) must be > 0 " +
                    "for the 70% cpu utilization target of metrics.0: the HPA divides usage by the request",
            );
        });
        it("config cross-checks (such as an HPA metric the adapter has no rule for) join the findings as they are", () => {
            const check: ConfigCheck = () => ({
                errors: [
                    "berrys-platform:services.api-gateway.metrics.2.name (http_requests_per_second) must be a metric an adapter rule serves\nadd a rule under berrys-platform:addons.prometheusAdapter.rules",
                ],
                warnings: [],
            });
            const found = findings(stackConfig("production"), [check]);
            assert.deepStrictEqual(found[0], {
                severity: "error",
                keys: [
                    "berrys-platform:services.api-gateway.metrics.2.name",
                    "berrys-platform:addons.prometheusAdapter.rules",
                ],
                message:
                    "berrys-platform:services.api-gateway.metrics.2.name (http_requests_per_second) must be a metric an adapter rule serves",
                fix: "add a rule under berrys-platform:addons.prometheusAdapter.rules",
            });
        });
    });

    describe("database connections", () => {
        it("over the budget at max replicas is a warning with the largest pool that fits", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.guardrails.database = { maxConnections: 503 };
                }),
            );
            const warning = found.find(
                (finding) => finding.keys[0] === "berrys-platform:guardrails.database.maxConnections",
            )!;
            assert.strictEqual(warning.severity, "warning");
            assert.strictEqual(
                warning.message,
                "berrys-platform:guardrails.database.maxConnections (503) is below the 990 connections the pools open " +
                    'at max replicas (3 reserved): new ones fail with "too many clients"',
            );
            assert.strictEqual(
                warning.fix,
                "agent-orchestrator 10 x 30 + model-orchestration 15 x 30 + api-gateway 8 x 30; " +
                    "lower poolSize + maxOverflow to at most 15 per pod, put a pooler (RDS Proxy, PgBouncer) in front, or raise max_connections to 993",
            );
            assert.deepStrictEqual(warning.keys, [
                "berrys-platform:guardrails.database.maxConnections",
                "berrys-platform:services.agent-orchestrator.database",
                "berrys-platform:services.model-orchestration.database",
                "berrys-platform:services.api-gateway.database",
            ]);
        });
        it("over the budget at min replicas is an error", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.guardrails.database = { maxConnections: 200 };
                }),
            );
            const error = found.find(
                (finding) => finding.keys[0] === "berrys-platform:guardrails.database.maxConnections",
            )!;
            assert.strictEqual(error.severity, "error");
            assert.match(
                error.message,
                /^berrys-platform:guardrails\.database\.maxConnections \(200\) must cover the 240 connections the pools open at min replicas/,
            );
        });
        it("within the budget at max but not during a rollout at max is a warning", () => {
            const found = findings(
                productionWith((raw) => {
                    raw.guardrails.database = { maxConnections: 1000 };
                }),
            );
            const warning = found.find(
                (finding) => finding.keys[0] === "berrys-platform:guardrails.database.maxConnections",
            )!;
            assert.match(
                warning.message,
                /^berrys-platform:guardrails\.database\.maxConnections \(1000\) is below the 1260 connections the pools open while every service rolls out/,
            );
        });
    });

    describe("formatCapacityTable", () => {
        const config = stackConfig("production");
        const report = capacityReport(config);
        const text = formatCapacityTable(report, capacityFindings(config, report));
        it("shows quota, reach, nodes, connections and findings with headroom", () => {
            for (const line of [
                "  limits.cpu         32    10.5     45.5           58            -13.5",
                "  model-orchestration    3   15  13 (limits.cpu)  8 (limits.cpu)",
                "  cpu             37.65            0     5.2     22.6         28.8            15.05",
                "  total                                  240     990         1260    54 (every pod alike)",
                "Findings (0 errors, 2 warnings)",
            ]) {
                assert.ok(text.includes(line), `missing line:\n${line}\nin:\n${text}`);
            }
        });
        it("says when the connection check is off", () => {
            const off = productionWith((raw) => {
                delete raw.guardrails.database;
            });
            assert.match(formatCapacityTable(capacityReport(off), []), /Database connections: not checked/);
        });
    });
});

itKeepsOutput("capacityTable");
