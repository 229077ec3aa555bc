// The services contract at admission (issue 13): every CEL expression of the
// ValidatingAdmissionPolicy berrys-services-contract evaluated with @bufbuild/cel (standard CEL and
// the strings extension only, tests/helpers/admission.ts) against Deployments built from the
// `services` output of a mocked production run: the ones that meet the contract are admitted, each
// kind of breach is refused with a message that names the service, the field, the value found and
// the value expected. Upstream semantics: docs/design/components.md.
import { strict as assert } from "assert";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import {
    NAMESPACE_NAME_LABEL,
    POLICY_NAME,
    servicesAdmissionBindingSpec,
    servicesAdmissionPolicySpec,
} from "../../components/services-admission";
import type { DeploymentContract } from "../../components/service-scaling";
import { MockRun } from "../../tools/mock-engine";
import { fixtureStack } from "../helpers/stacks";
import { parse } from "@bufbuild/cel";
import { admissionResponse, evaluate, evaluatePolicy, MAX_MESSAGE_BYTES } from "../helpers/admission";
import { runConsumer } from "../helpers/consumer";
import { kubernetesObject, runStack } from "../helpers/program";

const NAMESPACE = "berrys-production";
const PREFIX = (service: string) => `Deployment ${service} does not meet its berrys-platform services contract: `;

/** A Deployment as an app team writes it from its service's entry in the `services` output. */
function deploymentFor(contract: DeploymentContract): Record<string, any> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: contract.deployment, namespace: NAMESPACE },
        spec: {
            selector: { matchLabels: { ...contract.labels } },
            template: {
                metadata: { labels: { ...contract.labels } },
                spec: {
                    priorityClassName: contract.priorityClassName,
                    containers: [
                        {
                            name: contract.deployment,
                            image: `berrys/${contract.deployment}:1.0.0`,
                            resources: structuredClone(contract.resources),
                            ports: [
                                { name: contract.metricsPort.name, containerPort: contract.metricsPort.containerPort },
                            ],
                        },
                    ],
                },
            },
        },
    };
}

describe("ValidatingAdmissionPolicy berrys-services-contract", function () {
    let production: MockRun;
    let services: Record<string, DeploymentContract>;
    let policy: ReturnType<typeof servicesAdmissionPolicySpec>;
    const binding = servicesAdmissionBindingSpec(NAMESPACE, ["Deny"]);
    /** The failures of the policy for a Deployment of production's `service`, changed by `change`. */
    const failures = (service: string, change: (deployment: Record<string, any>) => void = () => undefined) => {
        const deployment = deploymentFor(services[service]);
        change(deployment);
        const result = evaluatePolicy(policy, binding, deployment, NAMESPACE);
        assert.equal(result.matched, true, "a configured service's Deployment is checked");
        return result.failures;
    };
    const container = (deployment: Record<string, any>) => deployment.spec.template.spec.containers[0];
    /** api-gateway's Deployment with one breach: a CPU request of 100m instead of 250m. */
    const breach = () => {
        const deployment = deploymentFor(services["api-gateway"]);
        container(deployment).resources.requests.cpu = "100m";
        return deployment;
    };

    before(async () => {
        production = await runStack("production");
        services = production.outputs.services as Record<string, DeploymentContract>;
        policy = servicesAdmissionPolicySpec(Object.values(services));
    });

    describe("admits what the services output asks for", () => {
        it("a Deployment of each production service, built from its services output entry", () => {
            assert.deepEqual(Object.keys(services).sort(), [
                "agent-orchestrator",
                "api-gateway",
                "model-orchestration",
                "web-dashboard",
            ]);
            for (const service of Object.keys(services)) {
                assert.deepEqual(failures(service), [], service);
            }
        });

        it("a sidecar (init container with restartPolicy Always) and a second container with their own small requests, and a plain init container that declares nothing", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    deployment.spec.template.spec.initContainers = [
                        { name: "migrate", image: "berrys/migrate:1" },
                        {
                            name: "envoy",
                            image: "envoy:1.31",
                            restartPolicy: "Always",
                            resources: { requests: { cpu: "50m", memory: "64Mi" } },
                        },
                    ];
                    deployment.spec.template.spec.containers.push({
                        name: "cloud-sql-proxy",
                        image: "cloud-sql-proxy:2",
                        resources: { requests: { cpu: "25m", memory: "32Mi" } },
                    });
                }),
                [],
            );
        });

        it("another spelling of the contract's value: the API server stores 0.25 as 250m, 1000m as 1, 0.25Gi as 256Mi (quantity.go String)", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    container(deployment).resources.requests = { cpu: "0.25", memory: "0.25Gi" };
                }),
                [],
            );
            assert.deepEqual(
                failures("model-orchestration", (deployment) => {
                    container(deployment).resources.requests.cpu = "1000m";
                    container(deployment).resources.limits.memory = "2048Mi";
                }),
                [],
            );
        });

        it("a Deployment that is no configured service is not checked (matchConditions), whatever it declares", () => {
            const other = deploymentFor({ ...services["web-dashboard"], deployment: "batch-importer" });
            delete other.spec.template.spec.priorityClassName;
            delete other.spec.template.spec.containers[0].resources;
            assert.deepEqual(evaluatePolicy(policy, binding, other, NAMESPACE), { matched: false, failures: [] });
        });

        it("a Deployment of a service's name in another namespace is not checked (the binding's namespaceSelector)", () => {
            const elsewhere = deploymentFor(services["api-gateway"]);
            elsewhere.spec.template.metadata.labels = { app: "gateway" };
            assert.deepEqual(evaluatePolicy(policy, binding, elsewhere, "team-sandbox"), {
                matched: false,
                failures: [],
            });
        });
    });

    describe("on UPDATE, checks writes of the pod template only (oldObject, null on CREATE: `Validation.Expression`)", () => {
        it("a Deployment that predates the policy can still take a finalizer change or an annotation (its template is unchanged)", () => {
            const old = breach();
            const updated = structuredClone(old);
            updated.metadata.finalizers = [];
            updated.metadata.annotations = { "deployment.kubernetes.io/revision": "3" };
            assert.deepEqual(evaluatePolicy(policy, binding, updated, NAMESPACE, old), {
                matched: false,
                failures: [],
            });
        });

        it("a rollout that keeps the breach (a new image) is refused; one that fixes it is admitted", () => {
            const old = breach();
            const rollout = structuredClone(old);
            container(rollout).image = "berrys/api-gateway:1.0.1";
            assert.equal(evaluatePolicy(policy, binding, rollout, NAMESPACE, old).failures.length, 1);
            assert.deepEqual(evaluatePolicy(policy, binding, deploymentFor(services["api-gateway"]), NAMESPACE, old), {
                matched: true,
                failures: [],
            });
        });

        it("kubectl rollout restart (an annotation on the pod template) is checked", () => {
            const old = breach();
            const restart = structuredClone(old);
            restart.spec.template.metadata.annotations = {
                "kubectl.kubernetes.io/restartedAt": "2026-12-02T04:00:00Z",
            };
            assert.equal(evaluatePolicy(policy, binding, restart, NAMESPACE, old).failures.length, 1);
        });
    });

    describe("refuses each kind of breach with the service, the field, the value found and the value expected", () => {
        it("another app label", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    deployment.spec.template.metadata.labels = { app: "gateway" };
                    deployment.spec.selector.matchLabels = { app: "gateway" };
                }),
                [
                    `${PREFIX("api-gateway")}spec.template.metadata.labels.app is "gateway", expected "api-gateway" (the HPA, PDB and PodMonitor select the pods on it)`,
                ],
            );
        });

        it("no app label", () => {
            assert.deepEqual(
                failures("web-dashboard", (deployment) => {
                    deployment.spec.template.metadata.labels = { "app.kubernetes.io/name": "web-dashboard" };
                }),
                [
                    `${PREFIX("web-dashboard")}spec.template.metadata.labels.app is none, expected "web-dashboard" (the HPA, PDB and PodMonitor select the pods on it)`,
                ],
            );
        });

        const RESOURCE_BREACHES: [string, string, "requests" | "limits", "cpu" | "memory", string, string][] = [
            [
                "another CPU request (the HPA's 70% would be of 100m, not 250m)",
                "api-gateway",
                "requests",
                "cpu",
                "100m",
                "250m",
            ],
            ["another memory limit", "model-orchestration", "limits", "memory", "4Gi", "2Gi"],
            [
                "the same memory in another suffix family: 268435456 (bytes) is not 256Mi, as strings (README: write the contract's suffix)",
                "api-gateway",
                "requests",
                "memory",
                "268435456",
                "256Mi",
            ],
        ];
        for (const [title, service, section, resource, value, expected] of RESOURCE_BREACHES) {
            it(title, () => {
                assert.deepEqual(
                    failures(service, (deployment) => {
                        container(deployment).resources[section][resource] = value;
                    }),
                    [
                        `${PREFIX(service)}container ${service}: resources.${section}.${resource} is "${value}", expected "${expected}" (the HPA's utilization and the capacity plan assume it)`,
                    ],
                );
            });
        }

        it("no resources at all (the LimitRange would give 100m/128Mi at pod creation): one message per field", () => {
            const found = failures("agent-orchestrator", (deployment) => {
                delete container(deployment).resources;
            });
            const expected = {
                "requests.cpu": "500m",
                "requests.memory": "512Mi",
                "limits.cpu": "1",
                "limits.memory": "1Gi",
            };
            assert.deepEqual(
                found,
                Object.entries(expected).map(
                    ([field, value]) =>
                        `${PREFIX("agent-orchestrator")}container agent-orchestrator: resources.${field} is none, expected "${value}" (the HPA's utilization and the capacity plan assume it)`,
                ),
            );
        });

        it("a sidecar without requests and a container with a CPU request only: each must declare its own requests", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    deployment.spec.template.spec.initContainers = [
                        { name: "envoy", image: "envoy:1.31", restartPolicy: "Always" },
                    ];
                    deployment.spec.template.spec.containers.push({
                        name: "fluent-bit",
                        image: "fluent-bit:3",
                        resources: { requests: { cpu: "20m" } },
                    });
                }),
                [
                    `${PREFIX("api-gateway")}container fluent-bit, container envoy must declare its own resources.requests.cpu and requests.memory ` +
                        "(every container beside api-gateway counts in the pod's requests, which the HPA's utilization divides by and the capacity plan counts as sidecars)",
                ],
            );
        });

        it("another PriorityClass, and none", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    deployment.spec.template.spec.priorityClassName = "berrys-standard";
                }),
                [
                    `${PREFIX("api-gateway")}spec.template.spec.priorityClassName is "berrys-standard", expected "berrys-critical"`,
                ],
            );
            assert.deepEqual(
                failures("web-dashboard", (deployment) => {
                    delete deployment.spec.template.spec.priorityClassName;
                }),
                [`${PREFIX("web-dashboard")}spec.template.spec.priorityClassName is none, expected "berrys-standard"`],
            );
        });

        it("the metrics port on a sidecar instead of the service's own container", () => {
            assert.deepEqual(
                failures("agent-orchestrator", (deployment) => {
                    container(deployment).ports = [{ name: "http", containerPort: 8080 }];
                    deployment.spec.template.spec.initContainers = [
                        {
                            name: "exporter",
                            image: "exporter:1",
                            restartPolicy: "Always",
                            resources: { requests: { cpu: "10m", memory: "16Mi" } },
                            ports: [{ name: "metrics", containerPort: 8000 }],
                        },
                    ];
                }),
                [
                    `${PREFIX("agent-orchestrator")}container agent-orchestrator has no port named metrics with containerPort 8000 (found: no port named metrics; the PodMonitor scrapes the port named metrics)`,
                ],
            );
        });

        it("no container named after the service: the contract's values have no container to apply to", () => {
            assert.deepEqual(
                failures("api-gateway", (deployment) => {
                    container(deployment).name = "gateway";
                }),
                [
                    `${PREFIX("api-gateway")}no container is named api-gateway (found: gateway); the contract's resources and the metrics port belong to the service's own container, named after the service`,
                ],
            );
        });

        it("the metrics port on another number", () => {
            assert.deepEqual(
                failures("model-orchestration", (deployment) => {
                    container(deployment).ports = [{ name: "metrics", containerPort: 9090 }];
                }),
                [
                    `${PREFIX("model-orchestration")}container model-orchestration has no port named metrics with containerPort 8000 (found: metrics 9090; the PodMonitor scrapes the port named metrics)`,
                ],
            );
        });

        it("no port named metrics", () => {
            assert.deepEqual(
                failures("web-dashboard", (deployment) => {
                    container(deployment).ports = [{ name: "http-metrics", containerPort: 8000 }];
                }),
                [
                    `${PREFIX("web-dashboard")}container web-dashboard has no port named metrics with containerPort 8000 (found: no port named metrics; the PodMonitor scrapes the port named metrics)`,
                ],
            );
            assert.deepEqual(
                failures("web-dashboard", (deployment) => {
                    delete container(deployment).ports;
                }),
                [
                    `${PREFIX("web-dashboard")}container web-dashboard has no port named metrics with containerPort 8000 (found: no port named metrics; the PodMonitor scrapes the port named metrics)`,
                ],
            );
        });
    });

    describe("the policy as the API server stores it", () => {
        it("checks CREATE and UPDATE of apps/v1 deployments only: not deployments/scale, which the HPA writes", () => {
            assert.deepEqual(policy.matchConstraints.resourceRules, [
                {
                    apiGroups: ["apps"],
                    apiVersions: ["v1"],
                    operations: ["CREATE", "UPDATE"],
                    resources: ["deployments"],
                },
            ]);
            assert.equal(policy.failurePolicy, "Fail");
        });

        it("every validation has a static message without line breaks, for when its messageExpression fails (`Validation.Message`, `Validation.MessageExpression`)", () => {
            for (const validation of policy.validations) {
                assert.ok(validation.message.length > 0 && !/[\r\n]/.test(validation.message), validation.message);
                assert.ok(!/[\r\n]/.test(validation.expression + validation.messageExpression));
            }
        });

        it("every messageExpression is a string by its type, as the API server requires (`MessageExpressionCondition.ReturnTypes`, `compiler.CompileCELExpression`): a + chain that starts with a string literal", () => {
            // object is dyn when the API server compiles (`createEnvForOpts`); `"..." + dyn` can only
            // resolve to string concatenation, so the whole left-leaning chain is typed string.
            const leftmost = (expr: any): any =>
                expr.exprKind.case === "callExpr" && expr.exprKind.value.function === "_+_"
                    ? leftmost(expr.exprKind.value.args[0])
                    : expr;
            for (const validation of policy.validations) {
                const root = parse(validation.messageExpression).expr!;
                assert.equal(
                    root.exprKind.case === "callExpr" && root.exprKind.value.function,
                    "_+_",
                    validation.messageExpression,
                );
                const first = leftmost(root);
                assert.equal(
                    first.exprKind.case === "constExpr" && first.exprKind.value.constantKind.case,
                    "stringValue",
                    validation.messageExpression,
                );
            }
        });

        it("a Deployment of 12 breaking sidecars with 63-character names still gets its message, within the API server's 5 KiB", () => {
            const found = failures("api-gateway", (deployment) => {
                deployment.spec.template.spec.containers.push(
                    ...Array.from({ length: 12 }, (_, index) => ({
                        name: `${"c".repeat(60)}-${String(index).padStart(2, "0")}`,
                        image: "x",
                        resources: { requests: { cpu: "100m" } },
                    })),
                );
            });
            assert.equal(found.length, 1);
            assert.ok(
                found.every(
                    (message) =>
                        message.startsWith(PREFIX("api-gateway")) && Buffer.byteLength(message) <= MAX_MESSAGE_BYTES,
                ),
            );
            assert.match(
                found[0],
                new RegExp(
                    `container ${"c".repeat(60)}-11 must declare its own resources\\.requests\\.cpu and requests\\.memory`,
                ),
            );
        });

        it("its literals are homogeneous, as the API server requires (`cel.HomogeneousAggregateLiterals` in `baseOptsWithoutStrictCost`): the contract map holds strings only, the ports map ints only", () => {
            const contract = policy.variables
                .find((variable) => variable.name === "contract")!
                .expression.replace(/\[object\.metadata\.name\]$/, "");
            const ports = policy.variables
                .find((variable) => variable.name === "metricsPort")!
                .expression.replace(/\[object\.metadata\.name\]$/, "");
            for (const service of Object.keys(services)) {
                assert.equal(
                    evaluate(
                        `${contract}[${JSON.stringify(service)}].all(k, type(${contract}[${JSON.stringify(service)}][k]) == string)`,
                        {},
                    ),
                    true,
                );
                assert.equal(evaluate(`type(${ports}[${JSON.stringify(service)}]) == int`, {}), true);
            }
        });

        it("the evaluator has no Kubernetes library: quantity() is unknown here, so the policy cannot lean on it", () => {
            const result = evaluate(`quantity("1").isGreaterThan(quantity("500m"))`, {});
            assert.ok(
                result instanceof Error || (typeof result === "object" && result !== null && "message" in result),
            );
        });

        it("validates against the Kubernetes OpenAPI schema (kubernetes-models), and the validation can fail", () => {
            const metadata = { name: POLICY_NAME };
            new ValidatingAdmissionPolicy({ metadata, spec: policy as any }).validate();
            new ValidatingAdmissionPolicyBinding({
                metadata,
                spec: servicesAdmissionBindingSpec(NAMESPACE, ["Warn", "Audit"]) as any,
            }).validate();
            assert.throws(() =>
                new ValidatingAdmissionPolicyBinding({
                    metadata,
                    spec: { policyName: POLICY_NAME, validationActions: "Deny" } as any,
                }).validate(),
            );
        });

        it("the binding names the policy and selects the services namespace by its name label", () => {
            assert.deepEqual(servicesAdmissionBindingSpec(NAMESPACE, ["Warn", "Audit"]), {
                policyName: "berrys-services-contract",
                validationActions: ["Warn", "Audit"],
                matchResources: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "berrys-production" } } },
            });
            assert.equal(NAMESPACE_NAME_LABEL, "kubernetes.io/metadata.name");
        });
    });

    describe("what the app team sees under each binding's validationActions", () => {
        it("Deny refuses the request with the message; Audit adds it to the audit event", () => {
            const response = admissionResponse(
                policy,
                servicesAdmissionBindingSpec(NAMESPACE, ["Deny", "Audit"]),
                breach(),
                NAMESPACE,
            );
            assert.equal(response.allowed, false);
            assert.equal(response.denied.length, 1);
            assert.deepEqual(response.audited, response.denied);
            assert.deepEqual(response.warnings, []);
        });

        it("Warn admits it with the message as a warning (kubectl and pulumi print it)", () => {
            const response = admissionResponse(
                policy,
                servicesAdmissionBindingSpec(NAMESPACE, ["Warn", "Audit"]),
                breach(),
                NAMESPACE,
            );
            assert.equal(response.allowed, true);
            assert.match(response.warnings[0], /resources\.requests\.cpu is "100m", expected "250m"/);
        });
    });

    describe("the program's objects", () => {
        it("production registers the policy and a binding of the same name that warns and audits (the production fixture)", () => {
            const registered = kubernetesObject(production, "ValidatingAdmissionPolicyBinding", POLICY_NAME);
            assert.equal(registered.apiVersion, "admissionregistration.k8s.io/v1");
            assert.deepEqual(registered.spec.validationActions, ["Warn", "Audit"]);
            assert.deepEqual(registered.spec.matchResources.namespaceSelector.matchLabels, {
                "kubernetes.io/metadata.name": "berrys-production",
            });
            assert.equal(
                kubernetesObject(production, "ValidatingAdmissionPolicy", POLICY_NAME).apiVersion,
                "admissionregistration.k8s.io/v1",
            );
        });

        it("staging's binding refuses and audits (the staging fixture)", async () => {
            const staging = await runStack("staging");
            assert.deepEqual(
                kubernetesObject(staging, "ValidatingAdmissionPolicyBinding", POLICY_NAME).spec.validationActions,
                ["Deny", "Audit"],
            );
        });

        it("the registered policy checks exactly what the services output publishes for each service", () => {
            const registered = kubernetesObject(production, "ValidatingAdmissionPolicy", POLICY_NAME).spec;
            const variable = (name: string) =>
                registered.variables.find((candidate: { name: string }) => candidate.name === name).expression;
            for (const [service, contract] of Object.entries(services)) {
                const object = { metadata: { name: service } };
                const checked = evaluate(`${variable("contract")}`, { object });
                assert.deepEqual(Object.fromEntries((checked as Map<string, string>).entries()), {
                    app: contract.labels.app,
                    priorityClassName: contract.priorityClassName,
                    "requests.cpu": contract.resources.requests.cpu,
                    "requests.memory": contract.resources.requests.memory,
                    "limits.cpu": contract.resources.limits.cpu,
                    "limits.memory": contract.resources.limits.memory,
                });
                assert.equal(evaluate(variable("metricsPort"), { object }), BigInt(contract.metricsPort.containerPort));
            }
        });

        it("namespace.admission.enabled: false registers neither", async () => {
            const run = await runStack("production", {
                configOverrides: {
                    "berrys-platform:namespace": {
                        ...(fixtureStack("production").projectConfig.namespace as object),
                        admission: { enabled: false },
                    },
                },
            });
            assert.equal(
                run.registered.filter((resource) =>
                    resource.type.startsWith("kubernetes:admissionregistration.k8s.io/"),
                ).length,
                0,
            );
        });
    });

    it("examples/consumer/index.ts, run under mocks against production's outputs, declares a Deployment the policy admits under Deny", async () => {
        const consumer = await runConsumer(production.outputs);
        const deployment = consumer.registered.find(
            (resource) => resource.type === "kubernetes:apps/v1:Deployment",
        )!.inputs;
        const response = admissionResponse(
            policy,
            servicesAdmissionBindingSpec(NAMESPACE, ["Deny"]),
            deployment,
            deployment.metadata.namespace,
        );
        assert.deepEqual(evaluatePolicy(policy, binding, deployment, deployment.metadata.namespace), {
            matched: true,
            failures: [],
        });
        assert.equal(response.allowed, true);
    });
});
