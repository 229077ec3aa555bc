// Which pods may carry a service's label: the HPA, the PDB and the PodMonitor select the services'
// pods by `app: <service>`, so a bare Pod, a Job's pod, a `kubectl debug --copy-to --keep-labels` copy or
// another workload's pod labelled so would skew its scaling, disruption budget and metrics. This second
// ValidatingAdmissionPolicy refuses, in the services namespace, such a Pod unless the service's
// ReplicaSet controls it, and such a ReplicaSet unless the service's Deployment controls it. Relied on
// (kubernetes v1.34.0): the ReplicaSet controller builds each pod with `controller.GetPodFromTemplate`,
// which sets its `metav1.NewControllerRef` (apps/v1, controller: true) before the CREATE, and the API
// server names it before validating admission (k8s.io/apiserver v0.34.0 `Store.Create`: `BeforeCreate`,
// then `createValidation`); `getNewReplicaSet` names and owns the Deployment's ReplicaSets (below).
// Status, binding, eviction and ephemeral containers are subresources, which `pods` does not match.
import type { DeploymentContract } from "./service-scaling";

/** The policy's and its binding's name. */
export const OWNERSHIP_POLICY_NAME = "berrys-services-pods";

/**
 * A pod-template-hash: `getNewReplicaSet` names the ReplicaSet `d.Name + "-" + podTemplateSpecHash`,
 * the hash being `controller.ComputeHash` (kubernetes v1.34.0), i.e. k8s.io/apimachinery v0.34.0
 * `rand.SafeEncodeString(fmt.Sprint(fnv32a.Sum32()))`: 1 to 10 characters of the `alphanums` alphabet
 * (a decimal digit maps to one of 4-9, b, c, d, f). The alphabet has no "-", so the ReplicaSet of
 * another Deployment, `<service>-<suffix>-<hash>`, never matches.
 */
export const POD_TEMPLATE_HASH = "[bcdfghjklmnpqrstvwxz2456789]+";

const lit = (value: string) => JSON.stringify(value);

/** The app label of the object's pods: the Pod's own, or the ReplicaSet's pod template's ("" without one). */
const podLabels = `(object.kind == "Pod" ? object.metadata : (has(object.spec.template.metadata) ? object.spec.template.metadata : {}))`;

/** The ValidatingAdmissionPolicy's spec: pure, from the contracts the `services` output publishes. */
export function servicesOwnershipPolicySpec(contracts: readonly DeploymentContract[]) {
    const apps = `[${contracts.map((contract) => lit(contract.labels.app)).join(", ")}]`;
    const controllers = "variables.controllers";
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
                {
                    apiGroups: ["apps"],
                    apiVersions: ["v1"],
                    operations: ["CREATE", "UPDATE"],
                    resources: ["replicasets"],
                },
            ],
        },
        matchConditions: [
            {
                name: "service-label",
                expression: `has(${podLabels}.labels) && "app" in ${podLabels}.labels && ${podLabels}.labels["app"] in ${apps}`,
            },
            // Only a new object or new labels: an update that keeps them (the garbage collector
            // orphaning or deleting, a controller's annotation) is never refused.
            {
                name: "labels-written",
                expression: `oldObject == null || !has(oldObject.metadata.labels) || object.metadata.labels != oldObject.metadata.labels || (object.kind == "ReplicaSet" && object.spec.template != oldObject.spec.template)`,
            },
        ],
        variables: [
            { name: "app", expression: `${podLabels}.labels["app"]` },
            {
                name: "controllers",
                expression: `has(object.metadata.ownerReferences) ? object.metadata.ownerReferences.filter(o, has(o.controller) && o.controller) : []`,
            },
        ],
        validations: [
            {
                expression:
                    `object.kind == "Pod" ` +
                    `? ${controllers}.exists(o, o.apiVersion == "apps/v1" && o.kind == "ReplicaSet" && o.name.matches("^" + variables.app + "-${POD_TEMPLATE_HASH}$")) ` +
                    `: ${controllers}.exists(o, o.apiVersion == "apps/v1" && o.kind == "Deployment" && o.name == variables.app)`,
                messageExpression:
                    `"The " + object.kind + " " + (has(object.metadata.name) ? object.metadata.name : "(generated name)") + " carries the label app: " + variables.app + ` +
                    `" of a berrys-platform service but is not owned by " + (object.kind == "Pod" ? "a ReplicaSet of Deployment " : "Deployment ") + variables.app + ` +
                    `" (controller: " + (size(${controllers}) == 0 ? "none" : ${controllers}.map(o, o.kind + "/" + o.name).join(", ")) + "); ` +
                    `the service's HPA, PDB and PodMonitor select every pod with that label: use another app label"`,
                message:
                    "Only the pods of a service's own Deployment may carry its label app: <service> (the HPA, PDB and PodMonitor select on it)",
            },
        ],
    };
}
