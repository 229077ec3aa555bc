// schema/services.ts (issue 22, family 1): HPAs the API accepts that can never scale are refused at
// preview. Usage stops at the container's limit (CPU throttled, memory OOM-killed), and the HPA
// acts only when usage passes its target by more than the tolerance (kubernetes v1.34
// pkg/controller/podautoscaler `ReplicaCalculator`, kube-controller-manager
// --horizontal-pod-autoscaler-tolerance default 0.1).
import { strict as assert } from "assert";
import { checkConfig } from "../../preflight";
import { HPA_TOLERANCE } from "../../schema/services";
import { baseStack, RawConfig } from "../helpers/bad-configs";

function errorsWith(change: (raw: RawConfig) => void): string[] {
    const { raw, context } = baseStack();
    change(raw);
    const result = checkConfig(raw, context);
    return result.ok ? [] : result.errors.map((error) => error.split("\n")[0]);
}

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
                errorsWith(withMetric({ type: "Resource", name, averageUtilization: 181 })),
                [],
                `${name}: 181 % x 1.1 = 199.1 % < 200 %`,
            );
        }
        for (const name of ["cpu", "memory"]) {
            assert.equal(
                errorsWith(withMetric({ type: "Resource", name, averageUtilization: 182 })).length,
                1,
                `${name}: 182 % x 1.1 = 200.2 %`,
            );
            const errors = errorsWith(withMetric({ type: "Resource", name, averageUtilization: 190 }));
            assert.deepEqual(errors, [
                `${key}.metrics.0.averageUtilization (190) must be at most 181: pods stop at the ${name} limit (${name === "cpu" ? "1" : "1Gi"}, 200% of the request), ` +
                    "and the HPA scales up only past the target + 10%",
            ]);
        }
    });

    it("refuses a target at exactly the limit's utilization, and one equal to request and limit above 90 %", () => {
        assert.equal(errorsWith(withMetric({ type: "Resource", name: "cpu", averageUtilization: 200 })).length, 1);
        const guaranteed = (raw: RawConfig) => {
            withMetric({ type: "Resource", name: "cpu", averageUtilization: 95 })(raw);
            raw.services["api-gateway"].resources = {
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "1", memory: "1Gi" },
            };
        };
        assert.match(
            errorsWith(guaranteed)[0],
            /averageUtilization \(95\) must be at most 90: pods stop at the cpu limit \(1, 100% of the request\)/,
        );
    });

    it("refuses an average CPU or memory value at or above the container's limit (less the tolerance)", () => {
        assert.deepEqual(
            errorsWith(withMetric({ type: "Resource", name: "cpu", averageValue: "900m" })),
            [],
            "900m x 1.1 = 990m < 1",
        );
        assert.deepEqual(errorsWith(withMetric({ type: "Resource", name: "cpu", averageValue: "1500m" })), [
            `${key}.metrics.0.averageValue ("1500m") must be below the cpu limit (1) by more than the HPA's 10% tolerance: no pod uses more than its limit, so it never scales up`,
        ]);
        assert.equal(
            errorsWith(withMetric({ type: "Resource", name: "memory", averageValue: "1000Mi" })).length,
            1,
            "1000Mi x 1.1 > 1Gi",
        );
    });

    it("refuses scaling disabled in both directions while minReplicas < maxReplicas, and accepts it at a fixed size", () => {
        const disabled = {
            behavior: { scaleUp: { selectPolicy: "Disabled" }, scaleDown: { selectPolicy: "Disabled" } },
        };
        const errors = errorsWith(withMetric({ type: "Resource", name: "cpu", averageUtilization: 70 }, disabled));
        assert.deepEqual(errors, [
            `${key}.behavior.scaleUp.selectPolicy ("Disabled") must not be Disabled with scaleDown's too while minReplicas (2) < maxReplicas (8): the HPA never scales`,
        ]);
        assert.deepEqual(
            errorsWith(
                withMetric(
                    { type: "Resource", name: "cpu", averageUtilization: 70 },
                    { ...disabled, minReplicas: 3, maxReplicas: 3 },
                ),
            ),
            [],
        );
        assert.deepEqual(
            errorsWith(
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
            errorsWith((raw) => {
                raw.services["api-gateway"].resources.requests.memory = "800m";
            }),
            [`${key}.resources.requests.memory ("800m") must be in bytes, not milli-units: 800m is 0.8 bytes`],
        );
        assert.deepEqual(
            errorsWith((raw) => {
                raw.services["api-gateway"].resources.limits.memory = "512";
            }),
            [
                `${key}.resources.limits.memory ("512") must be at least 1Mi (or 0): 512 is 512 bytes, no process runs in that`,
            ],
        );
        assert.equal(errorsWith(withMetric({ type: "Resource", name: "memory", averageValue: "400m" })).length, 1);
        assert.equal(
            errorsWith((raw) => {
                raw.namespace.quota["requests.memory"] = "48m";
            }).filter((error) => error.includes('quota.requests.memory ("48m") must be in bytes')).length,
            1,
        );
        assert.equal(
            errorsWith((raw) => {
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
            errorsWith(() => undefined),
            [],
        );
    });
});
