// The real stack files, run through the real program: every number of the seed (the product's
// Auto-scaling Configuration Guide, docs/seed.md) pinned on what the program declares.
import { strict as assert } from "assert";
import { MockRun } from "../tools/mock-engine";
import { kubernetesObject, resource, runStack } from "./helpers/program";

/** The seed's HPA table (issue 2, item 7): min, max, cpu %, memory %, Pods metric, windows and policies. */
const SEED_HPAS = [
    { service: "agent-orchestrator", min: 3, max: 10, cpu: 70, memory: 80, pods: undefined, upWindow: 60 },
    {
        service: "model-orchestration",
        min: 3,
        max: 15,
        cpu: 65,
        memory: 80,
        pods: { name: "model_requests_per_second", averageValue: "20" },
        upWindow: 30,
    },
    {
        service: "api-gateway",
        min: 2,
        max: 8,
        cpu: 70,
        memory: 80,
        pods: { name: "http_requests_per_second", averageValue: "100" },
        upWindow: 30,
    },
    { service: "web-dashboard", min: 2, max: 6, cpu: 70, memory: 80, pods: undefined, upWindow: 60 },
];

describe("production stack: the seed's values", function () {
    let run: MockRun;
    before(async () => {
        run = await runStack("production");
    });

    for (const seed of SEED_HPAS) {
        it(
            `${seed.service}-hpa scales ${seed.min}-${seed.max} on cpu ${seed.cpu}% and memory ${seed.memory}%` +
                (seed.pods ? ` and ${seed.pods.name} at ${seed.pods.averageValue} per pod` : ""),
            () => {
                const hpa = kubernetesObject(run, "HorizontalPodAutoscaler", `${seed.service}-hpa`);
                assert.equal(hpa.apiVersion, "autoscaling/v2");
                assert.equal(hpa.metadata.namespace, "berrys-production");
                assert.deepEqual(hpa.spec.scaleTargetRef, {
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    name: seed.service,
                });
                assert.equal(hpa.spec.minReplicas, seed.min);
                assert.equal(hpa.spec.maxReplicas, seed.max);
                const expected: unknown[] = [
                    {
                        type: "Resource",
                        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: seed.cpu } },
                    },
                    {
                        type: "Resource",
                        resource: { name: "memory", target: { type: "Utilization", averageUtilization: seed.memory } },
                    },
                ];
                if (seed.pods) {
                    expected.push({
                        type: "Pods",
                        pods: {
                            metric: { name: seed.pods.name },
                            target: { type: "AverageValue", averageValue: seed.pods.averageValue },
                        },
                    });
                }
                assert.deepEqual(hpa.spec.metrics, expected);
            },
        );

        it(`${seed.service}-hpa scales up 100 % per 60 s after ${seed.upWindow} s and down 20 % per 60 s after 300 s`, () => {
            const hpa = kubernetesObject(run, "HorizontalPodAutoscaler", `${seed.service}-hpa`);
            assert.deepEqual(hpa.spec.behavior, {
                scaleUp: {
                    stabilizationWindowSeconds: seed.upWindow,
                    policies: [{ type: "Percent", value: 100, periodSeconds: 60 }],
                },
                scaleDown: {
                    stabilizationWindowSeconds: 300,
                    policies: [{ type: "Percent", value: 20, periodSeconds: 60 }],
                },
            });
        });
    }

    it("berrys-production-quota holds the seed's hard limits", () => {
        const quota = kubernetesObject(run, "ResourceQuota", "berrys-production-quota");
        assert.equal(quota.metadata.namespace, "berrys-production");
        assert.deepEqual(quota.spec.hard, {
            "requests.cpu": "24",
            "requests.memory": "48Gi",
            "limits.cpu": "32",
            "limits.memory": "64Gi",
            pods: "100",
            persistentvolumeclaims: "25",
            services: "40",
        });
    });

    it("agent-orchestrator-pdb keeps 2 pods available (seed) and lets unhealthy pods go", () => {
        const pdb = kubernetesObject(run, "PodDisruptionBudget", "agent-orchestrator-pdb");
        assert.deepEqual(pdb.spec, {
            selector: { matchLabels: { app: "agent-orchestrator" } },
            minAvailable: 2,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
    });

    it("every critical service has a PDB and web-dashboard (standard) has none", () => {
        for (const service of ["agent-orchestrator", "model-orchestration", "api-gateway"]) {
            const pdb = kubernetesObject(run, "PodDisruptionBudget", `${service}-pdb`);
            assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow");
        }
        assert.equal(
            run.registered.some(
                (r) => r.inputs.kind === "PodDisruptionBudget" && r.inputs.metadata.name === "web-dashboard-pdb",
            ),
            false,
        );
    });

    it("publishes the seed's container resources for agent-orchestrator and model-orchestration", async () => {
        const services = run.outputs.services as Record<string, any>;
        assert.deepEqual(services["agent-orchestrator"].resources, {
            requests: { cpu: "500m", memory: "512Mi" },
            limits: { cpu: "1", memory: "1Gi" },
        });
        assert.deepEqual(services["model-orchestration"].resources, {
            requests: { cpu: "1", memory: "1Gi" },
            limits: { cpu: "2", memory: "2Gi" },
        });
    });

    it("priority: agent-orchestrator, model-orchestration and api-gateway are critical, web-dashboard standard", () => {
        const services = run.outputs.services as Record<string, any>;
        for (const service of ["agent-orchestrator", "model-orchestration", "api-gateway"]) {
            assert.equal(services[service].priorityClassName, "berrys-critical");
        }
        assert.equal(services["web-dashboard"].priorityClassName, "berrys-standard");
        for (const name of ["berrys-critical", "berrys-standard"]) {
            assert.equal(kubernetesObject(run, "PriorityClass", name).globalDefault, false);
        }
    });

    it("default-node-group scales 3-10 from 3 m6i.xlarge nodes", () => {
        const group = resource(run, "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng");
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 3, maxSize: 10, desiredSize: 3 });
        assert.deepEqual(group.inputs.instanceTypes, ["m6i.xlarge"]);
        assert.equal(group.inputs.nodeGroupNamePrefix, "default-node-group-");
    });

    it("the services serve /metrics on the container port named metrics, 8000 (seed)", () => {
        for (const contract of Object.values(run.outputs.services as Record<string, any>)) {
            assert.deepEqual(contract.metricsPort, { name: "metrics", containerPort: 8000, path: "/metrics" });
        }
    });
});

describe("staging stack: the same shape, smaller", function () {
    let production: MockRun;
    let staging: MockRun;
    before(async () => {
        production = await runStack("production");
        staging = await runStack("staging");
    });

    it("declares the same kinds of objects for the same services in berrys-staging", () => {
        const shape = (run: MockRun) =>
            run.registered
                .filter((r) => r.inputs.kind)
                .map(
                    (r) =>
                        `${r.inputs.kind}/${String(r.inputs.metadata.name).replace("production", "STACK").replace("staging", "STACK")}`,
                )
                .sort();
        assert.deepEqual(shape(staging), shape(production));
        assert.equal(
            kubernetesObject(staging, "ResourceQuota", "berrys-staging-quota").metadata.namespace,
            "berrys-staging",
        );
    });

    it("has fewer nodes and replicas than production", () => {
        const size = (run: MockRun) =>
            resource(run, "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng").inputs.scalingConfig.maxSize;
        assert.ok(size(staging) < size(production));
        for (const service of ["agent-orchestrator", "model-orchestration", "api-gateway", "web-dashboard"]) {
            const max = (run: MockRun) =>
                kubernetesObject(run, "HorizontalPodAutoscaler", `${service}-hpa`).spec.maxReplicas;
            assert.ok(max(staging) < max(production), service);
        }
    });
});
