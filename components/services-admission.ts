// The services contract enforced at admission: a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1,
// GA in Kubernetes 1.30, built into the API server) that checks each configured service's
// Deployment against the contract the `services` output publishes, and its binding to the services
// namespace. A Deployment that would scale on another basis than the one the platform computed (other
// requests, no requests, another PriorityClass) or that the HPA, PDB and PodMonitor cannot select
// (another `app` label, no port named metrics) gets a message naming the service, the field, the value
// found and the value expected. Deployments that are no configured service are not checked: the
// LimitRange is there to admit them.
//
// Semantics relied on (k8s.io/api admissionregistration/v1/types.go at v0.34.10, i.e. Kubernetes 1.34):
// - `object` is the incoming object, `oldObject` the stored one, null on CREATE (:314-315, and for
//   matchConditions :1225-1226); matchConditions run first and cannot see `variables` (:267-268, :283);
//   variables may use earlier variables (:280-286).
// - messageExpression wins over message; when it errors or yields an empty, multi-line or
//   over-5-KiB string, `message` is used (:371-374; k8s.io/apiserver pkg/admission/plugin/policy/
//   validating/validator.go:158-188); neither may contain line breaks (:353-357). A messageExpression
//   must be typed string when compiled, with `object` and `oldObject` typed dyn (k8s.io/apiserver
//   pkg/admission/plugin/cel/compile.go:189-204, :253-254; validating/message.go:34-36): each starts
//   with a string literal, so its `+` chain can only be string concatenation.
// - "deployments" matches no subresource (:42-43): the HPA's writes to deployments/scale are never checked.
// - validationActions: Deny and Warn may not be used together (:528-530); schema/platform.ts enforces it.
// - failurePolicy Fail (:233-246): an expression error counts as a failure and follows the validationActions.
// - Expressions use standard CEL and the strings extension only (join), which the API server has had
//   since 1.29 (k8s.io/apiserver pkg/cel/environment/base.go:127-129, v0.34.10); list and map literals
//   are homogeneous, as the API server requires (base.go:68, :114).
// - Quantities reach CEL as the API server's canonical strings ("1000m" arrives as "1"): the object is
//   converted with runtime.DefaultUnstructuredConverter (k8s.io/apiserver pkg/admission/plugin/cel/
//   condition.go:65-85, activation.go:36-43), which writes a Quantity with String(), its canonical form
//   (k8s.io/apimachinery pkg/api/resource/quantity.go:679-690, :726-728). The contract publishes
//   canonical strings too (service-scaling.ts), so a spelling the API server stores as the contract's
//   string is admitted (0.25 for 250m, 1024Mi for 1Gi); the same amount in another suffix family
//   (268435456 for 256Mi) is not, as the README says.
// - Cost (not measured here: the npm evaluator has no cost tracking): each expression walks the
//   containers once (the ports check containers x ports; the UPDATE matchCondition compares two pod
//   templates), against a runtime budget of 1,000,000 per expression, 10,000,000 per binding and
//   2,500,000 for matchConditions (k8s.io/apiserver pkg/apis/cel/config.go:20-31). With `object` dyn
//   there is no static estimate to pass at creation.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ValidationAction } from "../config";
import type { DeploymentContract } from "./service-scaling";
import { OWNERSHIP_POLICY_NAME, servicesOwnershipPolicySpec } from "./services-ownership";

/** The policy's and the binding's name, as issue 13 and the README name them. */
export const POLICY_NAME = "berrys-services-contract";

/** The label every namespace carries with its own name (k8s.io/api core/v1/well_known_labels.go:73). */
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
            // containers with restartPolicy Always, k8s.io/api core/v1/types.go:2972-2989).
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
