// Which pods may carry a service's label: the HPA, the PDB and the PodMonitor select the services'
// pods by `app: <service>`, so a bare Pod, a Job's pod or another workload's pod labelled so would skew
// the service's scaling, its disruption budget and its metrics. A second ValidatingAdmissionPolicy
// refuses, in the services namespace, a Pod with a service's label that its Deployment's ReplicaSet
// does not own, and a ReplicaSet whose pods carry it that the service's Deployment does not own.
// Relied on (kubernetes v1.34): the ReplicaSet controller creates each pod with its controller
// reference set (pkg/controller/replicaset `manageReplicas`, `metav1.NewControllerRef`); the
// Deployment controller names its ReplicaSets `<deployment>-<pod-template-hash>` and owns them the same
// way (pkg/controller/deployment `getNewReplicaSet`), the hash written with the alphabet of
// k8s.io/apimachinery pkg/util/rand `SafeEncodeString`. Status, binding, eviction and ephemeral
// container writes are subresources, which `pods` does not match.
import type { DeploymentContract } from "./service-scaling";

/** The policy's and its binding's name. */
export const OWNERSHIP_POLICY_NAME = "berrys-services-pods";

/** `SafeEncodeString`'s alphabet: the characters of a pod-template-hash. */
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
                { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["replicasets"] },
            ],
        },
        matchConditions: [
            { name: "service-label", expression: `has(${podLabels}.labels) && "app" in ${podLabels}.labels && ${podLabels}.labels["app"] in ${apps}` },
            // Only a new object or new labels: an update that keeps them (the garbage collector
            // orphaning or deleting, a controller's annotation) is never refused.
            { name: "labels-written", expression: `oldObject == null || !has(oldObject.metadata.labels) || object.metadata.labels != oldObject.metadata.labels || (object.kind == "ReplicaSet" && object.spec.template != oldObject.spec.template)` },
        ],
        variables: [
            { name: "app", expression: `${podLabels}.labels["app"]` },
            {
                name: "controllers",
                expression: `has(object.metadata.ownerReferences) ? object.metadata.ownerReferences.filter(o, has(o.controller) && o.controller) : []`,
            },
        ],
        validations: [{
            expression: `object.kind == "Pod" ` +
                `? ${controllers}.exists(o, o.apiVersion == "apps/v1" && o.kind == "ReplicaSet" && o.name.matches("^" + variables.app + "-${POD_TEMPLATE_HASH}$")) ` +
                `: ${controllers}.exists(o, o.apiVersion == "apps/v1" && o.kind == "Deployment" && o.name == variables.app)`,
            messageExpression: `"The " + object.kind + " " + (has(object.metadata.name) ? object.metadata.name : "(generated name)") + " carries the label app: " + variables.app + ` +
                `" of a berrys-platform service but is not owned by " + (object.kind == "Pod" ? "a ReplicaSet of Deployment " : "Deployment ") + variables.app + ` +
                `" (controller: " + (size(${controllers}) == 0 ? "none" : ${controllers}.map(o, o.kind + "/" + o.name).join(", ")) + "); ` +
                `the service's HPA, PDB and PodMonitor select every pod with that label: use another app label"`,
            message: "Only the pods of a service's own Deployment may carry its label app: <service> (the HPA, PDB and PodMonitor select on it)",
        }],
    };
}
