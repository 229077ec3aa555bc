// schema/services.ts (issue 22, family 1): HPAs the API accepts that can never scale are refused at
// preview. Usage stops at the container's limit (CPU throttled, memory OOM-killed), and the HPA
// acts only when usage passes its target by more than the tolerance (kubernetes v1.34
// pkg/controller/podautoscaler `ReplicaCalculator`, kube-controller-manager
// --horizontal-pod-autoscaler-tolerance default 0.1).
import { strict as assert } from "assert";
import { checkConfig } from "../../preflight";
import { HPA_TOLERANCE } from "../../schema/services";
import { assertRejected, errorLines, errorsOf, productionRaw, RawConfig } from "../helpers/bad-configs";

/** A service with requests 500m / 512Mi and limits 1 / 1Gi (a limit twice the request) and one metric. */
function withMetric(metric: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return (raw: RawConfig) => {
        raw.services["api-gateway"] = {
            ...raw.services["api-gateway"],
            resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            metrics: [metric],
            ...extra,
        };
    };
}

const key = "berrys-platform:services.api-gateway";

describe("HPAs that can never scale (issue 22, family 1)", () => {
    it("the HPA's tolerance is kube-controller-manager's default, 10 %", () => {
        assert.equal(HPA_TOLERANCE, 0.1);
    });

    it("refuses a utilization target the limit/request ratio cannot reach once the tolerance is added, for cpu and memory", () => {
        // Limit = 2 x request: usage tops out at 200 %; the HPA scales up past target x 1.1.
        for (const name of ["cpu", "memory"]) {
            assert.deepEqual(
                errorLines(withMetric({ type: "Resource", name, averageUtilization: 181 })),
                [],
                `${name}: 181 % x 1.1 = 199.1 % < 200 %`,
            );
        }
        for (const name of ["cpu", "memory"]) {
            assert.equal(
                errorLines(withMetric({ type: "Resource", name, averageUtilization: 182 })).length,
                1,
                `${name}: 182 % x 1.1 = 200.2 %`,
            );
            const errors = errorLines(withMetric({ type: "Resource", name, averageUtilization: 190 }));
            assert.deepEqual(errors, [
                `${key}.metrics.0.averageUtilization (190) must be at most 181: pods stop at the ${name} limit (${name === "cpu" ? "1" : "1Gi"}, 200% of the request), ` +
                    "and the HPA scales up only past the target + 10%",
            ]);
        }
    });

    it("refuses a target at exactly the limit's utilization, and one equal to request and limit above 90 %", () => {
        assert.equal(errorLines(withMetric({ type: "Resource", name: "cpu", averageUtilization: 200 })).length, 1);
        const guaranteed = (raw: RawConfig) => {
            withMetric({ type: "Resource", name: "cpu", averageUtilization: 95 })(raw);
            raw.services["api-gateway"].resources = {
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "1", memory: "1Gi" },
            };
        };
        assert.match(
            errorLines(guaranteed)[0],
            /averageUtilization \(95\) must be at most 90: pods stop at the cpu limit \(1, 100% of the request\)/,
        );
    });

    it("refuses an average CPU or memory value at or above the container's limit (less the tolerance)", () => {
        assert.deepEqual(
            errorLines(withMetric({ type: "Resource", name: "cpu", averageValue: "900m" })),
            [],
            "900m x 1.1 = 990m < 1",
        );
        assert.deepEqual(errorLines(withMetric({ type: "Resource", name: "cpu", averageValue: "1500m" })), [
            `${key}.metrics.0.averageValue ("1500m") must be below the cpu limit (1) by more than the HPA's 10% tolerance: no pod uses more than its limit, so it never scales up`,
        ]);
        assert.equal(
            errorLines(withMetric({ type: "Resource", name: "memory", averageValue: "1000Mi" })).length,
            1,
            "1000Mi x 1.1 > 1Gi",
        );
    });

    it("refuses scaling disabled in both directions while minReplicas < maxReplicas, and accepts it at a fixed size", () => {
        const disabled = {
            behavior: { scaleUp: { selectPolicy: "Disabled" }, scaleDown: { selectPolicy: "Disabled" } },
        };
        const errors = errorLines(withMetric({ type: "Resource", name: "cpu", averageUtilization: 70 }, disabled));
        assert.deepEqual(errors, [
            `${key}.behavior.scaleUp.selectPolicy ("Disabled") must not be Disabled with scaleDown's too while minReplicas (2) < maxReplicas (8): the HPA never scales`,
        ]);
        assert.deepEqual(
            errorLines(
                withMetric(
                    { type: "Resource", name: "cpu", averageUtilization: 70 },
                    { ...disabled, minReplicas: 3, maxReplicas: 3 },
                ),
            ),
            [],
        );
        assert.deepEqual(
            errorLines(
                withMetric(
                    { type: "Resource", name: "cpu", averageUtilization: 70 },
                    { behavior: { scaleDown: { selectPolicy: "Disabled" } } },
                ),
            ),
            [],
        );
    });

    it("refuses memory quantities off by orders of magnitude (milli-units, a few bytes) wherever memory is given", () => {
        assert.deepEqual(
            errorLines((raw) => {
                raw.services["api-gateway"].resources.requests.memory = "800m";
            }),
            [`${key}.resources.requests.memory ("800m") must be in bytes, not milli-units: 800m is 0.8 bytes`],
        );
        assert.deepEqual(
            errorLines((raw) => {
                raw.services["api-gateway"].resources.limits.memory = "512";
            }),
            [
                `${key}.resources.limits.memory ("512") must be at least 1Mi (or 0): 512 is 512 bytes, no process runs in that`,
            ],
        );
        assert.equal(errorLines(withMetric({ type: "Resource", name: "memory", averageValue: "400m" })).length, 1);
        assert.equal(
            errorLines((raw) => {
                raw.namespace.quota["requests.memory"] = "48m";
            }).filter((error) => error.includes('quota.requests.memory ("48m") must be in bytes')).length,
            1,
        );
        assert.equal(
            errorLines((raw) => {
                raw.addons = {
                    prometheus: {
                        mode: "install",
                        resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4000m" } },
                    },
                };
            }).length,
            1,
        );
        // The seed's values and 0 (no request) pass.
        assert.deepEqual(
            errorLines(() => undefined),
            [],
        );
    });
});

describe("schema/services: settings Kubernetes or the HPA controller would refuse, rejected with the key, the value and the rule", () => {
    it("minReplicas above maxReplicas", () => {
        const raw = productionRaw();
        raw.services["api-gateway"].maxReplicas = 1;
        assertRejected(errorsOf(raw), "services.api-gateway.maxReplicas", /\(1\) must be >= minReplicas \(2\)/);
    });

    it("a utilization target of 0 or below", () => {
        for (const value of [0, -5]) {
            const raw = productionRaw();
            raw.services["web-dashboard"].metrics[0].averageUtilization = value;
            assertRejected(
                errorsOf(raw),
                "services.web-dashboard.metrics.0.averageUtilization",
                new RegExp(`\\(${value}\\) must be > 0`),
            );
        }
    });

    it("a utilization target above 100 is legal but warned about", () => {
        const raw = productionRaw();
        raw.services["web-dashboard"].metrics[0].averageUtilization = 120;
        const result = checkConfig(raw, { stack: "production", region: "us-east-1" });
        assert.ok(result.ok);
        const utilization = result.warnings.filter((warning) => warning.includes("averageUtilization"));
        assert.equal(utilization.length, 1);
        assert.match(
            utilization[0],
            /^berrys-platform:services\.web-dashboard\.metrics\.0\.averageUtilization \(120\) is above 100/,
        );
    });

    it("an unknown metric type", () => {
        const raw = productionRaw();
        raw.services["api-gateway"].metrics[2].type = "External";
        assertRejected(errorsOf(raw), "services.api-gateway.metrics.2.type", /must have type Resource, Pods or Object/);
    });

    it("behavior policies Kubernetes would reject: periodSeconds outside 1-1800", () => {
        for (const value of [0, 1801]) {
            const raw = productionRaw();
            raw.services["model-orchestration"].behavior.scaleUp.policies[0].periodSeconds = value;
            assertRejected(
                errorsOf(raw),
                "services.model-orchestration.behavior.scaleUp.policies.0.periodSeconds",
                /must be between 1 and 1800 seconds/,
            );
        }
    });

    it("behavior policies Kubernetes would reject: a stabilization window outside 0-3600", () => {
        for (const value of [-1, 3601]) {
            const raw = productionRaw();
            raw.services["model-orchestration"].behavior.scaleDown.stabilizationWindowSeconds = value;
            assertRejected(
                errorsOf(raw),
                "services.model-orchestration.behavior.scaleDown.stabilizationWindowSeconds",
                /must be between 0 and 3600 seconds/,
            );
        }
    });

    it("behavior policies Kubernetes would reject: a policy value of 0 or below", () => {
        const raw = productionRaw();
        raw.services["agent-orchestrator"].behavior.scaleDown.policies[0].value = 0;
        assertRejected(
            errorsOf(raw),
            "services.agent-orchestrator.behavior.scaleDown.policies.0.value",
            /\(0\) must be > 0/,
        );
    });

    it("a PDB with both minAvailable and maxUnavailable", () => {
        const raw = productionRaw();
        raw.services["agent-orchestrator"].pdb = { minAvailable: 2, maxUnavailable: 1 };
        assertRejected(
            errorsOf(raw),
            "services.agent-orchestrator.pdb",
            /must set exactly one of minAvailable and maxUnavailable/,
        );
    });

    it("a PDB that forbids every eviction at minReplicas", () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ minAvailable: 3 }, "minAvailable"],
            [{ minAvailable: "100%" }, "minAvailable"],
            [{ maxUnavailable: 0 }, "maxUnavailable"],
            [{ maxUnavailable: "10%" }, "maxUnavailable"], // 10 % of 3 rounds down to 0
        ];
        for (const [pdb, key] of cases) {
            const raw = productionRaw();
            raw.services["agent-orchestrator"].pdb = pdb;
            assertRejected(
                errorsOf(raw),
                `services.agent-orchestrator.pdb.${key}`,
                /must allow one eviction at minReplicas \(3\)/,
            );
        }
    });
});
