// The services contract enforced at admission: a ValidatingAdmissionPolicy that checks each
// configured service's Deployment against the contract the `services` output publishes (requests,
// PriorityClass, the `app` label, a port named metrics), and its binding to the services namespace.
// A breach gets a message naming the service, the field, the value found and the value expected;
// Deployments that are no configured service are not checked (the LimitRange admits them). The
// Kubernetes semantics this relies on (CEL typing, messages, quantities, cost): docs/design/components.md.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ValidationAction } from "../config";
import type { DeploymentContract } from "./service-scaling";
import { OWNERSHIP_POLICY_NAME, servicesOwnershipPolicySpec } from "./services-ownership";

/** The policy's and the binding's name, as issue 13 and the README name them. */
export const POLICY_NAME = "berrys-services-contract";

/** The label every namespace carries with its own name (k8s.io/api core/v1 `LabelMetadataName`). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface ServicesAdmissionArgs {
    /** The configured services' contracts, as the `services` output publishes them. */
    readonly contracts: readonly DeploymentContract[];
    /** The services namespace: the binding checks Deployments there only. */
    readonly namespace: string;
    /** `namespace.admission.validationActions`: what a breach gets. */
    readonly validationActions: readonly ValidationAction[];
    readonly labels: Readonly<Record<string, string>>;
}

/** A CEL string literal (JSON's escapes are CEL's). */
const lit = (value: string) => JSON.stringify(value);

/** The contract's resource fields the policy compares, in the contract's words. */
export const RESOURCE_FIELDS = [
    { key: "requests.cpu", section: "requests", resource: "cpu" },
    { key: "requests.memory", section: "requests", resource: "memory" },
    { key: "limits.cpu", section: "limits", resource: "cpu" },
    { key: "limits.memory", section: "limits", resource: "memory" },
] as const;

const template = "object.spec.template";
const prefix = `"Deployment " + object.metadata.name + " does not meet its berrys-platform services contract: "`;

/** A container's declared value of one resource field, "" when it declares none. */
function declared(section: string, resource: string): string {
    return `(has(c.resources) && has(c.resources.${section}) && ${lit(resource)} in c.resources.${section} ? string(c.resources.${section}[${lit(resource)}]) : "")`;
}

/** "found" in messages: the value in quotes, or `none`. */
const shown = (expression: string) => `(${expression} == "" ? "none" : "\\"" + ${expression} + "\\"")`;

/** The contract of each service as one CEL map, string values only (homogeneous literals). */
function contractLiteral(contracts: readonly DeploymentContract[]): string {
    const entries = contracts.map((contract) => {
        const fields: [string, string][] = [
            ["app", contract.labels.app],
            ["priorityClassName", contract.priorityClassName],
            ...RESOURCE_FIELDS.map(
                ({ key, section, resource }) => [key, contract.resources[section][resource]] as [string, string],
            ),
        ];
        return `${lit(contract.deployment)}: {${fields.map(([key, value]) => `${lit(key)}: ${lit(value)}`).join(", ")}}`;
    });
    return `{${entries.join(", ")}}`;
}

/** The ValidatingAdmissionPolicy's spec: pure, from the contracts the `services` output publishes. */
export function servicesAdmissionPolicySpec(contracts: readonly DeploymentContract[]) {
    const services = contracts.map((contract) => contract.deployment);
    const ports = `{${contracts.map((contract) => `${lit(contract.deployment)}: ${contract.metricsPort.containerPort}`).join(", ")}}`;
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: [
                {
                    apiGroups: ["apps"],
                    apiVersions: ["v1"],
                    operations: ["CREATE", "UPDATE"],
                    resources: ["deployments"],
                },
            ],
        },
        matchConditions: [
            // Only Deployments named after a configured service; the others keep the LimitRange's defaults.
            { name: "configured-service", expression: `object.metadata.name in [${services.map(lit).join(", ")}]` },
            // Only writes of the pod template: an update that leaves it alone (the garbage collector
            // removing a finalizer during a foreground deletion, a label or annotation on the
            // Deployment) is never refused, so a Deployment that predates the policy can still be
            // deleted. A rollout (new image, kubectl rollout restart) changes the template and is checked.
            {
                name: "pod-template-written",
                expression: `oldObject == null || object.spec.template != oldObject.spec.template`,
            },
        ],
        variables: [
            { name: "contract", expression: `${contractLiteral(contracts)}[object.metadata.name]` },
            { name: "metricsPort", expression: `${ports}[object.metadata.name]` },
            // Every container that runs beside the app: the containers and the sidecars (init
            // containers with restartPolicy Always, k8s.io/api core/v1 `Container.RestartPolicy`).
            {
                name: "containers",
                expression:
                    `${template}.spec.containers + (has(${template}.spec.initContainers) ? ` +
                    `${template}.spec.initContainers.filter(c, has(c.restartPolicy) && c.restartPolicy == "Always") : [])`,
            },
            {
                name: "appLabel",
                expression: `has(${template}.metadata) && has(${template}.metadata.labels) && "app" in ${template}.metadata.labels ? ${template}.metadata.labels["app"] : ""`,
            },
            {
                name: "priorityClassName",
                expression: `has(${template}.spec.priorityClassName) ? ${template}.spec.priorityClassName : ""`,
            },
            {
                name: "serviceContainers",
                expression: `${template}.spec.containers.filter(c, c.name == object.metadata.name)`,
            },
            { name: "otherContainers", expression: `variables.containers.filter(c, c.name != object.metadata.name)` },
        ],
        validations: contractValidations(),
    };
}

/**
 * The contract's values apply to the service's own container, the one named after the service, which
 * must carry the metrics port; every other container and sidecar declares its own requests (the
 * HPA's utilization divides the pod's usage by the pod's total requests, and the capacity plan counts
 * them as `services.<service>.sidecars`).
 */
function contractValidations() {
    const own = "variables.serviceContainers";
    const metricsPortOf = `c.ports.filter(p, has(p.name) && p.name == ${lit("metrics")})`;
    const undeclared = `variables.otherContainers.filter(c, ${declared("requests", "cpu")} == "" || ${declared("requests", "memory")} == "")`;
    return [
        {
            expression: `variables.appLabel == variables.contract["app"]`,
            messageExpression: `${prefix} + "spec.template.metadata.labels.app is " + ${shown("variables.appLabel")} + ", expected \\"" + variables.contract["app"] + "\\" (the HPA, PDB and PodMonitor select the pods on it)"`,
            message:
                "A Deployment of a configured service must label its pods app: <service> (berrys-platform services output, labels)",
        },
        {
            expression: `size(${own}) == 1`,
            messageExpression:
                `${prefix} + "no container is named " + object.metadata.name + " (found: " + variables.containers.map(c, c.name).join(", ") + "); ` +
                `the contract's resources and the metrics port belong to the service's own container, named after the service"`,
            message:
                "A Deployment of a configured service must have a container named after the service, with the contract's resources and the metrics port",
        },
        ...RESOURCE_FIELDS.map(({ key, section, resource }) => ({
            expression: `${own}.all(c, ${declared(section, resource)} == variables.contract[${lit(key)}])`,
            messageExpression:
                `${prefix} + ${own}.filter(c, ${declared(section, resource)} != variables.contract[${lit(key)}])` +
                `.map(c, "container " + c.name + ": resources.${key} is " + ${shown(declared(section, resource))}).join(", ") + ` +
                `", expected \\"" + variables.contract[${lit(key)}] + "\\" (the HPA's utilization and the capacity plan assume it)"`,
            message: `The service's own container must declare resources.${key} as its berrys-platform services contract says (services output, resources)`,
        })),
        {
            expression: `size(${undeclared}) == 0`,
            messageExpression:
                `${prefix} + ${undeclared}.map(c, "container " + c.name).join(", ") + " must declare its own resources.requests.cpu and requests.memory ` +
                `(every container beside " + object.metadata.name + " counts in the pod's requests, which the HPA's utilization divides by and the capacity plan counts as sidecars)"`,
            message:
                "Every container and sidecar beside the service's own must declare resources.requests.cpu and requests.memory",
        },
        {
            expression: `variables.priorityClassName == variables.contract["priorityClassName"]`,
            messageExpression: `${prefix} + "spec.template.spec.priorityClassName is " + ${shown("variables.priorityClassName")} + ", expected \\"" + variables.contract["priorityClassName"] + "\\""`,
            message:
                "A Deployment of a configured service must use the PriorityClass its berrys-platform services contract names (services output, priorityClassName)",
        },
        {
            // Without the service's container the rule above has said so already.
            expression: `size(${own}) == 0 || ${own}.exists(c, has(c.ports) && c.ports.exists(p, has(p.name) && p.name == "metrics" && p.containerPort == variables.metricsPort))`,
            messageExpression:
                `${prefix} + "container " + object.metadata.name + " has no port named metrics with containerPort " + string(variables.metricsPort) + " (found: " + ` +
                `(${own}.exists(c, has(c.ports) && c.ports.exists(p, has(p.name) && p.name == "metrics")) ? ` +
                `${own}.map(c, "metrics " + ${metricsPortOf}.map(p, string(p.containerPort)).join("/")).join(", ") : "no port named metrics") + ` +
                `"; the PodMonitor scrapes the port named metrics)"`,
            message:
                "The service's own container must have a port named metrics with the contract's number (services output, metricsPort)",
        },
    ];
}

/** The binding's spec: the policy, on the services namespace only, with the configured actions. */
export function servicesAdmissionBindingSpec(
    namespace: string,
    validationActions: readonly ValidationAction[],
    policyName = POLICY_NAME,
) {
    return {
        policyName,
        validationActions: [...validationActions],
        matchResources: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } },
    };
}

export class ServicesAdmission extends pulumi.ComponentResource {
    public readonly policy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
    public readonly binding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
    /** berrys-services-pods: only a service's own ReplicaSets' pods carry its label (services-ownership.ts). */
    public readonly ownershipPolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
    public readonly ownershipBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

    constructor(name: string, args: ServicesAdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:ServicesAdmission", name, {}, opts);
        const metadata = { name: POLICY_NAME, labels: { ...args.labels } };
        this.policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
            `${name}-policy`,
            {
                metadata,
                spec: servicesAdmissionPolicySpec(args.contracts),
            },
            { parent: this },
        );
        this.binding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
            `${name}-binding`,
            {
                metadata,
                spec: servicesAdmissionBindingSpec(args.namespace, args.validationActions),
            },
            { parent: this, dependsOn: [this.policy] },
        );
        const ownership = { name: OWNERSHIP_POLICY_NAME, labels: { ...args.labels } };
        this.ownershipPolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
            `${name}-pods-policy`,
            {
                metadata: ownership,
                spec: servicesOwnershipPolicySpec(args.contracts),
            },
            { parent: this },
        );
        this.ownershipBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
            `${name}-pods-binding`,
            {
                metadata: ownership,
                spec: servicesAdmissionBindingSpec(args.namespace, args.validationActions, OWNERSHIP_POLICY_NAME),
            },
            { parent: this, dependsOn: [this.ownershipPolicy] },
        );
        this.registerOutputs({
            policies: [POLICY_NAME, OWNERSHIP_POLICY_NAME],
            validationActions: [...args.validationActions],
        });
    }
}
