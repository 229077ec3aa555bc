import { strict as assert } from "assert";
import { ServiceConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { deploymentContract, hpaSpec, metricSpec, pdbSpec } from "../../components/service-scaling";

/** A service as a stack file would give it, parsed by the real parser (defaults applied). */
function service(settings: Record<string, unknown>): ServiceConfig {
    const result = checkConfig(
        {
            cluster: { publicAccessCidrs: ["100.24.0.0/16"] },
            nodeGroups: { ng: { minSize: 1, maxSize: 2, desiredSize: 1 } },
            namespace: { name: "ns", quota: {} },
            // No adapter: the Object metric below needs no rule (an unserved metric is then only a warning).
            addons: { prometheusAdapter: { enabled: false } },
            services: {
                svc: {
                    priority: "standard",
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                    ...settings,
                },
            },
        },
        { stack: "test", region: "us-east-1" },
    );
    if (!result.ok) {
        throw new Error(result.errors.join("\n"));
    }
    return result.config.services.svc;
}

describe("ServiceScaling spec builders", () => {
    it("targets the Deployment named after the service, with min and max replicas", () => {
        const spec = hpaSpec(
            "svc",
            service({
                minReplicas: 2,
                maxReplicas: 6,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
            }),
        );
        assert.deepEqual(spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "svc" });
        assert.equal(spec.minReplicas, 2);
        assert.equal(spec.maxReplicas, 6);
    });

    it("turns each metric kind into its autoscaling/v2 form", () => {
        const cases: [Record<string, unknown>, Record<string, unknown>][] = [
            [
                { type: "Resource", name: "cpu", averageUtilization: 65 },
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } },
                },
            ],
            [
                { type: "Resource", name: "memory", averageValue: "200Mi" },
                {
                    type: "Resource",
                    resource: { name: "memory", target: { type: "AverageValue", averageValue: "200Mi" } },
                },
            ],
            [
                { type: "Pods", name: "model_requests_per_second", averageValue: 20 },
                {
                    type: "Pods",
                    pods: {
                        metric: { name: "model_requests_per_second" },
                        target: { type: "AverageValue", averageValue: "20" },
                    },
                },
            ],
            [
                { type: "Pods", name: "http_requests_per_second", averageValue: "100", selector: { route: "api" } },
                {
                    type: "Pods",
                    pods: {
                        metric: { name: "http_requests_per_second", selector: { matchLabels: { route: "api" } } },
                        target: { type: "AverageValue", averageValue: "100" },
                    },
                },
            ],
            [
                {
                    type: "Object",
                    name: "queue_depth",
                    describedObject: { apiVersion: "v1", kind: "Service", name: "queue" },
                    value: "30",
                },
                {
                    type: "Object",
                    object: {
                        metric: { name: "queue_depth" },
                        describedObject: { apiVersion: "v1", kind: "Service", name: "queue" },
                        target: { type: "Value", value: "30" },
                    },
                },
            ],
        ];
        for (const [input, expected] of cases) {
            const settings = service({ minReplicas: 1, maxReplicas: 2, metrics: [input] });
            assert.deepEqual(metricSpec(settings.metrics[0]), expected, JSON.stringify(input));
        }
    });

    it("leaves behavior out when the config has none, so Kubernetes' defaults apply", () => {
        const spec = hpaSpec(
            "svc",
            service({
                minReplicas: 1,
                maxReplicas: 2,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
            }),
        );
        assert.equal("behavior" in spec, false);
    });

    it("copies scale-up and scale-down windows, policies and selectPolicy", () => {
        const spec = hpaSpec(
            "svc",
            service({
                minReplicas: 1,
                maxReplicas: 4,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
                behavior: {
                    scaleUp: {
                        stabilizationWindowSeconds: 0,
                        selectPolicy: "Max",
                        policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
                    },
                    scaleDown: { selectPolicy: "Disabled" },
                },
            }),
        );
        assert.deepEqual(spec.behavior, {
            scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [{ type: "Pods", value: 4, periodSeconds: 15 }],
            },
            scaleDown: { selectPolicy: "Disabled" },
        });
    });

    it("selects app: <service> in the PDB and lets unhealthy pods be evicted by default", () => {
        const spec = pdbSpec(
            "svc",
            service({
                minReplicas: 3,
                maxReplicas: 5,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
                pdb: { minAvailable: 2 },
            }),
        );
        assert.deepEqual(spec, {
            selector: { matchLabels: { app: "svc" } },
            minAvailable: 2,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
    });

    it("creates no PDB when the service has none", () => {
        assert.equal(
            pdbSpec(
                "svc",
                service({
                    minReplicas: 1,
                    maxReplicas: 2,
                    metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
                }),
            ),
            undefined,
        );
    });

    it("publishes the contract an app team's Deployment must meet", () => {
        const contract = deploymentContract(
            "svc",
            service({
                minReplicas: 1,
                maxReplicas: 2,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
            }),
        );
        assert.equal(contract.priorityClassName, "berrys-standard");
        assert.deepEqual(contract.labels, { app: "svc" });
        assert.deepEqual(contract.metricsPort, { name: "metrics", containerPort: 8000, path: "/metrics" });
        assert.equal(contract.pdbName, null);
    });

    it("publishes requests and limits as the API server stores them, the strings admission compares (1000m -> 1, 0.5Gi -> 512Mi, YAML 2 -> 2)", () => {
        const contract = deploymentContract(
            "svc",
            service({
                minReplicas: 1,
                maxReplicas: 2,
                metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
                resources: { requests: { cpu: "1000m", memory: "0.5Gi" }, limits: { cpu: 2, memory: "2048Mi" } },
            }),
        );
        assert.deepEqual(contract.resources, {
            requests: { cpu: "1", memory: "512Mi" },
            limits: { cpu: "2", memory: "2Gi" },
        });
    });
});
