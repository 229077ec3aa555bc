// The ownership policy (issue 21): ValidatingAdmissionPolicy berrys-services-pods lets only a
// service's own ReplicaSets' pods carry its `app` label, the label its HPA, PDB and PodMonitor select
// by (only Deployments were checked before). Its CEL is evaluated with @bufbuild/cel
// (tests/helpers/admission.ts) against pods and ReplicaSets in the production fixture's namespace.
import { strict as assert } from "assert";
import { NAMESPACE_NAME_LABEL, servicesAdmissionBindingSpec } from "../../components/services-admission";
import type { DeploymentContract } from "../../components/service-scaling";
import { OWNERSHIP_POLICY_NAME, servicesOwnershipPolicySpec } from "../../components/services-ownership";
import { MockRun } from "../../tools/mock-engine";
import { evaluatePolicy } from "../helpers/admission";
import { kubernetesObject, runStack } from "../helpers/program";

const NAMESPACE = "berrys-production";

describe("ValidatingAdmissionPolicy berrys-services-pods: only a service's own ReplicaSets' pods carry its label", () => {
    let production: MockRun;
    let services: Record<string, DeploymentContract>;

    before(async () => {
        production = await runStack("production");
        services = production.outputs.services as Record<string, DeploymentContract>;
    });

    const ownershipBinding = servicesAdmissionBindingSpec(NAMESPACE, ["Deny"], OWNERSHIP_POLICY_NAME);
    const check = (object: Record<string, any>, oldObject?: Record<string, any>) =>
        evaluatePolicy(
            servicesOwnershipPolicySpec(Object.values(services)),
            ownershipBinding,
            object,
            NAMESPACE,
            oldObject,
        );
    const controller = (kind: string, name: string) => ({
        apiVersion: "apps/v1",
        kind,
        name,
        uid: "0c6b1f4e",
        controller: true,
        blockOwnerDeletion: true,
    });
    const pod = (labels: Record<string, string>, owners: Record<string, unknown>[] = []) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: "api-gateway-7c9d8f6b5-q8w2n",
            namespace: NAMESPACE,
            labels,
            ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        spec: { containers: [{ name: "api-gateway", image: "berrys/api-gateway:1.0.0" }] },
    });
    const replicaSet = (name: string, app: string, owners: Record<string, unknown>[] = []) => ({
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
            name,
            namespace: NAMESPACE,
            labels: { app, "pod-template-hash": "7c9d8f6b5" },
            ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        },
        spec: {
            selector: { matchLabels: { app } },
            template: {
                metadata: { labels: { app, "pod-template-hash": "7c9d8f6b5" } },
                spec: { containers: [{ name: app, image: "x" }] },
            },
        },
    });
    const REFUSAL = "the service's HPA, PDB and PodMonitor select every pod with that label: use another app label";

    it("admits the pods the service's ReplicaSet creates and the ReplicaSets its Deployment creates", () => {
        assert.deepEqual(
            check(
                pod({ app: "api-gateway", "pod-template-hash": "7c9d8f6b5" }, [
                    controller("ReplicaSet", "api-gateway-7c9d8f6b5"),
                ]),
            ),
            { matched: true, failures: [] },
        );
        assert.deepEqual(
            check(replicaSet("api-gateway-7c9d8f6b5", "api-gateway", [controller("Deployment", "api-gateway")])),
            { matched: true, failures: [] },
        );
    });

    it("admits a pod of every pod-template-hash: ComputeHash (kubernetes v1.34.0) is SafeEncodeString (apimachinery v0.34.0) of the decimal FNV-32a sum", () => {
        // rand.SafeEncodeString at k8s.io/apimachinery v0.34.0: each byte indexes `alphanums` modulo its length.
        const alphanums = "bcdfghjklmnpqrstvwxz2456789";
        const safeEncode = (sum: number) =>
            [...String(sum)].map((digit) => alphanums[digit.charCodeAt(0) % alphanums.length]).join("");
        const hashes = [0, 5, 6, 9, 1_000_000_000, 2_147_483_647, 4_294_967_295].map(safeEncode);
        assert.deepEqual(hashes.slice(0, 4), ["4", "9", "b", "f"], "0-5 encode to 4-9, 6-9 to b, c, d, f");
        assert.equal(hashes[hashes.length - 1], "86f8fbc6f9", "the largest sum gives the longest hash, 10 characters");
        for (const hash of hashes) {
            const owned = pod({ app: "api-gateway", "pod-template-hash": hash }, [
                controller("ReplicaSet", `api-gateway-${hash}`),
            ]);
            assert.deepEqual(check(owned), { matched: true, failures: [] }, hash);
        }
        // The alphabet has no "-": the ReplicaSet of Deployment api-gateway-bcd is never api-gateway's.
        assert.equal(
            check(pod({ app: "api-gateway" }, [controller("ReplicaSet", `api-gateway-bcd-${hashes[6]}`)])).failures
                .length,
            1,
        );
    });

    it("kubectl debug --copy-to (kubectl v0.34.0) drops the labels unless --keep-labels; a copy that keeps them has no owner and is refused", () => {
        // generatePodCopyWithDebugContainer copies only name, namespace, annotations and labels; the
        // profiles' KeepFlags.RemoveLabels then clears the labels unless --keep-labels.
        const copy = (labels?: Record<string, string>) => ({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "api-gateway-debug", namespace: NAMESPACE, ...(labels ? { labels } : {}) },
            spec: {
                containers: [
                    { name: "api-gateway", image: "berrys/api-gateway:1.0.0" },
                    { name: "debugger", image: "busybox" },
                ],
            },
        });
        assert.equal(check(copy()).matched, false);
        assert.deepEqual(check(copy({ app: "api-gateway", "pod-template-hash": "7c9d8f6b5" })).failures, [
            `The Pod api-gateway-debug carries the label app: api-gateway of a berrys-platform service but is not owned by a ReplicaSet of Deployment api-gateway (controller: none); ${REFUSAL}`,
        ]);
    });

    it("refuses a bare Pod, a Job's pod and another Deployment's pod that carry a service's label", () => {
        assert.deepEqual(check(pod({ app: "api-gateway" })).failures, [
            `The Pod api-gateway-7c9d8f6b5-q8w2n carries the label app: api-gateway of a berrys-platform service but is not owned by a ReplicaSet of Deployment api-gateway (controller: none); ${REFUSAL}`,
        ]);
        assert.deepEqual(
            check(
                pod({ app: "api-gateway" }, [
                    { apiVersion: "batch/v1", kind: "Job", name: "load-test", uid: "1", controller: true },
                ]),
            ).failures,
            [
                `The Pod api-gateway-7c9d8f6b5-q8w2n carries the label app: api-gateway of a berrys-platform service but is not owned by a ReplicaSet of Deployment api-gateway (controller: Job/load-test); ${REFUSAL}`,
            ],
        );
        assert.equal(
            check(pod({ app: "api-gateway" }, [controller("ReplicaSet", "api-gateway-canary-7c9d8f6b5")])).failures
                .length,
            1,
        );
    });

    it("refuses a ReplicaSet whose pods carry a service's label unless that service's Deployment owns it", () => {
        assert.deepEqual(check(replicaSet("api-gateway-7c9d8f6b5", "api-gateway")).failures, [
            `The ReplicaSet api-gateway-7c9d8f6b5 carries the label app: api-gateway of a berrys-platform service but is not owned by Deployment api-gateway (controller: none); ${REFUSAL}`,
        ]);
        assert.equal(
            check(replicaSet("gateway-canary-7c9d8f6b5", "api-gateway", [controller("Deployment", "gateway-canary")]))
                .failures.length,
            1,
        );
    });

    it("refuses labelling a running pod as a service's; an update that keeps the labels (orphaning, an annotation) is not checked", () => {
        const bare = pod({ app: "debug" });
        assert.equal(check(pod({ app: "api-gateway" }), bare).failures.length, 1);
        const orphaned = pod({ app: "api-gateway", "pod-template-hash": "7c9d8f6b5" });
        const owned = pod({ app: "api-gateway", "pod-template-hash": "7c9d8f6b5" }, [
            controller("ReplicaSet", "api-gateway-7c9d8f6b5"),
        ]);
        assert.equal(check(orphaned, owned).matched, false);
        // A re-created Deployment adopts its orphaned ReplicaSet by patching ownerReferences only.
        const orphanRS = replicaSet("api-gateway-7c9d8f6b5", "api-gateway");
        assert.equal(
            check(
                replicaSet("api-gateway-7c9d8f6b5", "api-gateway", [controller("Deployment", "api-gateway")]),
                orphanRS,
            ).matched,
            false,
        );
    });

    it("leaves pods without a service's label alone, and other namespaces", () => {
        assert.equal(check(pod({ app: "debug" })).matched, false);
        assert.equal(
            evaluatePolicy(
                servicesOwnershipPolicySpec(Object.values(services)),
                ownershipBinding,
                pod({ app: "api-gateway" }),
                "other-team",
            ).matched,
            false,
        );
    });

    it("checks pods and replicasets only, never their subresources (status, binding, eviction, scale)", () => {
        const spec = servicesOwnershipPolicySpec(Object.values(services));
        assert.deepEqual(
            spec.matchConstraints.resourceRules.map((rule) => rule.resources),
            [["pods"], ["replicasets"]],
        );
        assert.equal(spec.failurePolicy, "Fail");
        for (const validation of spec.validations) {
            assert.ok(!/[\r\n]/.test(validation.expression + validation.messageExpression + validation.message));
            assert.ok(
                validation.messageExpression.startsWith('"'),
                "a messageExpression typed string starts with a string literal",
            );
        }
    });

    it("production registers the policy and its binding, with the services namespace and the contract's actions", () => {
        assert.deepEqual(
            kubernetesObject(production, "ValidatingAdmissionPolicy", OWNERSHIP_POLICY_NAME).spec,
            servicesOwnershipPolicySpec(Object.values(services)),
        );
        const registered = kubernetesObject(production, "ValidatingAdmissionPolicyBinding", OWNERSHIP_POLICY_NAME).spec;
        assert.equal(registered.policyName, OWNERSHIP_POLICY_NAME);
        assert.deepEqual(registered.validationActions, ["Warn", "Audit"]);
        assert.deepEqual(registered.matchResources.namespaceSelector.matchLabels, {
            [NAMESPACE_NAME_LABEL]: NAMESPACE,
        });
    });
});
